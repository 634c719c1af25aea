"""Bad-input rows: risk_audit_rows (see tests/bad_input_cases.py for the row format).

Areas "privacy.risk" (the attacker's-bound panel), "audit" (the fairness audit, its tables,
bootstrap, mitigation, report and explorers) and "training" (train/train_many, stats).
Every input is tiny: the calls must be refused before any work.
"""

import math

import numpy as np

from tests.bad_input_cases import row  # noqa: F401

NAN, INF = math.nan, math.inf

# --- privacy.risk -------------------------------------------------------------------------------
from trustlab.privacy.risk import bound as rb  # noqa: E402
from trustlab.privacy.risk import plots as rp  # noqa: E402
from trustlab.privacy.risk import statement as rs  # noqa: E402

R = "privacy.risk"
_S = dict(noise_multiplier=1.0, sample_rate=0.01, steps=10)
row(R, "attack_tpr_bound(fpr=0)", "fpr", lambda: rb.attack_tpr_bound(0.0, **_S))
row(R, "attack_tpr_bound(fpr=1)", "fpr", lambda: rb.attack_tpr_bound(1.0, **_S))
row(R, "attack_tpr_bound(fpr=nan)", "fpr", lambda: rb.attack_tpr_bound(NAN, **_S))
row(R, "attack_tpr_bound(fpr=[])", "fpr", lambda: rb.attack_tpr_bound([], **_S))
row(R, "attack_tpr_bound(fpr='x')", "fpr", lambda: rb.attack_tpr_bound("x", **_S))
row(R, "attack_tpr_bound(fpr=None)", "fpr", lambda: rb.attack_tpr_bound(None, **_S))
row(R, "attack_tpr_bound(noise_multiplier=0)", "noise_multiplier", lambda: rb.attack_tpr_bound(0.1, **{**_S, "noise_multiplier": 0}))
row(R, "attack_tpr_bound(noise_multiplier=nan)", "noise_multiplier", lambda: rb.attack_tpr_bound(0.1, **{**_S, "noise_multiplier": NAN}))
row(R, "attack_tpr_bound(noise_multiplier=inf)", "noise_multiplier", lambda: rb.attack_tpr_bound(0.1, **{**_S, "noise_multiplier": INF}))
row(R, "attack_tpr_bound(noise_multiplier='1')", "noise_multiplier", lambda: rb.attack_tpr_bound(0.1, **{**_S, "noise_multiplier": "1"}))
row(R, "attack_tpr_bound(sample_rate=0)", "sample_rate", lambda: rb.attack_tpr_bound(0.1, **{**_S, "sample_rate": 0}))
row(R, "attack_tpr_bound(sample_rate=1.5)", "sample_rate", lambda: rb.attack_tpr_bound(0.1, **{**_S, "sample_rate": 1.5}))
row(R, "attack_tpr_bound(steps=0)", "steps", lambda: rb.attack_tpr_bound(0.1, **{**_S, "steps": 0}))
row(R, "attack_tpr_bound(steps=2.5)", "steps", lambda: rb.attack_tpr_bound(0.1, **{**_S, "steps": 2.5}))
row(R, "attack_tpr_bound(group_size=0)", "group_size", lambda: rb.attack_tpr_bound(0.1, **_S, group_size=0))
row(R, "attack_tpr_bound(group_size=True)", "group_size", lambda: rb.attack_tpr_bound(0.1, **_S, group_size=True))
row(R, "attack_auc_bound(steps=-1)", "steps", lambda: rb.attack_auc_bound(**{**_S, "steps": -1}))
row(R, "attack_auc_bound(group_size=1.5)", "group_size", lambda: rb.attack_auc_bound(**_S, group_size=1.5))
row(R, "epsilon_delta_tpr_bound(fpr=-0.1)", "fpr", lambda: rb.epsilon_delta_tpr_bound(-0.1, 1.0, 1e-5))
row(R, "epsilon_delta_tpr_bound(epsilon=-1)", "epsilon", lambda: rb.epsilon_delta_tpr_bound(0.1, -1.0, 1e-5))
row(R, "epsilon_delta_tpr_bound(epsilon=nan)", "epsilon", lambda: rb.epsilon_delta_tpr_bound(0.1, NAN, 1e-5))
row(R, "epsilon_delta_tpr_bound(delta=2)", "delta", lambda: rb.epsilon_delta_tpr_bound(0.1, 1.0, 2.0))
row(R, "epsilon_delta_tpr_bound(inf epsilon: no bound)", "epsilon", lambda: rb.epsilon_delta_tpr_bound(0.1, INF, 1e-5), expect="value")
row(R, "pld_epsilon(delta=0)", "delta", lambda: rb.pld_epsilon(0.0, **_S))
row(R, "pld_epsilon(delta=1)", "delta", lambda: rb.pld_epsilon(1.0, **_S))
row(R, "pld_epsilon(delta='1e-5')", "delta", lambda: rb.pld_epsilon("1e-5", **_S))
row(R, "pld_epsilon(sample_rate=nan)", "sample_rate", lambda: rb.pld_epsilon(1e-5, **{**_S, "sample_rate": NAN}))
row(R, "privacy_profile(epsilon=-1)", "epsilon", lambda: rb.privacy_profile(-1.0, **_S))
row(R, "privacy_profile(epsilon=[nan])", "epsilon", lambda: rb.privacy_profile([NAN], **_S))
row(R, "privacy_profile(epsilon='x')", "epsilon", lambda: rb.privacy_profile("x", **_S))
row(R, "privacy_profile(steps='10')", "steps", lambda: rb.privacy_profile(1.0, **{**_S, "steps": "10"}))
row(R, "tradeoff_curve(fpr=[0.5, 2])", "fpr", lambda: rb.tradeoff_curve(**_S, fpr=[0.5, 2.0]))
row(R, "tradeoff_curve(noise_multiplier=-1)", "noise_multiplier", lambda: rb.tradeoff_curve(**{**_S, "noise_multiplier": -1.0}))
row(R, "compute_risk(noise_multiplier=0)", "noise_multiplier", lambda: rb.compute_risk(0.0))
row(R, "compute_risk(sample_rate=0)", "sample_rate", lambda: rb.compute_risk(1.0, 0.0))
row(R, "compute_risk(sample_rate=1.01)", "sample_rate", lambda: rb.compute_risk(1.0, 1.01))
row(R, "compute_risk(epochs=0)", "epochs", lambda: rb.compute_risk(1.0, 0.01, 0))
row(R, "compute_risk(epochs=nan)", "epochs", lambda: rb.compute_risk(1.0, 0.01, NAN))
row(R, "compute_risk(steps=0)", "steps", lambda: rb.compute_risk(1.0, 0.01, steps=0))
row(R, "compute_risk(steps=10.0)", "steps", lambda: rb.compute_risk(1.0, 0.01, steps=10.0))
row(R, "compute_risk(group_size=0)", "group_size", lambda: rb.compute_risk(1.0, 0.01, group_size=0))
row(R, "compute_risk(delta=0)", "delta", lambda: rb.compute_risk(1.0, 0.01, delta=0.0))
row(R, "compute_risk(delta=1)", "delta", lambda: rb.compute_risk(1.0, 0.01, delta=1.0))
row(R, "compute_risk(delta=nan)", "delta", lambda: rb.compute_risk(1.0, 0.01, delta=NAN))
row(R, "privacy_statement(risk='x')", "risk", lambda: rs.privacy_statement("x"))
row(R, "privacy_statement(risk=None)", "risk", lambda: rs.privacy_statement(None))
row(R, "plot_risk(result={})", "result", lambda: rp.plot_risk({}))
row(R, "plot_risk(ax='x')", "ax", lambda: rp.plot_risk(rb.compute_risk(1.0, 0.01, steps=10), ax="x"))

