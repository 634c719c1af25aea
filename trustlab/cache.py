"""A small on-disk cache for sweeps that take longer than a slider may wait.

A sweep (a grid of training runs) is stored as one JSON file whose *key* hashes the sweep's
name, its parameters and the trustlab version, so a new version or a changed grid never reads
stale numbers. :func:`cached` looks in two places before computing:

1. the sweeps shipped inside the package (``trustlab/<area>/sweeps/<name>.json``, written by
   ``make sweeps`` and committed), so a notebook reads them without computing;
2. the user cache, ``$TRUSTLAB_CACHE_DIR`` or ``~/.cache/trustlab``, where sweeps computed on
   this machine for other parameters (a custom grid, another seed) are kept.

Every entry read is checked: its structure here, its content by the sweep's own ``check``
callable (types, lengths, ranges). A shipped sweep that is missing, damaged or out of date
raises an error naming the file and ``make sweeps``: nothing silently starts minutes of
recomputing, which stays an explicit call (``use_cache=False``). A bad user-cache entry is
dropped and recomputed with a warning naming the file. Values are plain JSON (no pickle, no
NaN: undefined numbers are stored as None); files are written atomically, so concurrent writers
leave a valid file; shipped files are never written at run time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import warnings
from pathlib import Path

from trustlab._validate import abbreviate, check_bool, check_callable, check_path, damaged_file

__all__ = ["cache_dir", "cache_key", "cached", "load_entry", "save_entry", "write_shipped"]

FORMAT = 1  # bump when the file layout below changes
#: Sweep names: a file name stem that cannot leave its directory.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_REBUILD = "rebuild it with `make sweeps`"
_ABSENT = object()


def _version() -> str:
    from trustlab import __version__

    return __version__


def cache_dir() -> Path:
    """Directory of the user cache: ``$TRUSTLAB_CACHE_DIR`` if set (non-empty), else ``~/.cache/trustlab``.

    >>> isinstance(cache_dir(), Path)
    True
    """
    override = os.environ.get("TRUSTLAB_CACHE_DIR")
    return Path(override).expanduser() if override else Path.home() / ".cache" / "trustlab"


def _check_name(name) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"name must be a non-empty string of letters, digits, '_', '-' and '.' "
                         f"(a file name that stays in the cache directory), got {abbreviate(name)}")
    return name


def _dumps(value, what) -> str:
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be plain JSON (dict, list, str, finite number, bool or None; "
                        f"None for an undefined number), got {abbreviate(value)} ({exc})") from None


def cache_key(name, params, version=None) -> str:
    """Hex digest identifying a sweep: its name, its JSON-able parameters and the trustlab version.

    Equal keys mean the same computation; any change of name, parameter or version changes it.

    >>> cache_key("demo", {"a": 1}, version="0.1.0") == cache_key("demo", {"a": 1}, version="0.1.0")
    True
    >>> cache_key("demo", {"a": 1}, version="0.1.0") == cache_key("demo", {"a": 1}, version="0.2.0")
    False
    >>> cache_key("../escape", {})
    Traceback (most recent call last):
    ...
    ValueError: name must be a non-empty string of letters, digits, '_', '-' and '.' (a file name that stays in the cache directory), got '../escape'
    """
    _check_name(name)
    _dumps(params, "params")
    payload = json.dumps({"name": name, "params": params, "version": version or _version(),
                          "format": FORMAT}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def _display(path: Path) -> str:
    """``path`` relative to the repository when inside it (``trustlab/privacy/sweeps/x.json``)."""
    root = Path(__file__).resolve().parents[1]
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


def _read(path: Path):
    """The entry dict in ``path``; FileNotFoundError if absent; any other problem raises its reason."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entry, dict):
        raise ValueError(f"the file holds a {type(entry).__name__}, not a cache entry")
    missing = [k for k in ("key", "name", "params", "value") if k not in entry]
    if missing:
        raise ValueError(f"the entry has no {', '.join(missing)}")
    if not isinstance(entry["key"], str):
        raise ValueError("its key is not a string")
    return entry


def _checked(value, check):
    if value is None:
        raise ValueError("its value is null")
    if check is not None:
        check(value)
    return value


def load_entry(path, key, check=None):
    """The value stored in ``path`` under ``key``, or None if absent or stored under another key.

    A file that cannot be read, is not a cache entry, or whose value fails ``check`` (a
    callable raising on bad content) is also treated as absent, with a RuntimeWarning that
    names the file.
    """
    path = check_path("path", path)
    if not isinstance(key, str):
        raise TypeError(f"key must be a string (from cache_key), got {abbreviate(key)}")
    try:
        entry = _read(path)
        if entry["key"] != key:
            return None
        return _checked(entry["value"], check)
    except FileNotFoundError:
        return None
    except Exception as exc:  # whatever `check` or the parser raised: this file is bad
        warnings.warn(f"ignoring bad cache file {path}: {type(exc).__name__}: {exc}",
                      RuntimeWarning, stacklevel=2)
        return None


