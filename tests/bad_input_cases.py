"""The bad-input table: (area, call, parameter the error must name, the call itself).

Every public function joins this table with representative bad calls: wrong type, out of
range, NaN/inf, coerced numbers (2.9, "5", True), empty or mismatched arrays, typos in dicts,
and work too large to start. ``tests/unit/test_bad_input.py`` requires each row of a finished
area to be GOOD (a ValueError/TypeError raised by trustlab that names the parameter);
``scripts/bad_input_probe.py`` runs every row and counts GOOD / VAGUE / WRONG / SILENT / HANG
per area, like the probe report of 2026-12-06.

To add rows for an area: write ``row(area, "what is called", "param", lambda: call(...))``
lines below (``expect="value"`` for a call that must *return*, e.g. a documented ``inf``), and
list the area in ``FINISHED`` once all its rows are GOOD. Rows are lambdas: nothing runs on import
but the imports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

NAN, INF = math.nan, math.inf

#: Areas whose every row must be GOOD in the test suite (phase 2 adds privacy.*, fairness, capstone).
FINISHED = ("privacy.accounting", "attacks", "federated", "cache", "data", "gallery/app/widgets",
            "fairness.groups", "fairness.counterfactual", "fairness.text")


@dataclass(frozen=True)
class Row:
    area: str
    label: str
    param: str  # a substring the message must contain (the parameter, or the file for file errors)
    call: object = field(repr=False)
    expect: str = "error"  # "error": must raise naming `param`; "value": a legitimate return
    timeout: float = 20.0


ROWS: list[Row] = []


def row(area, label, param, call, *, expect="error", timeout=20.0):
    ROWS.append(Row(area, label, param, call, expect, timeout))


# --- classification (as in the probe report) -----------------------------------------------------

CATEGORIES = ("GOOD", "VAGUE", "WRONG", "SILENT", "HANG/CRASH")


class _Timeout(BaseException):  # not an Exception: the code under test cannot swallow it
    pass


def _raised_in_trustlab(exc) -> bool:
    """True if the innermost frame of the traceback is trustlab's own code (not a library's)."""
    import pathlib

    import trustlab

    package = str(pathlib.Path(trustlab.__file__).resolve().parent)
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(pathlib.Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(package)


def run(r: Row) -> tuple[str, str]:
    """``(category, what happened)`` for one row; the call runs with a SIGALRM timeout.

    GOOD: ValueError/TypeError (or a file error) raised by trustlab whose message names
    ``r.param``; VAGUE: the right type from trustlab without it; WRONG: any other exception,
    or one raised inside a library; SILENT: a return where an error was expected; HANG/CRASH:
    the timeout, or a RecursionError/MemoryError. A row with ``expect="value"`` that returns
    is "LEGIT".
    """
    import signal

    def alarm(*_):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, r.timeout)
    try:
        value = r.call()
    except _Timeout:
        return "HANG/CRASH", f"TIMEOUT: >{r.timeout:g}s"
    except (RecursionError, MemoryError) as exc:
        return ("HANG/CRASH" if isinstance(exc, RecursionError) else "WRONG"), _line(exc)
    except Exception as exc:
        if r.expect == "value":
            return "WRONG", _line(exc)
        ours = _raised_in_trustlab(exc)
        if not ours:
            return "WRONG", _line(exc)
        if isinstance(exc, (ValueError, TypeError, OSError)):
            return ("GOOD" if r.param in str(exc) else "VAGUE"), _line(exc)
        return "WRONG", _line(exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return ("LEGIT" if r.expect == "value" else "SILENT"), f"RETURN: {repr(value)[:120]}"


def _line(exc) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160] if text else ''}"


# --- small fixtures, built lazily -------------------------------------------------------------

def _shadow_set():
    from trustlab.attacks.shadows import ShadowSet

    rng = np.random.default_rng(0)
    in_mask = np.tile([[True], [False]], (3, 20))
    return ShadowSet(rng.normal(size=(6, 20)) + 2 * in_mask, in_mask, np.full(6, 0.9), 0.0, INF, 1e-5)


def _nlu_model():
    from trustlab.attacks.nlu import NLUModel, Vocabulary
    from trustlab.attacks.utterances import DIGITS

    return NLUModel(Vocabulary.build(["my pin code is", " ".join(DIGITS)]), 2)


def _tmp_file(name, content: bytes):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp(prefix="trustlab-probe-")) / name
    path.write_bytes(content)
    return path


def _npz_bytes():
    import io

    buf = io.BytesIO()
    np.savez(buf, a=np.arange(3))
    return buf.getvalue()


# --- privacy.accounting ---------------------------------------------------------------------------
from trustlab.privacy import accounting as acc  # noqa: E402
from trustlab.privacy import planner as pl  # noqa: E402

row("privacy.accounting", "epsilon(prv steps=10**9)", "steps",
    lambda: acc.epsilon(1.0, 0.01, 10**9, accountant="prv"))
row("privacy.accounting", "epsilon(prv sigma=0.3 q=0.001 steps=100000) (the planner's PRV case)", "noise_multiplier",
    lambda: acc.epsilon(0.3, 0.001, 100_000, accountant="prv"))
row("privacy.accounting", "epsilon(prv noise_multiplier=0.05 q=1)", "noise_multiplier",
    lambda: acc.epsilon(0.05, 1.0, 10, accountant="prv"))
row("privacy.accounting", "epsilon(noise_multiplier=nan)", "noise_multiplier", lambda: acc.epsilon(NAN, 0.01, 10))
row("privacy.accounting", "epsilon(noise_multiplier=inf)", "noise_multiplier", lambda: acc.epsilon(INF, 0.01, 10))
row("privacy.accounting", "epsilon(steps=2.9)", "steps", lambda: acc.epsilon(1.0, 0.01, 2.9))
row("privacy.accounting", "epsilon(steps=True)", "steps", lambda: acc.epsilon(1.0, 0.01, True))
row("privacy.accounting", "epsilon(sample_rate='0.1')", "sample_rate", lambda: acc.epsilon(1.0, "0.1", 10))
row("privacy.accounting", "epsilon(accountant='gdp')", "accountant", lambda: acc.epsilon(1.0, 0.1, 10, accountant="gdp"))
row("privacy.accounting", "noise_multiplier_for(target_epsilon=0.001) unreachable", "target_epsilon",
    lambda: acc.noise_multiplier_for(0.001, 0.5, 1000))
row("privacy.accounting", "compute_privacy_plan(with_prv='yes')", "with_prv",
    lambda: pl.compute_privacy_plan(with_prv="yes"))
row("privacy.accounting", "compute_privacy_plan(mode=epsilon target_epsilon='junk')", "target_epsilon",
    lambda: pl.compute_privacy_plan(target_epsilon="junk"))
row("privacy.accounting", "compute_privacy_plan(epochs=10**9 sample_rate=1e-9)", "epochs",
    lambda: pl.compute_privacy_plan(epochs=10**9, sample_rate=1e-9))
row("privacy.accounting", "compute_privacy_plan(with_prv, sigma=0.3 q=0.001 100 epochs)", "noise_multiplier",
    lambda: pl.compute_privacy_plan(noise_multiplier=0.3, sample_rate=0.001, epochs=100, with_prv=True))
row("privacy.accounting", "compute_privacy_plan(mode='eps')", "mode", lambda: pl.compute_privacy_plan("eps"))
row("privacy.accounting", "epsilon_curve(steps=[])", "steps", lambda: acc.epsilon_curve(1.0, 0.01, []))

# --- attacks ---------------------------------------------------------------------------------------
from trustlab.attacks.audits import audit as au  # noqa: E402
from trustlab.attacks import canaries as ca  # noqa: E402
from trustlab.attacks import canary_sweep as cs  # noqa: E402
from trustlab.attacks import membership as me  # noqa: E402
from trustlab.attacks import shadows as sh  # noqa: E402

_members = np.r_[np.ones(50, bool), np.zeros(50, bool)]
row("attacks", "roc_metrics(scores with NaN)", "scores", lambda: me.roc_metrics([NAN, 1.0], [True, False]))
row("attacks", "roc_metrics(scores=inf)", "scores", lambda: me.roc_metrics([INF, 1.0], [True, False]))
row("attacks", "roc_metrics(mismatched lengths)", "is_member", lambda: me.roc_metrics([1.0, 2.0], [True]))
row("attacks", "roc_metrics(only members)", "is_member", lambda: me.roc_metrics([1.0, 2.0], [True, True]))
row("attacks", "tpr_at_fpr(mismatched lengths)", "tpr", lambda: me.tpr_at_fpr([0, 1], [0, 0.5, 1], 0.1))
row("attacks", "tpr_at_fpr(max_fpr='0.1')", "max_fpr", lambda: me.tpr_at_fpr([0, 1], [0, 1], "0.1"))
row("attacks", "tpr_at_fpr(max_fpr=nan)", "max_fpr", lambda: me.tpr_at_fpr([0, 1], [0, 1], NAN))
row("attacks", "tpr_at_fpr(max_fpr=-1)", "max_fpr", lambda: me.tpr_at_fpr([0, 1], [0, 1], -1))
row("attacks", "tpr_at_fpr(empty)", "fpr", lambda: me.tpr_at_fpr([], [], 0.1))
row("attacks", "loss_scores(confidences=[nan])", "confidences", lambda: me.loss_scores([NAN]))
row("attacks", "loss_scores(confidences=[])", "confidences", lambda: me.loss_scores([]))
row("attacks", "loss_scores(confidences=['a'])", "confidences", lambda: me.loss_scores(["a"]))
row("attacks", "lira_scores(no IN shadows (online))", "shadow_in",
    lambda: me.lira_scores(np.zeros(4), np.zeros((3, 4)), np.zeros((3, 4), bool)))
row("attacks", "lira_scores(NaN shadows)", "shadows",
    lambda: me.lira_scores(np.zeros(4), np.full((3, 4), NAN), np.eye(3, 4, dtype=bool)))
row("attacks", "lira_scores(online='no')", "online",
    lambda: me.lira_scores(np.zeros(4), np.zeros((3, 4)), np.eye(3, 4, dtype=bool), online="no"))
row("attacks", "lira_scores(constant shadows) -> scores 0: no information, correctly", "",
    lambda: me.lira_scores(np.zeros(4), np.zeros((4, 4)), np.eye(4, dtype=bool)), expect="value")
row("attacks", "logit_confidence(y out of range)", "y", lambda: sh.logit_confidence(np.zeros((2, 3)), [0, 5]))
row("attacks", "logit_confidence(logits 1-d)", "logits", lambda: sh.logit_confidence(np.zeros(3), [0, 1, 2]))
row("attacks", "logit_confidence(len mismatch)", "y", lambda: sh.logit_confidence(np.zeros((2, 3)), [0]))
row("attacks", "logit_confidence(one class)", "logits", lambda: sh.logit_confidence(np.zeros((2, 1)), [0, 0]))
row("attacks", "logit_confidence(y float 0.7)", "y", lambda: sh.logit_confidence(np.zeros((2, 3)), [0.7, 0]))
row("attacks", "exposure(canary='x')", "canary_log_likelihood", lambda: ca.exposure("x", [1.0, 2.0]))
row("attacks", "exposure(canary=nan)", "canary_log_likelihood", lambda: ca.exposure(NAN, [1.0, 2.0]))
row("attacks", "exposure(candidates contain nan)", "candidate_log_likelihoods", lambda: ca.exposure(1.0, [NAN, 2.0]))
row("attacks", "exposure(candidates=[])", "candidate_log_likelihoods", lambda: ca.exposure(1.0, []))
row("attacks", "extrapolated_exposure(samples=[])", "sample_log_likelihoods", lambda: ca.extrapolated_exposure(1.0, []))
row("attacks", "extrapolated_exposure(samples constant)", "sample_log_likelihoods",
    lambda: ca.extrapolated_exposure(1.0, [2.0] * 50))
row("attacks", "extrapolated_exposure(canary=nan)", "canary_log_likelihood",
    lambda: ca.extrapolated_exposure(NAN, list(range(50))))
row("attacks", "make_canaries(alphabet=[])", "alphabet", lambda: ca.make_canaries(alphabet=[]))
row("attacks", "make_canaries(alphabet='abc' (string))", "alphabet", lambda: ca.make_canaries(alphabet="abc"))
row("attacks", "make_canaries(n_secret=2.9)", "n_secret", lambda: ca.make_canaries(n_secret=2.9))
row("attacks", "candidate_texts(prefix=None)", "prefix", lambda: ca.candidate_texts(None, 2))
row("attacks", "candidate_texts(alphabet=[])", "alphabet", lambda: ca.candidate_texts("my pin", 2, []))
row("attacks", "candidate_texts(alphabet 100 words, n_secret=5)", "n_secret",
    lambda: ca.candidate_texts("my pin", 5, [f"w{i}" for i in range(100)]), timeout=20)
row("attacks", "insert_canaries(canaries=['str'])", "canaries", lambda: ca.insert_canaries(["a"], ["x"], ["str"], 1))
row("attacks", "insert_canaries(texts/intents length mismatch)", "intents",
    lambda: ca.insert_canaries(["a", "b"], ["x"], ca.make_canaries(1), 1))
row("attacks", "insert_canaries(texts='abc')", "texts", lambda: ca.insert_canaries("abc", ["x"] * 3, ca.make_canaries(1), 1))
row("attacks", "insert_canaries(repetitions=2.0)", "repetitions", lambda: ca.insert_canaries(["a"], ["x"], [], 2.0))
row("attacks", "sequence_log_likelihood(texts='call mom')", "texts", lambda: ca.sequence_log_likelihood(_nlu_model(), "call mom"))
row("attacks", "sequence_log_likelihood(texts=[])", "texts", lambda: ca.sequence_log_likelihood(_nlu_model(), []))
row("attacks", "sequence_log_likelihood(batch_size=0)", "batch_size",
    lambda: ca.sequence_log_likelihood(_nlu_model(), ["my pin"], batch_size=0))
row("attacks", "sequence_log_likelihood(model='x')", "model", lambda: ca.sequence_log_likelihood("x", ["a"]))
row("attacks", "extract_secret(model='x')", "model", lambda: ca.extract_secret("x", "my pin code is"))
row("attacks", "extract_secret(lr=-1)", "lr", lambda: ca.extract_secret(_nlu_model(), "my pin code is", lr=-1))
row("attacks", "extract_secret(lr=nan)", "lr", lambda: ca.extract_secret(_nlu_model(), "my pin code is", lr=NAN))
row("attacks", "extract_secret(alphabet=[])", "alphabet", lambda: ca.extract_secret(_nlu_model(), "my pin code is", alphabet=[]))
row("attacks", "extract_secret(prefix=5)", "prefix", lambda: ca.extract_secret(_nlu_model(), 5))
row("attacks", "extract_secret(prefix with unknown words)", "prefix", lambda: ca.extract_secret(_nlu_model(), "xyzzy pin"))
row("attacks", "compute_membership_attack(shadow_set='x')", "shadow_set", lambda: me.compute_membership_attack("x"))
row("attacks", "compute_membership_attack(fix_variance='no')", "fix_variance",
    lambda: me.compute_membership_attack(_shadow_set(), fix_variance="no"))
row("attacks", "compute_membership_attack(attack='gradient')", "attack",
    lambda: me.compute_membership_attack(_shadow_set(), "gradient"))
row("attacks", "compute_membership_attack(n_shadows=1)", "n_shadows",
    lambda: me.compute_membership_attack(_shadow_set(), n_shadows=1))
row("attacks", "compute_privacy_audit(shadow_set=None)", "shadow_set", lambda: au.compute_privacy_audit(None))
row("attacks", "compute_privacy_audit(confidence=1.5)", "confidence", lambda: au.compute_privacy_audit(_shadow_set(), confidence=1.5))
row("attacks", "audit_epsilon(scores with NaN)", "scores", lambda: au.audit_epsilon(np.r_[NAN, np.zeros(99)], _members))
row("attacks", "audit_epsilon(scores all inf)", "scores", lambda: au.audit_epsilon(np.full(100, INF), _members))
row("attacks", "audit_epsilon(epsilon=-3)", "epsilon", lambda: au.audit_epsilon(np.arange(100.0), _members, epsilon=-3))
row("attacks", "audit_epsilon(epsilon='abc')", "epsilon", lambda: au.audit_epsilon(np.arange(100.0), _members, epsilon="abc"))
row("attacks", "audit_epsilon(is_member=[0,1,2,...] ints)", "is_member", lambda: au.audit_epsilon(np.arange(100.0), np.arange(100) % 3))
row("attacks", "audit_epsilon(scores strings)", "scores", lambda: au.audit_epsilon(["a"] * 100, _members))
row("attacks", "audit_epsilon(epsilon=inf) -> no DP, documented", "",
    lambda: au.audit_epsilon(np.arange(100.0), _members, epsilon=INF), expect="value")
row("attacks", "epsilon_lower_bound(tpr=nan)", "tpr", lambda: au.epsilon_lower_bound(NAN, 0.1))
row("attacks", "clopper_pearson(k=2.5)", "k", lambda: au.clopper_pearson(2.5, 10))
row("attacks", "train_shadow_set(recipe typo {'epoch': 1})", "recipe", lambda: sh.train_shadow_set(3, recipe={"epoch": 1}))
row("attacks", "train_shadow_set(recipe hidden=5 (int))", "hidden", lambda: sh.train_shadow_set(3, recipe={"hidden": 5}))
row("attacks", "train_shadow_set(recipe='x')", "recipe", lambda: sh.train_shadow_set(3, recipe="x"))
row("attacks", "train_shadow_set(recipe dp_batch_size=0)", "dp_batch_size",
    lambda: sh.train_shadow_set(3, 1.0, recipe={"dp_batch_size": 0}))
row("attacks", "train_shadow_set(noise_multiplier=inf)", "noise_multiplier", lambda: sh.train_shadow_set(3, INF))
row("attacks", "train_shadow_set(n_models=3.5)", "n_models", lambda: sh.train_shadow_set(3.5))
row("attacks", "load_shadow_sets(noise_multipliers=[])", "noise_multipliers", lambda: sh.load_shadow_sets([]))
row("attacks", "load_shadow_sets(noise_multipliers=[0.0, 0.0] dup)", "noise_multipliers", lambda: sh.load_shadow_sets([0.0, 0.0]))
row("attacks", "load_shadow_sets(noise_multipliers=1.0 (scalar))", "noise_multipliers", lambda: sh.load_shadow_sets(1.0))
row("attacks", "load_shadow_sets(use_cache='no')", "use_cache", lambda: sh.load_shadow_sets(use_cache="no"))
row("attacks", "load_canary_sweep(seed=1.5)", "seed", lambda: cs.load_canary_sweep(1.5))
row("attacks", "compute_canary_attack(repetitions=2.9)", "repetitions", lambda: cs.compute_canary_attack(2.9))
row("attacks", "compute_canary_attack(defense='none ')", "defense", lambda: cs.compute_canary_attack(1, "none "))
row("attacks", "compute_canary_attack(target_epsilon=inf)", "target_epsilon",
    lambda: cs.compute_canary_attack(1, "dp_sgd", target_epsilon=INF))
row("attacks", "compute_canary_attack(n_canaries=0)", "n_canaries", lambda: cs.compute_canary_attack(1, n_canaries=0))

# --- federated --------------------------------------------------------------------------------
from trustlab.federated import api as fa  # noqa: E402
from trustlab.federated import dp as fdp  # noqa: E402
from trustlab.federated import partition as fp  # noqa: E402

_y = np.repeat(np.arange(3), 4)
row("federated", "dirichlet_partition(alpha=inf)", "alpha", lambda: fp.dirichlet_partition(_y, 3, INF))
row("federated", "dirichlet_partition(alpha=nan)", "alpha", lambda: fp.dirichlet_partition(_y, 3, NAN))
row("federated", "dirichlet_partition(alpha=0)", "alpha", lambda: fp.dirichlet_partition(_y, 3, 0))
row("federated", "dirichlet_partition(y with NaN)", "y", lambda: fp.dirichlet_partition([0.0, NAN, 1.0], 2, 1.0))
row("federated", "dirichlet_partition(num_clients=2.5)", "num_clients", lambda: fp.dirichlet_partition(_y, 2.5, 1.0))
row("federated", "dirichlet_partition(num_clients > len(y))", "num_clients", lambda: fp.dirichlet_partition(_y, 13, 1.0))
row("federated", "iid_partition(y=[])", "y", lambda: fp.iid_partition([], 2))
row("federated", "iid_partition(y 2-d)", "y", lambda: fp.iid_partition(np.zeros((2, 2), int), 2))
row("federated", "natural_partition(groups with None/NaN)", "groups", lambda: fp.natural_partition(["a", None, NAN, "a"]))
row("federated", "natural_partition(groups='abc')", "groups", lambda: fp.natural_partition("abc"))
row("federated", "natural_partition(min_size=0)", "min_size", lambda: fp.natural_partition(["a"], min_size=0))
row("federated", "label_distribution(partitions out of range idx)", "partitions",
    lambda: fp.label_distribution([0, 1], [np.array([5])]))
row("federated", "label_distribution(partitions=[])", "partitions", lambda: fp.label_distribution([0, 1], []))
row("federated", "label_distribution(negative labels)", "y", lambda: fp.label_distribution([-1, 1], [np.array([0])]))
row("federated", "label_distribution(num_classes=-2)", "num_classes", lambda: fp.label_distribution([0, 1], [np.array([0])], -2))
row("federated", "label_distribution(num_classes=1 < max label)", "num_classes",
    lambda: fp.label_distribution([0, 3], [np.array([0, 1])], 1))
row("federated", "label_distribution(float labels)", "y", lambda: fp.label_distribution([0.5, 1.0], [np.array([0])]))
row("federated", "client_level_epsilon(num_rounds=inf)", "num_rounds", lambda: fdp.client_level_epsilon(1.0, INF))
row("federated", "client_level_epsilon(num_rounds=nan)", "num_rounds", lambda: fdp.client_level_epsilon(1.0, NAN))
row("federated", "client_level_epsilon(num_rounds=2.7)", "num_rounds", lambda: fdp.client_level_epsilon(1.0, 2.7))
row("federated", "client_level_epsilon(num_rounds='5')", "num_rounds", lambda: fdp.client_level_epsilon(1.0, "5"))
row("federated", "client_level_epsilon(num_rounds=True)", "num_rounds", lambda: fdp.client_level_epsilon(1.0, True))
row("federated", "client_level_epsilon(num_rounds=0)", "num_rounds", lambda: fdp.client_level_epsilon(1.0, 0))
row("federated", "compute_dp_federated(clipping_norm=inf)", "clipping_norm", lambda: fdp.compute_dp_federated(1.0, INF))
row("federated", "compute_dp_federated(clipping='both')", "clipping", lambda: fdp.compute_dp_federated(clipping="both"))
for _kw, _param in [({"lr": -1}, "lr"), ({"lr": NAN}, "lr"), ({"lr": INF}, "lr"), ({"lr": "abc"}, "lr"),
                    ({"batch_size": 0}, "batch_size"), ({"batch_size": 2.9}, "batch_size"),
                    ({"batch_size": True}, "batch_size"), ({"alpha": INF}, "alpha"),
                    ({"dp": "server", "noise_multiplier": -1}, "noise_multiplier"),
                    ({"dp": "server", "noise_multiplier": NAN}, "noise_multiplier"),
                    ({"dp": "server", "clipping_norm": 0}, "clipping_norm"),
                    ({"dp": "client", "clipping_norm": -1}, "clipping_norm"),
                    ({"noise_multiplier": "x"}, "noise_multiplier"), ({"dataset": "mnist"}, "dataset"),
                    ({"partitioning": "natural "}, "partitioning"), ({"group_resample": 2.0}, "group_resample"),
                    ({"num_clients": 2.0}, "num_clients"), ({"num_rounds": 0}, "num_rounds"),
                    ({"strategy": "fedsgd"}, "strategy"), ({"engine": "ray"}, "engine"),
                    ({"proximal_mu": INF}, "proximal_mu"), ({"seed": -1}, "seed")]:
    row("federated", f"run_federated({', '.join(f'{k}={v!r}' for k, v in _kw.items())})", _param,
        lambda _kw=_kw: fa.run_federated(**{"num_clients": 4, "num_rounds": 1, **_kw}), timeout=10)

# --- cache --------------------------------------------------------------------------------------
from trustlab import cache as tc  # noqa: E402

row("cache", "cache_key(params not JSON-able)", "params", lambda: tc.cache_key("s", {"a": object()}))
row("cache", "cache_key(params with set)", "params", lambda: tc.cache_key("s", {"a": {1}}))
row("cache", "cache_key(name='')", "name", lambda: tc.cache_key("", {}))
row("cache", "cached(compute not callable)", "compute", lambda: tc.cached("s", {}, 5, directory="/tmp"))
row("cache", "cached(compute returns non-JSON)", "compute", lambda: tc.cached("probe", {"x": 1}, lambda: object(), use_cache=False))
row("cache", "cached(compute returns None)", "compute", lambda: tc.cached("probe", {"x": 1}, lambda: None, use_cache=False))
row("cache", "cached(compute returns NaN)", "compute", lambda: tc.cached("probe", {"x": 1}, lambda: [NAN, INF], use_cache=False))
row("cache", "cached(name with path traversal '../../escape')", "name",
    lambda: tc.cached("../../escape", {}, lambda: 1, directory="/tmp"))
row("cache", "cached(use_cache='no')", "use_cache", lambda: tc.cached("s", {}, lambda: 1, use_cache="no"))
row("cache", "load_entry(path=None)", "path", lambda: tc.load_entry(None, "k"))
row("cache", "save_entry(value non-JSON)", "value", lambda: tc.save_entry("/tmp/x.json", "k", "s", {}, object()))
row("cache", "save_entry(path in read-only /proc)", "/proc/x.json", lambda: tc.save_entry("/proc/x.json", "k", "s", {}, 1))
row("cache", "write_shipped(directory=None)", "directory", lambda: tc.write_shipped(None, "s", {}, 1))
row("cache", "cached(shipped sweep missing)", "make sweeps",
    lambda: tc.cached("s", {}, lambda: 1, shipped_dir=_tmp_file("x", b"").parent))
row("cache", "cached(shipped sweep truncated)", "make sweeps",
    lambda: tc.cached("s", {}, lambda: 1, shipped_dir=_tmp_file("s.json", b'{"key": "').parent))

# --- data ---------------------------------------------------------------------------------------
from trustlab import data as td  # noqa: E402

row("data", "load_adult(path=123)", "path", lambda: td.load_adult(123))
row("data", "load_adult(path=npz file)", "make datasets", lambda: td.load_adult(_tmp_file("x.npz", _npz_bytes())))
row("data", "load_adult(path=gender_swap.json)", "make datasets", lambda: td.load_adult(td.data_dir() / "gender_swap.json"))
row("data", "load_adult(path=truncated gzip)", "is damaged",
    lambda: td.load_adult(_tmp_file("adult.csv.gz", (td.data_dir() / "adult.csv.gz").read_bytes()[:5000])))
row("data", "load_adult(path missing)", "make datasets", lambda: td.load_adult("/nonexistent/adult.csv.gz"))
row("data", "load_german_credit(path=123)", "path", lambda: td.load_german_credit(123))
row("data", "load_german_credit(path=adult.csv.gz)", "make datasets",
    lambda: td.load_german_credit(td.data_dir() / "adult.csv.gz"))
row("data", "load_german_credit(path missing)", "make datasets",
    lambda: td.load_german_credit("/nonexistent/german_credit.csv.gz"))
row("data", "load_digits(test_size=0.001)", "test_size", lambda: td.load_digits(0.001))
row("data", "load_digits(test_size=0.999)", "test_size", lambda: td.load_digits(0.999))
row("data", "load_digits(test_size=nan)", "test_size", lambda: td.load_digits(NAN))
row("data", "load_digits(seed=1.5)", "seed", lambda: td.load_digits(seed=1.5))
row("data", "Split(summary of empty split)", "X_train",
    lambda: td.Split(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0, int), np.zeros(0, int)))
row("data", "to_tensors(split='x')", "split", lambda: td.to_tensors("x"))
row("data", "load_npz(adult.csv.gz: pickled-data advice never shown)", "make datasets",
    lambda: td.load_npz(td.data_dir() / "adult.csv.gz"))
row("data", "load_json(npz file)", "is damaged", lambda: td.load_json(_tmp_file("x.json", _npz_bytes())))

# --- gallery/app/widgets -------------------------------------------------------------------------
from trustlab import app as ap  # noqa: E402
from trustlab import gallery as ga  # noqa: E402
from trustlab import presets as tp  # noqa: E402
from trustlab import widgets as tw  # noqa: E402

row("gallery/app/widgets", "app.share_link(preset object())", "preset", lambda: ap.share_link("mechanism", {"epsilon": object()}))
row("gallery/app/widgets", "app.share_link(preset with NaN)", "preset", lambda: ap.share_link("mechanism", {"epsilon": NAN}))
row("gallery/app/widgets", "app.share_link(preset not dict (list))", "preset", lambda: ap.share_link("mechanism", [1, 2]))
row("gallery/app/widgets", "app.share_link(base_url=None)", "base_url", lambda: ap.share_link("mechanism", base_url=None))
row("gallery/app/widgets", "app.share_link(base_url with query '?a=1')", "base_url",
    lambda: ap.share_link("mechanism", base_url="http://h/?a=1"))
row("gallery/app/widgets", "app.share_link(name='nope')", "explorer", lambda: ap.share_link("nope"))
row("gallery/app/widgets", "app.state_from_query(preset huge nesting)", "preset",
    lambda: ap.state_from_query("explorer=mechanism&preset=" + "%5B" * 1500))
row("gallery/app/widgets", "app.state_from_query(query=123)", "query", lambda: ap.state_from_query(123))
row("gallery/app/widgets", "app.state_from_query(query=b'explorer=x')", "query", lambda: ap.state_from_query(b"explorer=x"))
row("gallery/app/widgets", "app.make_gallery(initial='nope')", "initial", lambda: ap.make_gallery("nope"))
row("gallery/app/widgets", "app.make_gallery(preset bad control)", "bogus", lambda: ap.make_gallery(preset={"bogus": 1}))
row("gallery/app/widgets", "gallery.build(seed=-1 kwarg)", "seed", lambda: ga.build("randomized_response", seed=-1))
row("gallery/app/widgets", "gallery.build(seed='x' kwarg)", "seed", lambda: ga.build("randomized_response", seed="x"))
row("gallery/app/widgets", "gallery.entry('nope')", "explorer", lambda: ga.entry("nope"))
row("gallery/app/widgets", "widgets.validate_preset(controls=None)", "controls", lambda: tw.validate_preset(None, {}))
row("gallery/app/widgets", "widgets.validate_preset(preset 1,500 nested '[')", "preset",
    lambda: tw.validate_preset({}, '{"a": ' + "[" * 1500 + "]" * 1500 + "}"))
row("gallery/app/widgets", "widgets.validate_preset(preset 'NaN')", "preset", lambda: tw.validate_preset({}, '{"a": NaN}'))
row("gallery/app/widgets", "widgets.Explorer(controls='abc')", "controls", lambda: tw.Explorer("abc", lambda: None))
row("gallery/app/widgets", "widgets.Explorer(compute=None)", "compute", lambda: tw.Explorer({}, None))
row("gallery/app/widgets", "widgets.Explorer(result has no summary())", "summary",
    lambda: tw.Explorer({"x": __import__("ipywidgets").IntSlider(1)}, lambda x: 5))
row("gallery/app/widgets", "widgets.Explorer(title=5)", "title", lambda: tw.Explorer({}, lambda: None, title=5))
row("gallery/app/widgets", "widgets.explorer_builder(func=5)", "func", lambda: tw.explorer_builder(5))
row("gallery/app/widgets", "widgets.figure_svg(fig=None)", "fig", lambda: tw.figure_svg(None))
row("gallery/app/widgets", "widgets.figure_png(fig='x')", "fig", lambda: tw.figure_png("x"))
row("gallery/app/widgets", "presets.plain_preset({'a': inf})", "preset", lambda: tp.plain_preset({"a": INF}))

# --- fairness.groups, fairness.counterfactual, fairness.text (notebooks 30-32) -------------------
from trustlab.fairness.counterfactual import corpus as fco  # noqa: E402
from trustlab.fairness.counterfactual import occupation as foc  # noqa: E402
from trustlab.fairness.counterfactual import role_reversal as frr  # noqa: E402
from trustlab.fairness.counterfactual import role_reversal_sweep as frs  # noqa: E402
from trustlab.fairness.counterfactual import swaps as fsw  # noqa: E402
from trustlab.fairness.groups import conflicts as fcf  # noqa: E402
from trustlab.fairness.groups import disparate as fdi  # noqa: E402
from trustlab.fairness.groups import metrics as fme  # noqa: E402
from trustlab.fairness.groups import sampling as fsa  # noqa: E402
from trustlab.fairness.text import bios as fbi  # noqa: E402
from trustlab.fairness.text import embeddings as fem  # noqa: E402
from trustlab.fairness.text import intrinsic as fin  # noqa: E402
from trustlab.fairness.text import leakage as fle  # noqa: E402
from trustlab.fairness.text import sensitivity as fse  # noqa: E402


def _ps_model():
    import torch

    return torch.nn.Linear(2, 2)


G, C, T = "fairness.groups", "fairness.counterfactual", "fairness.text"
row(G, "group_metrics(mismatched lengths)", "same length", lambda: fme.group_metrics([0, 1], [0, 1, 1], ["a", "b", "b"]))
row(G, "group_metrics(groups mixed types 1 and '1')", "sensitive_features",
    lambda: fme.group_metrics([0, 1, 0, 1], [0, 1, 1, 1], np.array([1, "1", 2, 2], dtype=object)))
row(G, "group_metrics(y_pred=0.5)", "y_pred", lambda: fme.group_metrics([0, 1], [0.5, 1], ["a", "b"]))
row(G, "group_metrics(group with no positives: TPR undefined, NaN)", "", expect="value",
    call=lambda: fme.group_metrics([1, 0, 0, 0], [1, 0, 1, 0], ["a", "a", "b", "b"]))
row(G, "tidy(metrics='x')", "metrics", lambda: fme.tidy("x"))
row(G, "expected_estimate(skew=-1)", "skew", lambda: fsa.expected_estimate({"F": .1, "M": .3}, {"F": .5, "M": .5}, -1, "M"))
row(G, "expected_estimate(skew=nan)", "skew", lambda: fsa.expected_estimate({"F": .1, "M": .3}, {"F": .5, "M": .5}, NAN, "M"))
row(G, "expected_estimate(rates missing key)", "same groups", lambda: fsa.expected_estimate({"F": .1}, {"F": .5, "M": .5}, 2, "M"))
row(G, "expected_estimate(shares all zero)", "shares", lambda: fsa.expected_estimate({"F": .1, "M": .3}, {"F": 0, "M": 0}, 2, "M"))
row(G, "expected_estimate(oversampled missing)", "oversampled", lambda: fsa.expected_estimate({"F": .1, "M": .3}, {"F": .5, "M": .5}, 2, "X"))
row(G, "compute_sampling_bias(skew=inf)", "skew", lambda: fsa.compute_sampling_bias(skew=INF))
row(G, "compute_sampling_bias(n_seeds=2.9)", "n_seeds", lambda: fsa.compute_sampling_bias(n_seeds=2.9))
row(G, "compute_sampling_bias(seed=1.5)", "seed", lambda: fsa.compute_sampling_bias(seed=1.5))
row(G, "compute_sampling_bias(race, tiny group absent: reweighted undefined)", "", expect="value",
    call=lambda: fsa.compute_sampling_bias(skew=1e-4, n_sample=200, sensitive="race", oversampled="Amer-Indian-Eskimo"))
row(G, "biased_sample(n_sample=0)", "n_sample", lambda: fsa.biased_sample(np.array(["a", "b"]), "a", 2.0, 0))
row(G, "reweighing_weights(groups 2-d)", "groups", lambda: fsa.reweighing_weights([["a"]], [[1]]))
row(G, "uniform_resample(strength=2)", "strength", lambda: fsa.uniform_resample(["a", "b"], [0, 1], 2.0))
row(G, "compare_constraints(test_size=1.5)", "test_size", lambda: fcf.compare_constraints(test_size=1.5))
row(G, "compare_constraints(n_seeds=0)", "n_seeds", lambda: fcf.compare_constraints(n_seeds=0))
row(G, "disparate_impact_digits(target_epsilons=(inf,))", "target_epsilons", lambda: fdi.disparate_impact_digits(target_epsilons=(INF,)))
row(G, "disparate_impact_digits(max_grad_norm=0)", "max_grad_norm", lambda: fdi.disparate_impact_digits(max_grad_norm=0.0))
row(G, "disparate_impact_adult(minority='x')", "minority", lambda: fdi.disparate_impact_adult(minority="x"))
row(G, "disparate_impact_adult(n_seeds=True)", "n_seeds", lambda: fdi.disparate_impact_adult(n_seeds=True))
row(G, "compute_disparate_impact(setting=8.0)", "setting", lambda: fdi.compute_disparate_impact("digits", 8.0))
row(G, "compute_disparate_impact_now(target_epsilon=nan)", "target_epsilon", lambda: fdi.compute_disparate_impact_now("digits", NAN))
row(G, "compute_disparate_impact_now(n_seeds=50)", "n_seeds", lambda: fdi.compute_disparate_impact_now("digits", 2.0, n_seeds=50))
row(G, "train_setting(seeds=[])", "seeds", lambda: fdi.train_setting((np.zeros((4, 2)), np.array([0, 1, 0, 1])), {}, seeds=[]))
row(C, "swap_gender(text=None)", "text", lambda: fsw.swap_gender(None))
row(C, "swap_gender(swap_names='yes')", "swap_names", lambda: fsw.swap_gender("he", swap_names="yes"))
row(C, "tokenize(text=5)", "text", lambda: fsw.tokenize(5))
row(C, "augment(dataset='he is')", "dataset", lambda: fsw.augment("he is", 0.5))
row(C, "augment(dataset=[])", "dataset", lambda: fsw.augment([], 0.5))
row(C, "augment(dataset=[()])", "dataset", lambda: fsw.augment([()], 0.5))
row(C, "augment(dataset=[1, 2])", "dataset", lambda: fsw.augment([1, 2], 0.5))
row(C, "augment(dataset=None)", "dataset", lambda: fsw.augment(None, 0.5))
row(C, "augment(swap_ratio=1.5)", "swap_ratio", lambda: fsw.augment(["he"], 1.5))
row(C, "lm_corpus(n_per_occupation=0)", "n_per_occupation", lambda: fco.lm_corpus(0))
row(C, "bios(cue_noise=2)", "cue_noise", lambda: fco.bios(1, 2.0))
row(C, "polarity_prompts('astronaut')", "occupation", lambda: fco.polarity_prompts("astronaut"))
row(C, "tpr_by_gender(mismatched lengths)", "same length", lambda: foc.tpr_by_gender(["a"], ["a", "b"], ["f"], "a"))
row(C, "occupation_tpr_gap(cue_noise=nan)", "cue_noise", lambda: foc.occupation_tpr_gap(np.zeros((3, 2)), frr.vocabulary(), cue_noise=NAN))
row(C, "teacher_targets(mode='avg')", "mode", lambda: frr.teacher_targets(None, None, None, "avg"))
row(C, "distill_many(seeds=[])", "seeds", lambda: frr.distill_many("none", 0.0, seeds=[]))
row(C, "distill_many(swap_ratio=nan)", "swap_ratio", lambda: frr.distill_many("none", NAN))
row(C, "distill(alpha=2)", "alpha", lambda: frr.distill("none", 0.0, alpha=2.0))
row(C, "teachers(seeds=(-1,))", "seeds", lambda: frr.teachers((-1,)))
row(C, "Vocab.contexts(unknown word)", "sentences", lambda: frr.vocabulary().contexts([["zebra"]]))
row(C, "compute_role_reversal(swap_ratio=0.3 off the grid)", "swap_ratio", lambda: frs.compute_role_reversal("none", 0.3))
row(C, "compute_role_reversal(mode='avg')", "mode", lambda: frs.compute_role_reversal("avg", 0.0))
row(C, "compute_role_reversal_now(swap_ratio=2)", "swap_ratio", lambda: frs.compute_role_reversal_now("none", 2.0))
row(C, "compute_role_reversal_now(alpha=nan)", "alpha", lambda: frs.compute_role_reversal_now("none", 0.1, NAN))
row(C, "role_reversal_sweep(n_seeds=0)", "n_seeds", lambda: frs.role_reversal_sweep(n_seeds=0))
row(T, "prediction_sensitivity(X feature dim != model)", "X", lambda: fse.prediction_sensitivity(_ps_model(), [[0.0, 1.0, 2.0]], [[1.0, 0.0, 0.0]]))
row(T, "prediction_sensitivity(X NaN)", "X", lambda: fse.prediction_sensitivity(_ps_model(), [[NAN, 0.0]], [[1.0, 0.0]]))
row(T, "prediction_sensitivity(w NaN)", "w", lambda: fse.prediction_sensitivity(_ps_model(), [[0.0, 0.0]], [[1.0, 0.0]], w=[NAN, 1.0]))
row(T, "prediction_sensitivity(model='x')", "model", lambda: fse.prediction_sensitivity("x", [[0.0, 0.0]], [[1.0, 0.0]]))
row(T, "accumulated_prediction_sensitivity(X strings)", "X", lambda: fse.accumulated_prediction_sensitivity(_ps_model(), [["a", "b"]], [[1.0, 0.0]]))
row(T, "counterfactual_gap(X_swapped other shape)", "X_swapped", lambda: fse.counterfactual_gap(_ps_model(), [[0.0, 0.0]], [[0.0, 0.0], [1.0, 1.0]]))
row(T, "gender_probe(female 3 values)", "female", lambda: fse.gender_probe([[0.0], [1.0], [2.0]], [0, 1, 2]))
row(T, "gender_probes(females one gender)", "females", lambda: fse.gender_probes([[[0.0], [1.0]]], [[1, 1]], seeds=[0]))
row(T, "jacobian(X 1-d)", "X", lambda: fse.jacobian(_ps_model(), [0.0, 1.0]))
row(T, "jacobian_vector_product(V other shape)", "V", lambda: fse.jacobian_vector_product(_ps_model(), [[0.0, 0.0]], [[1.0]]))
row(T, "finite_difference_jv(h=0)", "h", lambda: fse.finite_difference_jv(_ps_model(), [[0.0, 0.0]], [[1.0, 0.0]], h=0))
row(T, "probe_feature_weights(X inf)", "X", lambda: fse.probe_feature_weights(_ps_model(), [[INF, 0.0]]))
row(T, "sensitivity_variants(w=[-1, 1])", "w", lambda: fse.sensitivity_variants(_ps_model(), _ps_model(), [[0.0, 0.0]], w=[-1, 1]))
row(T, "weat_effect_size(strings)", "X", lambda: fem.weat_effect_size([["a"]], [[1.0]], [[1.0]], [[1.0]]))
row(T, "mitigate_projection(strength=2)", "strength", lambda: fem.mitigate_projection([[1.0, 0.0]], [1.0, 0.0], 2.0))
row(T, "direct_bias(vectors empty)", "vectors", lambda: fem.direct_bias([], [1.0, 0.0]))
row(T, "make_bios(stereotype_share=2)", "stereotype_share", lambda: fbi.make_bios(None, 10, stereotype_share=2.0))
row(T, "tpr_gaps(a profession without both genders)", "both genders", lambda: fbi.tpr_gaps([0, 0], [0, 0], [True, True], 1))
row(T, "compute_occupation_bias(n_seeds=0)", "n_seeds", lambda: fbi.compute_occupation_bias(n_seeds=0))
row(T, "compute_occupation_bias(stereotype_share=nan)", "stereotype_share", lambda: fbi.compute_occupation_bias(NAN))
row(T, "compare_aps_ctf(swap_ratios=[0.5])", "swap_ratios", lambda: fle.compare_aps_ctf([0.5]))
row(T, "compare_aps_ctf(n_seeds=0)", "n_seeds", lambda: fle.compare_aps_ctf(n_seeds=0))
row(T, "embedding_variant(strength=2)", "strength", lambda: fin.embedding_variant(2.0))
row(T, "measure_variant(seeds=[-1])", "seeds", lambda: fin.measure_variant(0.0, 0.0, seeds=[-1]))
row(T, "intrinsic_extrinsic_study(n_seeds=0)", "n_seeds", lambda: fin.intrinsic_extrinsic_study(n_seeds=0))
row(T, "compute_study_point(strength=0.3 off the grid)", "strength", lambda: fin.compute_study_point(0.3))
row(T, "compute_study_point_now(corpus_skew=nan)", "corpus_skew", lambda: fin.compute_study_point_now(0.3, NAN))
row(G, "fmt(value='x')", "value", lambda: fme.fmt("x"))
row(G, "setting_label(epsilon=nan)", "epsilon", lambda: fdi.setting_label(1.0, NAN))
row(C, "occupation.bio_features(items=None)", "items", lambda: foc.bio_features(np.zeros((3, 2)), frr.vocabulary(), None))
row(C, "WindowLM(vocab_size=0)", "vocab_size", lambda: frr.WindowLM(0, 4, 4, None))
row(C, "teacher(n_per_occupation=0)", "n_per_occupation", lambda: frr.teacher(0))
row(C, "perplexity(sentences with an unknown word)", "sentences", lambda: frr.perplexity(None, frr.vocabulary(), [["zebra"]]))
row(C, "polarity(model='x')", "model", lambda: frr.polarity("x", frr.vocabulary()))
row(C, "score_students(seeds=[])", "seeds", lambda: frs.score_students(None, frr.vocabulary(), []))
row(C, "sweep_table(seed=-1)", "seed", lambda: frs.sweep_table(seed=-1))
row(T, "gender_direction(female and male of different sizes)", "male", lambda: fem.gender_direction([[1.0, 0.0]], [[0.0, 1.0], [1.0, 1.0]]))
row(T, "project(direction zero)", "direction", lambda: fem.project([[1.0, 0.0]], [0.0, 0.0]))
row(T, "weat_association(A strings)", "A", lambda: fem.weat_association([[1.0]], [["a"]], [[1.0]]))
row(T, "weat_test(vectors_of=None)", "vectors_of", lambda: fem.weat_test(None, None))
row(T, "bios.bio_features(vectors 1-d)", "vectors", lambda: fbi.bio_features([[0, 1]], [1.0, 2.0]))
row(T, "predict_proba(model='x')", "model", lambda: fbi.predict_proba("x", [[0.0]]))
row(T, "swap_gender_tokens(ids out of range)", "tokens", lambda: fbi.swap_gender_tokens(__import__("trustlab.fairness.text.words", fromlist=["x"]).load_gender_words(), [[10**6]]))
row(T, "train_occupation_classifier(n_classes=1)", "n_classes", lambda: fbi.train_occupation_classifier(np.zeros((2, 2)), [0, 0], 1))
row(T, "train_occupation_classifiers(seeds=[])", "seeds", lambda: fbi.train_occupation_classifiers([np.zeros((2, 2))], [[0, 1]], 2, seeds=[]))
row(C, "score_swaps(rows='x')", "rows", lambda: __import__("trustlab.fairness.counterfactual.heldout", fromlist=["x"]).score_swaps("x"))