# --- audit --------------------------------------------------------------------------------------
import pandas as pd  # noqa: E402

from trustlab.audit import bootstrap as abo  # noqa: E402
from trustlab.audit import checks as ach  # noqa: E402
from trustlab.audit import examples as aex  # noqa: E402
from trustlab.audit import fairness as afa  # noqa: E402
from trustlab.audit import mitigation as ami  # noqa: E402
from trustlab.audit import plots as apl  # noqa: E402
from trustlab.audit import report as arp  # noqa: E402
from trustlab.audit import tables as atb  # noqa: E402
from trustlab.audit import widgets as awi  # noqa: E402

A = "audit"
_yt, _yp, _g = [0, 1, 0, 1, 1, 0], [0, 1, 1, 1, 0, 0], ["a", "a", "a", "b", "b", "b"]


def _df():
    return pd.DataFrame({"x": [1.0, 2, 3, 4], "g": list("abab"), "y": ["no", "yes", "yes", "no"]})


def _lr():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression()


_X6 = np.arange(12.0).reshape(6, 2)
# tables
row(A, "load_table(data=3)", "data", lambda: atb.load_table(3, "y", "g"))
row(A, "load_table(data: missing file)", "data", lambda: atb.load_table("/nonexistent/t.csv", "y", "g"))
row(A, "load_table(data: empty frame)", "data", lambda: atb.load_table(_df().iloc[:0], "y", "g", positive="yes"))
row(A, "load_table(target=['y'])", "target", lambda: atb.load_table(_df(), ["y"], "g", positive="yes"))
row(A, "load_table(target missing)", "target", lambda: atb.load_table(_df(), "label", "g", positive="yes"))
row(A, "load_table(sensitive missing column)", "sensitive", lambda: atb.load_table(_df(), "y", "sex", positive="yes"))
row(A, "load_table(sensitive=3)", "sensitive", lambda: atb.load_table(_df(), "y", 3, positive="yes"))
row(A, "load_table(sensitive=[])", "sensitive", lambda: atb.load_table(_df(), "y", [], positive="yes"))
row(A, "load_table(sensitive=target)", "sensitive", lambda: atb.load_table(_df(), "y", ["g", "y"], positive="yes"))
row(A, "load_table(target not binary)", "target", lambda: atb.load_table(_df().assign(y=["a", "b", "c", "a"]), "y", "g", positive="a"))
row(A, "load_table(positive not a value)", "positive", lambda: atb.load_table(_df(), "y", "g", positive="maybe"))
row(A, "load_table(positive missing)", "positive", lambda: atb.load_table(_df(), "y", "g"))
row(A, "load_table(features missing)", "features", lambda: atb.load_table(_df(), "y", "g", positive="yes", features=["z"]))
row(A, "load_table(exclude missing)", "exclude", lambda: atb.load_table(_df(), "y", "g", positive="yes", exclude=["z"]))
row(A, "load_table(sensitive single group)", "sensitive", lambda: atb.load_table(_df().assign(g="a"), "y", "g", positive="yes"))
row(A, "load_table(NaN in features)", "data", lambda: atb.load_table(_df().assign(x=[1.0, NAN, 3, 4]), "y", "g", positive="yes"))
row(A, "load_table(use_sensitive='yes')", "use_sensitive", lambda: atb.load_table(_df(), "y", "g", positive="yes", use_sensitive="yes"))
row(A, "load_table(name=3)", "name", lambda: atb.load_table(_df(), "y", "g", positive="yes", name=3))
# checks
row(A, "check_same_length(y_true=[0,1], y_pred=[0])", "y_pred", lambda: ach.check_same_length(y_true=[0, 1], y_pred=[0]))
row(A, "check_same_length(y_true=[])", "y_true", lambda: ach.check_same_length(y_true=[]))
row(A, "check_binary(values=[0, 2])", "y_true", lambda: ach.check_binary("y_true", [0, 2]))
row(A, "check_binary(values=[0, nan])", "y_pred", lambda: ach.check_binary("y_pred", [0.0, NAN]))
row(A, "check_binary(values=['a'])", "y_pred", lambda: ach.check_binary("y_pred", ["a", "b"]))
row(A, "sensitive_frame(one group)", "sensitive_features", lambda: ach.sensitive_frame(["a", "a"]))
row(A, "sensitive_frame(None in groups)", "sensitive_features", lambda: ach.sensitive_frame(["a", None]))
row(A, "sensitive_frame(2-d)", "sensitive_features", lambda: ach.sensitive_frame([["a"], ["b"]]))
row(A, "sensitive_frame(empty declared group)", "sensitive_features", lambda: ach.sensitive_frame(pd.Categorical(["a", "b"], categories=["a", "b", "c"])))
row(A, "sensitive_frame(n mismatch)", "sensitive_features", lambda: ach.sensitive_frame(["a", "b"], n=3))
row(A, "check_recipe(module='x')", "module", lambda: ach.check_recipe("x", 1, 0.1, 8, None, 1e-5, 1.0))
row(A, "check_recipe(epochs=0)", "epochs", lambda: ach.check_recipe(__import__("torch").nn.Linear(2, 2), 0, 0.1, 8, None, 1e-5, 1.0))
row(A, "check_proba(proba=[2.0])", "fit_predict", lambda: ach.check_proba([2.0], 1))
row(A, "seeded_estimator(estimator='x')", "estimator", lambda: ach.seeded_estimator("x", 0))
row(A, "seeded_estimator(seed=-1)", "seed", lambda: ach.seeded_estimator(_lr(), -1))
row(A, "recipe_probabilities(fit_predict='x')", "fit_predict", lambda: ach.recipe_probabilities("x", _X6, _yt, np.ones((1, 6), bool), [0]))
row(A, "recipe_probabilities(in_mask wrong shape)", "in_mask", lambda: ach.recipe_probabilities(_lr(), _X6, _yt, np.ones((1, 5), bool), [0]))
row(A, "join_columns(frame='x')", "frame", lambda: ach.join_columns("x"))
row(A, "show_values(values=3)", "values", lambda: ach.show_values(3))
row(A, "show_values(limit=0)", "limit", lambda: ach.show_values([1, 2], limit=0))
# bootstrap
row(A, "row_weights(n_boot=0)", "n_boot", lambda: abo.row_weights([0, 1], 0))
row(A, "row_weights(n_boot=2.5)", "n_boot", lambda: abo.row_weights([0, 1], 2.5))
row(A, "row_weights(strata=[])", "strata", lambda: abo.row_weights([], 3))
row(A, "row_weights(seed=-1)", "seed", lambda: abo.row_weights([0, 1], 3, seed=-1))
row(A, "confusion_counts(groups out of range)", "groups", lambda: abo.confusion_counts(np.ones(2), [0, 1], [0, 1], [0, 5], 2))
row(A, "confusion_counts(n_groups=0)", "n_groups", lambda: abo.confusion_counts(np.ones(2), [0, 1], [0, 1], [0, 0], 0))
row(A, "confusion_counts(y_true length)", "y_true", lambda: abo.confusion_counts(np.ones(2), [0, 1, 1], [0, 1], [0, 0], 1))
row(A, "rates_from_counts(counts shape (3,))", "counts", lambda: abo.rates_from_counts([1.0, 2.0, 3.0]))
row(A, "rates_from_counts(negative counts)", "counts", lambda: abo.rates_from_counts([1.0, -2.0, 3.0, 4.0]))
row(A, "largest_difference(metric not in point)", "metrics", lambda: abo.largest_difference({"tpr": np.array([0.5, 0.8])}, {"tpr": np.zeros((1, 2))}, ("fpr",), ["a", "b"]))
row(A, "mean_interval(values=[0.8])", "values", lambda: abo.mean_interval([0.8]))
row(A, "mean_interval(values with nan)", "values", lambda: abo.mean_interval([0.8, NAN]))
row(A, "mean_interval(level=1)", "level", lambda: abo.mean_interval([0.8, 0.9], level=1.0))
row(A, "percentile_interval(level=0)", "level", lambda: abo.percentile_interval([1.0, 2.0], level=0.0))
row(A, "percentile_interval(replicates=[])", "replicates", lambda: abo.percentile_interval([]))
row(A, "weighted_auc(positive not binary)", "positive", lambda: abo.weighted_auc([0.1, 0.2], [0, 2]))
row(A, "weighted_auc(scores nan)", "scores", lambda: abo.weighted_auc([0.1, NAN], [0, 1]))
row(A, "weighted_auc(length mismatch)", "positive", lambda: abo.weighted_auc([0.1, 0.2, 0.3], [0, 1]))
row(A, "weighted_tpr_at_fpr(max_fpr=2)", "max_fpr", lambda: abo.weighted_tpr_at_fpr([0.1, 0.2], [0, 1], 2.0))
row(A, "weighted_tpr_at_fpr(scores='x')", "scores", lambda: abo.weighted_tpr_at_fpr("x", [0, 1], 0.1))
row(A, "roc_replicates(weights negative)", "weights", lambda: abo.roc_replicates([0.1, 0.2], [0, 1], -np.ones((2, 2), int)))
row(A, "roc_replicates(max_fprs=[2])", "max_fprs", lambda: abo.roc_replicates([0.1, 0.2], [0, 1], np.ones((2, 2), int), (2.0,)))
row(A, "roc_replicates(chunk=0)", "chunk", lambda: abo.roc_replicates([0.1, 0.2], [0, 1], np.ones((2, 2), int), chunk=0))
# fairness
row(A, "audit_fairness(y_true not binary)", "y_true", lambda: afa.audit_fairness([0, 2, 0, 1, 1, 0], _yp, _g))
row(A, "audit_fairness(y_pred has nan)", "y_pred", lambda: afa.audit_fairness(_yt, [0, 1, NAN, 1, 0, 0], _g))
row(A, "audit_fairness(y_pred length)", "y_pred", lambda: afa.audit_fairness(_yt, _yp[:5], _g))
row(A, "audit_fairness(empty)", "y_true", lambda: afa.audit_fairness([], [], []))
row(A, "audit_fairness(sensitive_features one group)", "sensitive_features", lambda: afa.audit_fairness(_yt, _yp, ["a"] * 6))
row(A, "audit_fairness(sensitive_features length)", "sensitive_features", lambda: afa.audit_fairness(_yt, _yp, _g[:4]))
row(A, "audit_fairness(y_score nan)", "y_score", lambda: afa.audit_fairness(_yt, _yp, _g, y_score=[0.1, NAN, 0.3, 0.4, 0.5, 0.6]))
row(A, "audit_fairness(n_boot=0)", "n_boot", lambda: afa.audit_fairness(_yt, _yp, _g, n_boot=0))
row(A, "audit_fairness(n_boot=10**9)", "n_boot", lambda: afa.audit_fairness(_yt, _yp, _g, n_boot=10**9))
row(A, "audit_fairness(level=1)", "level", lambda: afa.audit_fairness(_yt, _yp, _g, level=1.0))
row(A, "audit_fairness(level=nan)", "level", lambda: afa.audit_fairness(_yt, _yp, _g, level=NAN))
row(A, "audit_fairness(seed=-1)", "seed", lambda: afa.audit_fairness(_yt, _yp, _g, seed=-1))
row(A, "audit_fairness(intersectional='no')", "intersectional", lambda: afa.audit_fairness(_yt, _yp, _g, intersectional="no"))
row(A, "audit_fairness(min_group_size=0)", "min_group_size", lambda: afa.audit_fairness(_yt, _yp, _g, min_group_size=0))
row(A, "audit_fairness(min_difference=0)", "min_difference", lambda: afa.audit_fairness(_yt, _yp, _g, min_difference=0.0))
# mitigation
row(A, "mitigate(method='magic')", "method", lambda: ami.mitigate(_lr(), _X6, _yt, _g, method="magic"))
row(A, "mitigate(method=())", "method", lambda: ami.mitigate(_lr(), _X6, _yt, _g, method=()))
row(A, "mitigate(constraints='parity')", "constraints", lambda: ami.mitigate(_lr(), _X6, _yt, _g, constraints="parity"))
row(A, "mitigate(y not binary)", "y", lambda: ami.mitigate(_lr(), _X6, [0, 1, 2, 0, 1, 0], _g))
row(A, "mitigate(X/y length)", "y", lambda: ami.mitigate(_lr(), _X6, _yt[:5], _g))
row(A, "mitigate(test_size=0)", "test_size", lambda: ami.mitigate(_lr(), _X6, _yt, _g, test_size=0.0))
row(A, "mitigate(n_boot=0)", "n_boot", lambda: ami.mitigate(_lr(), _X6, _yt, _g, n_boot=0))
row(A, "mitigate(level=0.2)", "level", lambda: ami.mitigate(_lr(), _X6, _yt, _g, level=0.2))
row(A, "mitigate(eps=0)", "eps", lambda: ami.mitigate(_lr(), _X6, _yt, _g, eps=0.0))
row(A, "mitigate(max_iter=0)", "max_iter", lambda: ami.mitigate(_lr(), _X6, _yt, _g, max_iter=0))
row(A, "mitigate(seed=-1)", "seed", lambda: ami.mitigate(_lr(), _X6, _yt, _g, seed=-1))
row(A, "mitigate(estimator='x')", "estimator", lambda: ami.mitigate("x", _X6, _yt, _g))
row(A, "mitigate(sensitive_features one group)", "sensitive_features", lambda: ami.mitigate(_lr(), _X6, _yt, ["a"] * 6))
# report
row(A, "render_report(table='x')", "table", lambda: arp.render_report(table="x"))
row(A, "render_report(fairness=3)", "fairness", lambda: arp.render_report(fairness=3))
row(A, "render_report(mitigation='x')", "mitigation", lambda: arp.render_report(mitigation="x"))
row(A, "render_report(privacy='x')", "privacy", lambda: arp.render_report(privacy="x"))
row(A, "render_report(private='x')", "private", lambda: arp.render_report(private="x"))
row(A, "render_report(private_privacy='x')", "private_privacy", lambda: arp.render_report(private_privacy="x"))
row(A, "render_report(title=3)", "title", lambda: arp.render_report(title=3))
row(A, "render_report(caveats='one string')", "caveats", lambda: arp.render_report(caveats="one string"))
row(A, "write_report(path: folder missing)", "path", lambda: arp.write_report("/nonexistent/dir/report"))
row(A, "write_report(path=3)", "path", lambda: arp.write_report(3))
row(A, "write_report(path is an existing folder)", "path", lambda: arp.write_report("/tmp"))
row(A, "write_report(path under a file)", "path", lambda: arp.write_report(__file__ + "/report"))
row(A, "write_report(bogus=1)", "bogus", lambda: arp.write_report("/tmp/trustlab_bad_input_report", bogus=1))
# examples
row(A, "example_table(name='iris')", "dataset", lambda: aex.example_table("iris"))
row(A, "example_table(sensitive=('planet',))", "sensitive", lambda: aex.example_table("adult", ("planet",)))
row(A, "compute_table_audit(dataset='x')", "dataset", lambda: aex.compute_table_audit("x"))
row(A, "compute_table_audit(sensitive='planet')", "sensitive", lambda: aex.compute_table_audit("adult", "planet"))
row(A, "compute_table_audit(seed=-1)", "seed", lambda: aex.compute_table_audit("adult", "sex", seed=-1))
row(A, "compute_table_audit(n_boot=0)", "n_boot", lambda: aex.compute_table_audit("adult", "sex", n_boot=0))
row(A, "audit_own_table(table=df)", "table", lambda: aex.audit_own_table(_df()))
row(A, "audit_own_table(n_boot=0)", "n_boot", lambda: aex.audit_own_table(atb.load_table(_df(), "y", "g", positive="yes"), n_boot=0))
row(A, "audit_own_table(seed=1.5)", "seed", lambda: aex.audit_own_table(atb.load_table(_df(), "y", "g", positive="yes"), seed=1.5))
row(A, "mitigation_sweep(dataset='x')", "dataset", lambda: aex.mitigation_sweep("x"))
row(A, "mitigation_sweep(seed=1.5)", "seed", lambda: aex.mitigation_sweep("adult", seed=1.5))
row(A, "compute_mitigation_option(method='magic')", "method", lambda: aex.compute_mitigation_option("adult", "magic"))
row(A, "compute_mitigation_option(constraint='x')", "constraint", lambda: aex.compute_mitigation_option("adult", constraint="x"))
row(A, "compute_mitigation_option(dataset='x')", "dataset", lambda: aex.compute_mitigation_option("x"))
row(A, "compute_mitigation_option(seed=-1)", "seed", lambda: aex.compute_mitigation_option("adult", seed=-1))
# plots
row(A, "plot_fairness_audit(audit='x')", "audit", lambda: apl.plot_fairness_audit("x"))
row(A, "plot_mitigation(result='x')", "result", lambda: apl.plot_mitigation("x"))
row(A, "plot_privacy_audit(audit='x')", "audit", lambda: apl.plot_privacy_audit("x"))
# widgets
row(A, "make_audit_explorer(seed=-1)", "seed", lambda: awi.make_audit_explorer(seed=-1))
row(A, "make_audit_explorer(preset bad control)", "bogus", lambda: awi.make_audit_explorer(preset={"bogus": 1}))
row(A, "make_audit_explorer(preset='x')", "preset", lambda: awi.make_audit_explorer(preset="x"))
row(A, "make_mitigation_explorer(seed=1.5)", "seed", lambda: awi.make_mitigation_explorer(seed=1.5))
row(A, "make_mitigation_explorer(preset bad control)", "bogus", lambda: awi.make_mitigation_explorer(preset={"bogus": 1}))
row(A, "make_mitigation_explorer(preset bad value)", "method", lambda: awi.make_mitigation_explorer(preset={"method": "magic"}))

