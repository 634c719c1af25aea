"""Every explorer of the kit, by name: what the app page, presets and accessibility tests iterate over.

Each entry names the notebook that teaches it and the builder that makes it. Builders are
imported lazily, so listing the gallery costs nothing and an app page builds only the explorer a
user picks (Binder gives 2 GB of RAM).

>>> [e.name for e in GALLERY][:3]
['randomized_response', 'mechanism', 'epsilon_planner']
>>> entry("mechanism").notebook
'10_privacy_what_is_dp.ipynb'
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["GALLERY", "GalleryEntry", "build", "entry", "names"]


@dataclass(frozen=True)
class GalleryEntry:
    """One explorer: a short name, a title, the notebook that teaches it and its builder's path.

    Attributes
    ----------
    name : str
        Identifier (also used by ``benchmarks/explorers.py``).
    title : str
        Human-readable title shown on the app page.
    notebook : str
        File name under ``notebooks/`` that teaches the explorer.
    builder : str
        ``"module:function"``; the function accepts ``preset=`` and returns an Explorer.
    """

    name: str
    title: str
    notebook: str
    builder: str

    def load(self):
        """The builder function (imports its module on first use)."""
        module, func = self.builder.split(":")
        return getattr(importlib.import_module(module), func)


GALLERY: tuple[GalleryEntry, ...] = (
    GalleryEntry("randomized_response", "Randomized response: a private survey",
                 "00_start_here.ipynb", "trustlab.privacy.widgets:make_randomized_response_explorer"),
    GalleryEntry("mechanism", "Laplace and Gaussian mechanisms", "10_privacy_what_is_dp.ipynb",
                 "trustlab.privacy.widgets:make_mechanism_explorer"),
    GalleryEntry("epsilon_planner", "ε planner for DP-SGD", "10_privacy_what_is_dp.ipynb",
                 "trustlab.privacy.widgets:make_epsilon_planner_explorer"),
    GalleryEntry("dp_sgd", "DP-SGD: accuracy, ε and time", "11_privacy_dp_sgd.ipynb",
                 "trustlab.privacy.widgets:make_dpsgd_explorer"),
    GalleryEntry("membership", "Membership inference against DP models",
                 "12_privacy_membership_inference.ipynb",
                 "trustlab.attacks.widgets:make_membership_explorer"),
    GalleryEntry("risk_audit", "ε you can read: DP bound, attack and one-run audit",
                 "12_privacy_membership_inference.ipynb",
                 "trustlab.attacks.widgets:make_risk_audit_explorer"),
    GalleryEntry("canaries", "Canary exposure and extraction", "13_privacy_canaries.ipynb",
                 "trustlab.attacks.widgets:make_canary_explorer"),
    GalleryEntry("text_rewriting", "Metric-DP word substitution", "14_privacy_text_rewriting.ipynb",
                 "trustlab.privacy.text.widgets:make_text_rewriting_explorer"),
    GalleryEntry("federated", "Federated averaging with Flower", "20_federated_fedavg.ipynb",
                 "trustlab.federated.widgets:make_federated_explorer"),
    GalleryEntry("dp_federated", "Differentially private federated learning",
                 "21_federated_flower.ipynb", "trustlab.federated.widgets:make_dp_federated_explorer"),
    GalleryEntry("sampling_bias", "Sampling bias in a survey of Adult", "30_fairness_biased_data.ipynb",
                 "trustlab.fairness.groups.widgets:make_sampling_bias_explorer"),
    GalleryEntry("disparate_impact", "DP-SGD's disparate impact", "30_fairness_biased_data.ipynb",
                 "trustlab.fairness.groups.widgets:make_disparate_impact_explorer"),
    GalleryEntry("role_reversal", "Counterfactual role reversal", "31_fairness_role_reversal.ipynb",
                 "trustlab.fairness.counterfactual.widgets:make_role_reversal_explorer"),
    GalleryEntry("intrinsic_extrinsic", "Intrinsic vs extrinsic bias metrics",
                 "32_fairness_measuring_bias.ipynb",
                 "trustlab.fairness.text.widgets:make_intrinsic_extrinsic_explorer"),
    GalleryEntry("kg_bias", "Bias in knowledge-graph embeddings", "33_fairness_knowledge_graphs.ipynb",
                 "trustlab.fairness.kg.widgets:make_kg_bias_explorer"),
    GalleryEntry("capstone", "Capstone: privacy × fairness × utility", "40_capstone_tradeoffs.ipynb",
                 "trustlab.capstone.widgets:make_capstone_explorer"),
    GalleryEntry("audit", "Audit a table (or your own CSV): fairness with intervals",
                 "50_practice_audit_your_model.ipynb", "trustlab.audit.widgets:make_audit_explorer"),
    GalleryEntry("mitigation", "Mitigation options: accuracy against disparity",
                 "50_practice_audit_your_model.ipynb", "trustlab.audit.widgets:make_mitigation_explorer"),
)


def names() -> list[str]:
    """The explorers' names, in teaching order."""
    return [e.name for e in GALLERY]


def entry(name: str) -> GalleryEntry:
    """The gallery entry called ``name``; a ValueError lists the allowed names otherwise."""
    for e in GALLERY:
        if e.name == name:
            return e
    raise ValueError(f"explorer must be one of {names()}, got {name!r}")


def build(name: str, *, preset=None, **kwargs):
    """Build the explorer ``name`` (optionally from a preset dict or JSON string)."""
    return entry(name).load()(preset=preset, **kwargs)
