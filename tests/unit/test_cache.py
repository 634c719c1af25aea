"""The sweep cache: keys include the version, bad user files are dropped and recomputed with a
warning naming them, shipped files win and a missing or damaged one raises naming it."""

import json

import pytest

from trustlab import cache


def test_key_depends_on_name_params_and_version():
    k = cache.cache_key("s", {"a": [1, 2]}, version="1.0")
    assert k == cache.cache_key("s", {"a": [1, 2]}, version="1.0")
    assert k != cache.cache_key("s", {"a": [1, 3]}, version="1.0")
    assert k != cache.cache_key("t", {"a": [1, 2]}, version="1.0")
    assert k != cache.cache_key("s", {"a": [1, 2]}, version="1.1")
    assert cache.cache_key("s", {"a": 1}) == cache.cache_key("s", {"a": 1}, version=_version())
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        cache.cache_key("", {})


def _version():
    from trustlab import __version__
    return __version__


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTLAB_CACHE_DIR", str(tmp_path / "c"))
    assert cache.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("TRUSTLAB_CACHE_DIR")
    assert cache.cache_dir().parts[-2:] == (".cache", "trustlab")


def test_computes_once_then_reads(tmp_path):
    calls = []
    compute = lambda: calls.append(1) or {"x": [1.5, 2.5]}  # noqa: E731
    assert cache.cached("s", {"n": 1}, compute, directory=tmp_path) == {"x": [1.5, 2.5]}
    assert cache.cached("s", {"n": 1}, compute, directory=tmp_path) == {"x": [1.5, 2.5]}
    assert len(calls) == 1
    cache.cached("s", {"n": 2}, compute, directory=tmp_path)  # other params: other entry
    assert len(calls) == 2
    cache.cached("s", {"n": 1}, compute, directory=tmp_path, use_cache=False)
    assert len(calls) == 3


@pytest.mark.parametrize("content", ["{not json", "", '["a list"]', '{"key": "other", "value": 1}',
                                     '{"key": "KEY"}'])
def test_corrupted_or_mismatched_files_are_recomputed(tmp_path, content):
    key = cache.cache_key("s", {"n": 1})
    path = tmp_path / f"s-{key}.json"
    path.write_text(content.replace("KEY", key))
    with pytest.warns(RuntimeWarning, match=f"ignoring bad cache file {path}"):  # named, then dropped
        value = cache.cached("s", {"n": 1}, lambda: 42, directory=tmp_path)
    assert value == 42
    assert json.loads(path.read_text())["value"] == 42  # rewritten, valid again


def test_missing_file_and_directory(tmp_path):
    assert cache.load_entry(tmp_path / "nope.json", "k") is None
    assert cache.cached("s", {}, lambda: [1], directory=tmp_path / "new" / "dir") == [1]


def test_shipped_file_is_read_when_its_key_matches(tmp_path):
    shipped, user = tmp_path / "shipped", tmp_path / "user"
    key = cache.cache_key("s", {"n": 1})
    cache.save_entry(shipped / "s.json", key, "s", {"n": 1}, "from shipped")
    assert cache.cached("s", {"n": 1}, lambda: "computed", shipped_dir=shipped, directory=user) == "from shipped"
    assert not user.exists()  # nothing written
    # Another grid (other params): the shipped file is not for it; computed into the user cache.
    assert cache.cached("s", {"n": 2}, lambda: "computed", shipped_dir=shipped, directory=user) == "computed"
    assert json.loads((shipped / "s.json").read_text())["value"] == "from shipped"  # never overwritten


def _no_compute():
    raise AssertionError("a damaged shipped sweep must not start a recompute")