# --- training -----------------------------------------------------------------------------------
import functools  # noqa: E402

import torch  # noqa: E402

from trustlab import stats as tst  # noqa: E402
from trustlab import training as ttr  # noqa: E402
from trustlab.models import mlp  # noqa: E402

T = "training"
_Xt, _yt4 = np.zeros((4, 2)), np.array([0, 1, 0, 1])
_mf = functools.partial(mlp, 2, 2, hidden=(4,))


def _tm(**kw):
    args = dict(model_fn=_mf, X_train=_Xt, y_train=_yt4, seeds=[0, 1], epochs=1, batch_size=2)
    args.update(kw)
    return ttr.train_many(args.pop("model_fn"), args.pop("X_train"), args.pop("y_train"), **args)


def _sgd(model):
    return torch.optim.SGD(model.parameters(), lr=0.1)


row(T, "train_many(seeds=[])", "seeds", lambda: _tm(seeds=[]))
row(T, "train_many(seeds=[-1])", "seed", lambda: _tm(seeds=[-1]))
row(T, "train_many(seeds=[1.5])", "seed", lambda: _tm(seeds=[1.5]))
row(T, "train_many(seeds=None)", "seeds", lambda: _tm(seeds=None))
row(T, "train_many(seeds=3: not a list)", "seeds", lambda: _tm(seeds=3))
row(T, "train_many(model_fn='mlp')", "model_fn", lambda: _tm(model_fn="mlp"))
row(T, "train_many(model_fn returns a Conv layer)", "model_fn", lambda: _tm(model_fn=lambda seed: torch.nn.Sequential(torch.nn.Conv1d(1, 2, 1))))
row(T, "train_many(model_fn returns a non-Sequential)", "model_fn", lambda: _tm(model_fn=lambda seed: torch.nn.Linear(2, 2)))
row(T, "train_many(model_fn returns None)", "model_fn", lambda: _tm(model_fn=lambda seed: None))
row(T, "train_many(subsets wrong shape)", "subsets", lambda: _tm(subsets=np.ones((3, 4), bool)))
row(T, "train_many(subsets mask wrong length)", "subsets", lambda: _tm(subsets=np.ones((2, 5), bool)))
row(T, "train_many(subsets index out of range)", "subsets", lambda: _tm(subsets=[[0, 9], [1]]))
row(T, "train_many(subsets empty rows)", "subsets", lambda: _tm(subsets=[[], [1]]))
row(T, "train_many(epochs=0)", "epochs", lambda: _tm(epochs=0))
row(T, "train_many(epochs=1.5)", "epochs", lambda: _tm(epochs=1.5))
row(T, "train_many(lr=0)", "lr", lambda: _tm(lr=0.0))
row(T, "train_many(lr=nan)", "lr", lambda: _tm(lr=NAN))
row(T, "train_many(batch_size=0)", "batch_size", lambda: _tm(batch_size=0))
row(T, "train_many(batch_size=2.5)", "batch_size", lambda: _tm(batch_size=2.5))
row(T, "train_many(momentum=1)", "momentum", lambda: _tm(momentum=1.0))
row(T, "train_many(weight_decay=-1)", "weight_decay", lambda: _tm(weight_decay=-1.0))
row(T, "train_many(optimizer='adamw')", "optimizer", lambda: _tm(optimizer="adamw"))
row(T, "train_many(alpha=2)", "alpha", lambda: _tm(alpha=2.0))
row(T, "train_many(dtype=float16)", "dtype", lambda: _tm(dtype=torch.float16))
row(T, "train_many(streams='x')", "streams", lambda: _tm(streams="x"))
row(T, "train_many(noise_multiplier=-1)", "noise_multiplier", lambda: _tm(noise_multiplier=-1.0, max_grad_norm=1.0))
row(T, "train_many(max_grad_norm=nan)", "max_grad_norm", lambda: _tm(noise_multiplier=1.0, max_grad_norm=NAN))
row(T, "train_many(X/y length mismatch)", "y", lambda: _tm(y_train=[0, 1, 0]))
row(T, "train_many(X 1-d)", "X", lambda: _tm(X_train=np.zeros(4)))
row(T, "train_many(X has nan)", "X", lambda: _tm(X_train=np.full((4, 2), NAN)))
row(T, "train_many(X wrong width)", "X", lambda: _tm(X_train=np.zeros((4, 3))))
row(T, "train_many(y float labels)", "y", lambda: _tm(y_train=[0.5, 1, 0, 1]))
row(T, "train_many(y label >= classes)", "y", lambda: _tm(y_train=[0, 1, 2, 1]))
row(T, "train_many(X_test without y_test)", "y_test", lambda: _tm(X_test=_Xt))
row(T, "train_many(soft_targets wrong shape)", "soft_targets", lambda: _tm(soft_targets=np.ones((3, 2)) / 2, alpha=0.5))
row(T, "train_many(on_epoch=3)", "on_epoch", lambda: _tm(on_epoch=3))
row(T, "train_many(progress='yes')", "progress", lambda: _tm(progress="yes"))
row(T, "train_many(num_threads=0)", "num_threads", lambda: _tm(num_threads=0))
row(T, "train(model='mlp')", "model", lambda: ttr.train("mlp", _Xt, _yt4, epochs=1))
row(T, "train(model: a Conv net)", "model", lambda: ttr.train(torch.nn.Sequential(torch.nn.Conv1d(1, 2, 1)), _Xt, _yt4, epochs=1))
row(T, "train(epochs=0)", "epochs", lambda: ttr.train(_mf(), _Xt, _yt4, epochs=0))
row(T, "train(seed=-1)", "seed", lambda: ttr.train(_mf(), _Xt, _yt4, epochs=1, seed=-1))
row(T, "train(batch_size=0)", "batch_size", lambda: ttr.train(_mf(), _Xt, _yt4, epochs=1, batch_size=0))
row(T, "train(X/y mismatch)", "y", lambda: ttr.train(_mf(), _Xt, [0, 1], epochs=1))
row(T, "as_tensors(X 1-d)", "X", lambda: ttr.as_tensors(np.zeros(4), _yt4))
row(T, "as_tensors(X/y mismatch)", "y", lambda: ttr.as_tensors(_Xt, [0, 1]))
row(T, "as_tensors(X strings)", "X", lambda: ttr.as_tensors([["a", "b"]], [0]))
row(T, "as_tensors(X nan)", "X", lambda: ttr.as_tensors(np.full((4, 2), NAN), _yt4))
row(T, "as_tensors(y float labels)", "y", lambda: ttr.as_tensors(_Xt, [0.5, 1, 0, 1]))
row(T, "make_loader(batch_size=0)", "batch_size", lambda: ttr.make_loader(_Xt, _yt4, 0))
row(T, "make_loader(seed=-1)", "seed", lambda: ttr.make_loader(_Xt, _yt4, 2, seed=-1))
row(T, "make_loader(shuffle='yes')", "shuffle", lambda: ttr.make_loader(_Xt, _yt4, 2, shuffle="yes"))
row(T, "fit(model='x')", "model", lambda: ttr.fit("x", ttr.make_loader(_Xt, _yt4, 2), None))
row(T, "fit(epochs=0)", "epochs", lambda: (lambda m: ttr.fit(m, ttr.make_loader(_Xt, _yt4, 2), _sgd(m), 0))(_mf()))
row(T, "fit(optimizer='sgd')", "optimizer", lambda: ttr.fit(_mf(), ttr.make_loader(_Xt, _yt4, 2), "sgd"))
row(T, "fit(seed=-1)", "seed", lambda: (lambda m: ttr.fit(m, ttr.make_loader(_Xt, _yt4, 2), _sgd(m), 1, seed=-1))(_mf()))
row(T, "fit(on_epoch=3)", "on_epoch", lambda: (lambda m: ttr.fit(m, ttr.make_loader(_Xt, _yt4, 2), _sgd(m), 1, on_epoch=3))(_mf()))
row(T, "evaluate(model='x')", "model", lambda: ttr.evaluate("x", _Xt, _yt4))
row(T, "evaluate(X/y mismatch)", "y", lambda: ttr.evaluate(_mf(), _Xt, [0]))
row(T, "evaluate(y label >= classes)", "y", lambda: ttr.evaluate(_mf(), _Xt, [0, 5, 0, 1]))
row(T, "mean_ci(values=[])", "values", lambda: tst.mean_ci([]))
row(T, "mean_ci(values=[nan, 1])", "values", lambda: tst.mean_ci([NAN, 1.0]))
row(T, "mean_ci(values='abc')", "values", lambda: tst.mean_ci("abc"))
row(T, "mean_ci(values=None)", "values", lambda: tst.mean_ci(None))
row(T, "mean_ci(level=1)", "level", lambda: tst.mean_ci([0.1, 0.2], 1.0))
row(T, "mean_ci(level=nan)", "level", lambda: tst.mean_ci([0.1, 0.2], NAN))
row(T, "mean_ci(level='0.95')", "level", lambda: tst.mean_ci([0.1, 0.2], "0.95"))
row(T, "format_ci(digits=-1)", "digits", lambda: tst.format_ci([0.1, 0.2], -1))
row(T, "format_ci(digits=2.5)", "digits", lambda: tst.format_ci([0.1, 0.2], 2.5))
row(T, "format_ci(interval=[])", "values", lambda: tst.format_ci([]))
row(T, "format_ci(seeds='no')", "seeds", lambda: tst.format_ci([0.1, 0.2], seeds="no"))
row(T, "separated(a=[])", "values", lambda: tst.separated([], [0.1, 0.2]))
row(T, "separated(b=[nan])", "values", lambda: tst.separated([0.1, 0.2], [NAN]))
# batched: the checks train_many runs (its steps are fed only by checked inputs: see COVERED)
from trustlab import batched as tba  # noqa: E402

