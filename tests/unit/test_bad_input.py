"""The bad-input table (``tests/bad_input_cases.py``): every row of a finished area is GOOD.

GOOD means a ValueError/TypeError (or a file error) raised by trustlab itself, before any
work starts, whose message names the parameter. A row whose call must return (a documented
``inf``, say) must return. New public functions add rows there; see that module's docstring.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `tests` as a package, as the e2e tests do
from tests import bad_input_cases as cases  # noqa: E402

FINISHED_ROWS = [r for r in cases.ROWS if r.area in cases.FINISHED]


@pytest.mark.parametrize("row", FINISHED_ROWS, ids=lambda r: f"{r.area}: {r.label}")
def test_bad_input_is_refused_naming_the_parameter(row):
    category, what = cases.run(row)
    expected = "LEGIT" if row.expect == "value" else "GOOD"
    assert category == expected, f"{row.label} -> {category}: {what} (must name {row.param!r})"


#: Modules whose public callables must each appear in the table (phase 2 adds its modules).
COVERED = {
    "trustlab.privacy.accounting": {"rdp_orders", "prv_cost"},
    "trustlab.privacy.planner": {"PrivacyPlan"},
    "trustlab.attacks.membership": {"AttackResult", "attack_scores"},
    "trustlab.attacks.audits.audit": {"AuditResult", "PrivacyAudit"},
    "trustlab.attacks.canaries": {"Canary", "exposure_from_rank"},
    "trustlab.attacks.canary_sweep": {"CanaryResult", "ExposureCurves", "compute_sweep", "exposure_curves",
                                      "setting_label", "sweep_params"},
    "trustlab.attacks.shadows": {"ShadowSet", "compute_sweep", "sweep_params"},
    "trustlab.attacks.nlu": {"NLUTrainResult", "nlu_loss"},
    "trustlab.attacks.nlu_many": set(),
    "trustlab.attacks.packing": set(),
    "trustlab.attacks.rmia": set(),
    "trustlab.attacks.audits.canary_audit": {"CanaryRun"},
    "trustlab.attacks.audits.one_run_audit": {"OneRunAudit"},
    "trustlab.attacks.audits.one_run_sweep": {"compute_sweep", "grid_keys", "sweep_params"},
    "trustlab.attacks.audits.risk_audit": {"RiskAudit"},
    "trustlab.federated.partition": set(),
    "trustlab.federated.dp": {"DPFederatedResult"},
    "trustlab.federated.api": {"FederatedResult", "lean_ray_head", "quiet_flower", "ray_backend_config",
                               "result_from_history"},
    "trustlab.capstone.frontier": {"TradeoffResult"},
    "trustlab.capstone.point": set(),
    "trustlab.capstone.sweep": {"grid_settings"},
    "trustlab.capstone.tradeoffs": {"majority_accuracy"},
    "trustlab.capstone.widgets": set(),
    # Result classes, the history parser (fed by server_main) and a config's one-line text.
    "trustlab.federated.results": {"CentralResult", "FederatedResult", "FederatedSeeds", "result_from_history",
                                   "setting_text"},
    "trustlab.federated.local": {"ShuffledBatches"},
    "trustlab.federated.task": set(),
    "trustlab.cache": {"cache_dir"},
    "trustlab.data": {"damaged_data_file", "data_dir"},
    "trustlab.app": {"Gallery", "make_gallery_from_query"},
    "trustlab.gallery": {"GalleryEntry", "names"},
    "trustlab.presets": {"parse_preset_json", "preset_cell"},
    "trustlab.widgets": {"PlotImage", "describe_error"},
    "trustlab.fairness.kg.graph": set(),
    "trustlab.fairness.kg.transe": set(),
    "trustlab.fairness.kg.ranking": set(),
    "trustlab.fairness.kg.measure": set(),
    "trustlab.fairness.kg.neutrality": set(),
    "trustlab.fairness.kg.evaluation": set(),
    "trustlab.fairness.kg.bias": set(),
    "trustlab.fairness.kg.sweep": set(),
    "trustlab.fairness.kg.widgets": set(),
    "trustlab.audit.privacy": set(),
    "trustlab.audit.private": set(),
    # fairness: result classes, and functions without arguments to get wrong
    "trustlab.fairness.groups.metrics": {"GroupMetrics"},
    "trustlab.fairness.groups.sampling": {"SamplingBiasResult", "adult_features"},
    "trustlab.fairness.groups.conflicts": {"ConflictResult"},
    "trustlab.fairness.groups.disparate": {"DisparateImpactPoint", "DisparateImpactResult"},
    "trustlab.fairness.counterfactual.swaps": {"gender_lexicon"},
    "trustlab.fairness.counterfactual.corpus": {"female_share"},
    "trustlab.fairness.counterfactual.occupation": {"OccupationResult"},
    "trustlab.fairness.counterfactual.role_reversal": {"Vocab", "vocabulary"},
    "trustlab.fairness.counterfactual.role_reversal_sweep": {"RoleReversalResult"},
    "trustlab.fairness.counterfactual.heldout": {"SwapScore"},
    "trustlab.fairness.text.sensitivity": set(),
    "trustlab.fairness.text.embeddings": set(),
    "trustlab.fairness.text.bios": {"Bios", "OccupationBiasResult"},
    "trustlab.fairness.text.leakage": {"LeakageResult"},
    "trustlab.fairness.text.intrinsic": {"StudyPoint", "StudyResult"},
    # privacy.risk, audit, training: rows in tests/bad_input_more/risk_audit_rows.py
    "trustlab.privacy.risk.bound": set(),
    "trustlab.privacy.risk.statement": set(),
    "trustlab.privacy.risk.plots": set(),
    "trustlab.audit.tables": set(),
    "trustlab.audit.checks": set(),
    "trustlab.audit.bootstrap": set(),
    "trustlab.audit.fairness": set(),
    "trustlab.audit.mitigation": set(),
    "trustlab.audit.report": set(),
    "trustlab.audit.examples": {"example_model"},  # takes no arguments
    "trustlab.audit.plots": set(),
    "trustlab.audit.widgets": set(),
    "trustlab.training": set(),
    "trustlab.stats": set(),
    "trustlab.stacked": set(),
    # train_many's steps, fed only by the inputs it has checked (its check_* functions have rows)
    "trustlab.batched": {"dp_step", "epoch_batches", "loss_and_grad", "noise", "plain_step", "poisson_batch",
                         "start_epoch"},
    # lm: rows in tests/bad_input_more/lm_rows.py (result classes need no rows; make_sweeps, _stats skipped)
    "trustlab.lm.model": set(),
    "trustlab.lm.train": set(),
    "trustlab.lm.corpus": set(),
    "trustlab.lm.memorization": set(),
    "trustlab.lm.memorization_sweep": set(),
    "trustlab.lm.bias": set(),
    "trustlab.lm.bias_sweep": set(),
    "trustlab.lm.mitigation": set(),
    "trustlab.lm.plots": set(),
    "trustlab.lm.widgets": set(),
}


@pytest.mark.parametrize("module", sorted(COVERED))
def test_every_public_function_of_a_covered_module_has_a_row(module):
    """A new public function joins the table (or the module's exemption list, with a reason)."""
    import importlib

    mod = importlib.import_module(module)
    public = {n for n in mod.__all__ if callable(getattr(mod, n)) and not inspect.isclass(getattr(mod, n))
              or inspect.isclass(getattr(mod, n)) and n in ("Explorer", "Split")}
    labels = " ".join(r.label for r in cases.ROWS)
    missing = sorted(n for n in public - COVERED[module] if f"{n}(" not in labels)
    assert not missing, f"{module}: add bad-input rows to tests/bad_input_cases.py for {missing}"