@pytest.mark.parametrize("content, reason", [
    (None, "is missing"),
    ("{trunc", r"is damaged \(JSONDecodeError"),
    ("", r"is damaged \(JSONDecodeError"),
    ('["a list"]', r"is damaged \(ValueError: the file holds a list"),
    ('{"key": "KEY", "name": "s", "params": {"n": 1}}', r"is damaged \(ValueError: the entry has no value"),
    ('{"key": "KEY", "name": "s", "params": {"n": 1}, "value": {"rows": "x"}}', r"is damaged \(ValueError: bad rows"),
    ('{"key": "OLD", "name": "s", "params": {"n": 1}, "value": [1], "version": "0.0.1"}', "out of date"),
])
def test_missing_or_damaged_shipped_sweep_raises_naming_the_file_and_make_sweeps(tmp_path, content, reason):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    if content is not None:
        (shipped / "s.json").write_text(content.replace("KEY", cache.cache_key("s", {"n": 1})))

    def check(value):
        if not isinstance(value.get("rows"), list):
            raise ValueError("bad rows")

    error = FileNotFoundError if content is None else ValueError
    with pytest.raises(error, match=reason) as info:
        cache.cached("s", {"n": 1}, _no_compute, shipped_dir=shipped, directory=tmp_path / "user",
                     check=check)
    assert str(shipped / "s.json") in str(info.value) and "`make sweeps`" in str(info.value)
    # Recomputing stays possible, explicitly:
    assert cache.cached("s", {"n": 1}, lambda: {"rows": [1]}, shipped_dir=shipped, use_cache=False,
                        check=check) == {"rows": [1]}


def test_a_user_entry_with_wrong_content_is_dropped_and_recomputed_with_a_warning(tmp_path):
    key = cache.cache_key("s", {"n": 1})
    path = tmp_path / f"s-{key}.json"
    cache.save_entry(path, key, "s", {"n": 1}, {"rows": "not a list"})  # valid JSON, wrong content

    def check(value):
        if not isinstance(value["rows"], list):
            raise ValueError("rows must be a list")

    with pytest.warns(RuntimeWarning, match=f"ignoring bad cache file {path}.*rows must be a list"):
        value = cache.cached("s", {"n": 1}, lambda: {"rows": [1, 2]}, directory=tmp_path, check=check)
    assert value == {"rows": [1, 2]}
    assert json.loads(path.read_text())["value"] == {"rows": [1, 2]}  # rewritten, valid again
    with pytest.raises(ValueError, match="the value compute\\(\\) returned for sweep 's' fails its check"):
        cache.cached("s", {"n": 9}, lambda: {"rows": 5}, directory=tmp_path, check=check)


@pytest.mark.parametrize("name", ["../../escape", "a/b", "/abs", "..", "", "x" * 101, "a b", 5, None])
def test_cache_names_cannot_leave_the_cache_directory(tmp_path, name):
    with pytest.raises(ValueError, match="name must be a non-empty string of letters"):
        cache.cached(name, {}, lambda: 1, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value, match", [
    (None, "fails its check .*null"), (float("nan"), "must be plain JSON"), ([float("inf")], "must be plain JSON"),
    (object(), "must be plain JSON"), ({1, 2}, "must be plain JSON"),
])
def test_computed_values_must_be_plain_json(tmp_path, value, match):
    with pytest.raises((TypeError, ValueError), match=match):
        cache.cached("s", {}, lambda: value, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_bad_arguments_name_the_parameter(tmp_path):
    with pytest.raises(TypeError, match="params must be plain JSON"):
        cache.cache_key("s", {"a": {1, 2}})
    with pytest.raises(TypeError, match="compute must be callable"):
        cache.cached("s", {}, 5, directory=tmp_path)
    with pytest.raises(TypeError, match="use_cache must be True or False"):
        cache.cached("s", {}, lambda: 1, directory=tmp_path, use_cache="no")
    with pytest.raises(TypeError, match="path must be a file path"):
        cache.load_entry(None, "k")
    with pytest.raises(TypeError, match="directory must be a file path"):
        cache.write_shipped(None, "s", {}, 1)
    with pytest.raises(OSError, match="cannot write cache file /proc/x.json"):
        cache.save_entry("/proc/x.json", "k", "s", {}, 1)


def test_shipped_dpsgd_sweeps_are_current():
    # After a version bump or a grid change, run `python scripts/make_sweeps.py` and commit.
    from trustlab.privacy import dpsgd_sweep as sw

    for name, params in [("dpsgd_grid", sw.grid_params()), ("dpsgd_privacy_utility", sw.utility_params())]:
        path = sw.SWEEP_DIR / f"{name}.json"
        assert path.is_file(), f"{path} missing: run scripts/make_sweeps.py"
        assert cache.load_entry(path, cache.cache_key(name, params)) is not None, \
            f"{path} is stale: run scripts/make_sweeps.py"