def save_entry(path, key, name, params, value) -> Path:
    """Write ``value`` (plain JSON) under ``key`` to ``path`` atomically; return the path."""
    path = check_path("path", path)
    _dumps(value, f"the value of sweep {name!r}")
    entry = {"key": key, "name": name, "version": _version(), "format": FORMAT,
             "params": params, "value": value}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write cache file {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entry, fh, indent=1, sort_keys=True, allow_nan=False)
            fh.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; cache and shipped files are not secret
        os.replace(tmp, path)  # readers never see a half-written file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_shipped(directory, name, params, value) -> Path:
    """Write a sweep to ``directory / f"{name}.json"`` under its key: what ``make sweeps`` ships.

    :func:`cached` reads it back (``shipped_dir=directory``) as long as name, params and version match.
    """
    directory = check_path("directory", directory)
    return save_entry(directory / f"{_check_name(name)}.json", cache_key(name, params), name, params, value)


def _shipped(path: Path, key, params, check):
    """The shipped value for ``key``; _ABSENT if the file holds another grid; raises if unusable."""
    shown = _display(path)
    try:
        entry = _read(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"shipped sweep {shown} is missing; {_REBUILD} (or compute it live "
                                "without the cache, use_cache=False, which takes minutes)") from None
    except Exception as exc:
        raise damaged_file(shown, exc, _REBUILD) from None
    if entry["key"] != key:
        if json.loads(_dumps(params, "params")) != entry["params"]:
            return _ABSENT  # a custom grid or seed: the user cache's business
        raise damaged_file(shown, f"out of date: its key does not match (written by trustlab "
                           f"{entry.get('version')!r}, format {entry.get('format')!r}; this is trustlab "
                           f"{_version()!r}, format {FORMAT})", _REBUILD)
    try:
        return _checked(entry["value"], check)
    except Exception as exc:
        raise damaged_file(shown, exc, _REBUILD) from None


def cached(name, params, compute, *, shipped_dir=None, directory=None, use_cache=True, check=None):
    """``compute()``'s JSON value for ``(name, params)``, read from disk when possible.

    Parameters
    ----------
    name : str
        The sweep's name (letters, digits, ``_-.``): the file name, never a path.
    params : JSON-able
        Everything the value depends on; with ``name`` and the version it makes the key.
    compute : callable
        ``compute() -> value``, plain JSON (None for undefined numbers, no NaN or inf).
    shipped_dir : path, optional
        Where the shipped ``f"{name}.json"`` lives. If given, that file must exist, parse,
        be current and pass ``check``; otherwise a FileNotFoundError or
        :class:`~trustlab._validate.DamagedFileError` names it and ``make sweeps``. A shipped
        file for other ``params`` (a custom grid) defers to the user cache.
    directory : path, optional
        The user cache (default :func:`cache_dir`); file ``f"{name}-{key}.json"``.
    use_cache : bool
        False always computes (the explicit, slow path) and reads or writes nothing.
    check : callable, optional
        ``check(value)`` raises (any exception) if a stored value is malformed or out of
        range. A bad user-cache entry is then dropped and recomputed, with a warning naming
        the file; a computed value that fails it is a bug and raises.

    >>> import tempfile
    >>> calls = []
    >>> with tempfile.TemporaryDirectory() as d:
    ...     first = cached("demo", {"n": 3}, lambda: calls.append(1) or [1, 2, 3], directory=d)
    ...     again = cached("demo", {"n": 3}, lambda: calls.append(1) or [1, 2, 3], directory=d)
    >>> first == again == [1, 2, 3], len(calls)
    (True, 1)
    """
    key = cache_key(name, params)
    check_callable("compute", compute)
    check_bool("use_cache", use_cache)
    if check is not None:
        check_callable("check", check)
    if not use_cache:
        return _computed(name, compute, check)
    if shipped_dir is not None:
        value = _shipped(check_path("shipped_dir", shipped_dir) / f"{name}.json", key, params, check)
        if value is not _ABSENT:
            return value
    user_path = (cache_dir() if directory is None else check_path("directory", directory)) / f"{name}-{key}.json"
    value = load_entry(user_path, key, check)  # a bad file warns, naming itself, and reads as None
    if value is not None:
        return value
    value = _computed(name, compute, check)
    try:
        save_entry(user_path, key, name, params, value)
    except OSError as exc:  # a read-only home still gets its answer, just not cached
        warnings.warn(f"could not write cache file {user_path}: {exc}", RuntimeWarning, stacklevel=2)
    return value


def _computed(name, compute, check):
    value = compute()
    _dumps(value, f"the value compute() returned for sweep {name!r}")
    try:
        return _checked(value, check)
    except Exception as exc:
        raise ValueError(f"the value compute() returned for sweep {name!r} fails its check "
                         f"({type(exc).__name__}: {exc})") from exc