row(T, "check_xy(X_train strings)", "X_train", lambda: tba.check_xy([["a", "b"]], [0], "train", False))
row(T, "check_xy(y_test=None)", "y_test", lambda: tba.check_xy(_Xt, None, "test", False))
row(T, "check_xy(n_features mismatch)", "X_train", lambda: tba.check_xy(_Xt, _yt4, "train", False, 2, 3))
row(T, "check_rows(subsets wrong count)", "subsets", lambda: tba.check_rows([[0], [1]], 3, 4))
row(T, "check_dp(max_grad_norm=0)", "max_grad_norm", lambda: tba.check_dp(1.0, 0.0))
row(T, "check_dp(noise_multiplier=None)", "noise_multiplier", lambda: tba.check_dp(None, 1.0))
row(T, "check_soft(soft_targets negative)", "soft_targets", lambda: tba.check_soft(-np.ones((4, 2)), 4, 2, torch.float32))
row(T, "stream_seeds(seed=-1)", "seed", lambda: tba.stream_seeds(-1))
row(T, "stream_seeds(streams='x')", "streams", lambda: tba.stream_seeds(0, "x"))
row(T, "generators(stream='x')", "stream", lambda: tba.generators([0], "x"))
row(T, "generators(seeds=[1.5])", "seed", lambda: tba.generators([1.5], "order"))
