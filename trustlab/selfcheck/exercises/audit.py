"""Self-checks for the practitioner's audit (notebook 50): reading warnings and intervals.

Each expected value is computed at check time with the functions the notebook uses (the German
credit model is refitted in well under a second; Adult's options are the shipped sweep).
"""

from __future__ import annotations

from trustlab.selfcheck import Choice, register


@register("50.1", Choice(("<25", "25-59", "60+")),
          question="the age group the German-credit audit names as too small to judge",
          hint="Run `compute_table_audit('german_credit', 'age_group', seed=0)` and read its `.audit.warnings`: "
               "the one that says 'only … rows'.",
          insight="Its 15 held-out rows decide the largest demographic-parity difference: a headline number "
                  "resting on a group too small to judge.")
def _too_small_age_group():
    from trustlab.audit.examples import compute_table_audit

    audit = compute_table_audit("german_credit", "age_group", seed=0).audit
    small = [w.split(":")[0].split("=")[1] for w in audit.warnings if " rows (fewer than " in w]
    assert len(small) == 1, small
    return small[0]


@register("50.2", Choice(tuple(range(8))),  # 7 options: the count is 0 to 7
          question="how many of Adult's mitigation options keep the upper end of their equalized-odds interval below 0.05",
          hint="`mitigation_sweep('adult').options` has a column `equalized_odds_high`; count the rows below "
               "0.05 (the unmitigated model is a row too).",
          insight="Their accuracy intervals overlap, so accuracy does not decide between them: randomized "
                  "thresholds or a retrained mix is the real choice.")
def _options_under_eo_bound():
    from trustlab.audit.examples import mitigation_sweep

    return int((mitigation_sweep("adult", seed=0).options["equalized_odds_high"] < 0.05).sum())
