"""The report card: the audit's results as one Markdown file and one self-contained HTML page.

Model-card style (Mitchell et al. 2019, "Model cards for model reporting": "short documents
accompanying trained machine learning models that provide benchmarked evaluation in a variety
of conditions, such as across different cultural, demographic, or phenotypic groups"): data,
fairness with intervals, mitigation options, membership risk, a DP option with its measured
cost, and the caveats. Plots are PNGs embedded as ``data:`` URIs and a Content-Security-Policy
forbids every other load, so the page opens offline with no request. Every number in the HTML
sits in an element with a ``data-key`` attribute; :attr:`ReportCard.numbers` maps the same keys
to the same text, which is how the tests check the page against the result objects.
"""

from __future__ import annotations

import base64
import html
import io
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlab._validate import abbreviate, check_path, check_str

__all__ = ["CAVEATS", "ReportCard", "render_report", "write_report"]

#: What the audit cannot show: printed in every report.
CAVEATS = (
    "Group metrics are measured on the rows given; they say nothing about people unlike them, "
    "and labels that encode past decisions carry those decisions' bias into every metric.",
    "Intervals cover the sampling of evaluation rows (bootstrap); the variation from retraining "
    "on other data is not in them unless the section says so.",
    "The groups are the sensitive columns provided; unmeasured groups and other intersections "
    "are not audited. Small groups are named in the warnings: their numbers are not conclusive.",
    "No single fairness definition fits every use; demographic parity and equalized odds conflict "
    "when base rates differ. Choosing one is a decision about which harm matters.",
    "A membership attack that fails is a lower bound on leakage, not a proof of privacy; only a "
    "differential-privacy guarantee bounds every attack, and only for the training procedure it "
    "accounts (here with seeded noise, for reproducible teaching: not for deployment).",
)


@dataclass(frozen=True)
class ReportCard:
    """Where the report was written, the numbers it shows (by key) and how long it took."""

    markdown_path: Path
    html_path: Path
    numbers: dict
    seconds: float

    def summary(self) -> str:
        """One line."""
        return (f"report card: {self.html_path.name} and {self.markdown_path.name}, "
                f"{len(self.numbers)} numbers")


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _f(x) -> str:
    return "undefined" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.3f}"


class _Doc:
    """Sections of paragraphs, tables and images, rendered as Markdown and as HTML."""

    def __init__(self):
        self.md, self.html, self.numbers = [], [], {}

    def heading(self, text, level=2):
        self.md.append(f"{'#' * level} {text}\n")
        self.html.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def para(self, text):
        self.md.append(text + "\n")
        self.html.append(f"<p>{html.escape(text)}</p>")

    def bullets(self, items):
        if items:
            self.md.append("\n".join(f"- {i}" for i in items) + "\n")
            self.html.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")

    def table(self, header, rows):
        """``rows``: lists of cells, each a string or ``(text, key)`` for a checked number."""
        def cell(c, tag):
            text, key = (c, None) if isinstance(c, str) else c
            if key is not None:
                self.numbers[key] = text
                return f'<{tag} data-key="{html.escape(key)}">{html.escape(text)}</{tag}>'
            return f"<{tag}>{html.escape(text)}</{tag}>"

        self.md.append("| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n" + "\n".join(
            "| " + " | ".join(c if isinstance(c, str) else c[0] for c in r) + " |" for r in rows) + "\n")
        self.html.append("<table><thead><tr>" + "".join(cell(h, "th") for h in header) + "</tr></thead><tbody>"
                         + "".join("<tr>" + "".join(cell(c, "td") for c in r) + "</tr>" for r in rows)
                         + "</tbody></table>")

    def image(self, fig, alt):
        data = _png(fig)
        self.md.append(f"![{alt}](data:image/png;base64,{data})\n")
        self.html.append(f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">')


def _interval(key, v, lo, hi):
    return [(_f(v), f"{key}.value"), (f"[{_f(lo)}, {_f(hi)}]", f"{key}.interval")]


def _fairness(doc, audit):
    doc.heading("Fairness")
    doc.para(f"Differences between groups (largest minus smallest; 0 is equal) with bootstrap "
             f"{audit.level:.0%} intervals over {audit.n_boot} resamples. Overall accuracy "
             f"{audit.accuracy:.3f}. 'effect' means the interval excludes zero.")
    rows = []
    for (feat, name), r in audit.differences.iterrows():
        key = f"fairness.{feat}.{name}"
        rows.append([feat, name.replace("_", " "), *_interval(key, r["value"], r["low"], r["high"]),
                     f"{r['higher']} vs {r['lower']}", "effect" if r["effect"] else "no effect shown"])
    doc.table(["feature", "difference", "value", "95 % interval", "groups compared", "verdict"], rows)
    rows = []
    for (feat, group), r in audit.by_group.iterrows():
        key = f"fairness.{feat}.{group}"
        rows.append([feat, group, (f"{int(r['count']):,}", f"{key}.count"),
                     *[(f"{_f(r[m])} [{_f(r[f'{m}_low'])}, {_f(r[f'{m}_high'])}]", f"{key}.{m}")
                       for m in ("selection_rate", "tpr", "fpr", "accuracy")]])
    doc.table(["feature", "group", "rows", "selection rate", "TPR", "FPR", "accuracy"], rows)
    fig, _, _ = audit.plot("selection_rate")
    doc.image(fig, "Selection rate by group with 95 % intervals")
    if audit.warnings:
        doc.para("Warnings (groups too small to judge, undefined rates):")
        doc.bullets(list(audit.warnings))


def _mitigation(doc, result):
    from trustlab.audit.mitigation import CONSTRAINTS

    doc.heading("Mitigation options")
    doc.para("fairlearn's ThresholdOptimizer (post-processing) and ExponentiatedGradient (reductions), "
             f"scored on {result.n_test:,} held-out rows; 'change' is the option's disparity minus the "
             "unmitigated model's, with a paired bootstrap interval.")
    rows = []
    for (method, c), r in result.options.iterrows():
        key = f"mitigation.{method}.{c}"
        own = c if c in r.index else next(k for k in CONSTRAINTS if k in r.index)
        rows.append([method.replace("_", " "), c.replace("_", " "),
                     (f"{_f(r['accuracy'])} [{_f(r['accuracy_low'])}, {_f(r['accuracy_high'])}]", f"{key}.accuracy"),
                     f"{own.replace('_', ' ')}",
                     (f"{_f(r[own])} [{_f(r[f'{own}_low'])}, {_f(r[f'{own}_high'])}]", f"{key}.disparity"),
                     ("" if method == "unmitigated" else
                      (f"{r['change']:+.3f} [{r['change_low']:+.3f}, {r['change_high']:+.3f}]", f"{key}.change"))])
    doc.table(["method", "constraint", "accuracy", "disparity", "value", "change"], rows)
    fig, _, _ = result.plot()
    doc.image(fig, "Accuracy against disparity for each mitigation option")
    doc.para("Levelling down (a group's rate falls to meet the others'):" if result.levelling_down
             else "No option lowered a group's rate beyond its interval (no levelling down shown).")
    doc.bullets(list(result.levelling_down))


def _privacy(doc, audit, heading):
    from trustlab.stats import format_ci

    doc.heading(heading)
    train, test = (format_ci(a, seeds=False) for a in audit.model_accuracy.T)
    doc.para(f"The recipe was trained {1 + audit.n_reference} times on random halves; each model was "
             f"attacked in turn. Accuracy on the models' own halves {train}, on the other halves {test} "
             "(mean ± 95 % interval over the models). AUC 0.5 is guessing.")
    prefix = "privacy" if heading == "Membership risk" else "private_privacy"
    rows = []
    for name, a in audit.attacks.items():
        key = f"{prefix}.{name}"
        rows.append([name, *_interval(f"{key}.auc", a.auc, a.auc_low, a.auc_high),
                     (f"{_f(a.tpr_at_0_1)} [{_f(a.tpr_at_0_1_low)}, {_f(a.tpr_at_0_1_high)}]", f"{key}.tpr_at_0_1"),
                     (f"{_f(a.tpr_at_1)} [{_f(a.tpr_at_1_low)}, {_f(a.tpr_at_1_high)}]", f"{key}.tpr_at_1")])
    b = audit.bound
    if b is not None:
        rows.append(["DP bound (any attack)", (f"at most {_f(b.auc)}", f"{prefix}.bound.auc"), "",
                     (f"at most {_f(b.tpr_at[0.001])}", f"{prefix}.bound.tpr_at_0_1"),
                     (f"at most {_f(b.tpr_at[0.01])}", f"{prefix}.bound.tpr_at_1")])
    doc.table(["attack", "AUC", "95 % interval", "TPR at 0.1 % FPR", "TPR at 1 % FPR"], rows)
    doc.bullets([f"{name}: not run ({why})" for name, why in audit.not_run.items()])
    if b is not None:
        r = b.risk
        doc.para(f"The bound holds for every attack against these models: DP-SGD with noise multiplier "
                 f"{r.noise_multiplier:.2f}, sample rate {r.sample_rate:.3g} and {r.steps} steps spends "
                 f"epsilon = {r.epsilon:.2f} at delta = {r.delta:g} per row added or removed (PLD accountant); "
                 "a member and a non-member of a random half differ by one row swapped for another, so the "
                 "bound applies that guarantee twice. " + (
                     "Every measured interval starts below it, as it must." if audit.within_bound() else
                     "A measured interval lies wholly above it: the setup breaks an assumption of the bound "
                     "(Poisson sampling, the accounted noise); investigate before trusting either."))
    fig, _, _ = audit.plot()
    doc.image(fig, f"ROC curves of the membership attacks ({heading.lower()})")
    if len(audit.exposed):
        doc.para("Most exposed rows (mean loss when left out minus when trained on):")
        doc.table(["row", "models trained on it", "loss in", "loss out", "gap"],
                  [[str(int(r["row"])), str(int(r["models_in"])), _f(r["loss_in"]), _f(r["loss_out"]), _f(r["gap"])]
                   for _, r in audit.exposed.iterrows()])


def _private(doc, retrain):
    from trustlab.audit.bootstrap import mean_interval

    doc.heading("A differential-privacy option")
    (m, h), (pm, ph), (c, ch) = mean_interval(retrain.accuracy), mean_interval(retrain.plain_accuracy), retrain.cost
    doc.para(f"DP-SGD through Opacus: for a target epsilon of {retrain.target_epsilon:g} the planner (Opacus' RDP "
             f"accountant) chose noise multiplier {retrain.noise_multiplier:.2f} at sample rate "
             f"{retrain.sample_rate:.3g} for {retrain.steps} steps; accuracies are means over "
             f"{len(retrain.accuracy)} seeds with 95 % intervals.")
    r = retrain.risk
    doc.table(["epsilon (RDP)", "epsilon (PLD)", "delta", "TPR bound at 1 % FPR", "DP accuracy",
               "non-private accuracy", "accuracy cost"],
              [[(f"{retrain.epsilon:.2f}", "private.epsilon"), (f"{r.epsilon:.2f}", "private.pld_epsilon"),
                f"{retrain.delta:g}", (f"{_f(r.tpr_at[0.01])}", "private.tpr_bound_at_1"),
                (f"{m:.3f} ± {h:.3f}", "private.accuracy"), (f"{pm:.3f} ± {ph:.3f}", "private.plain_accuracy"),
                (f"{c:+.3f} ± {ch:.3f}", "private.cost")]])
    doc.para("Privacy statement:")
    doc.bullets(retrain.statement.splitlines())


def _check_inputs(results, title, model, caveats):
    from trustlab.audit.fairness import FairnessAudit
    from trustlab.audit.mitigation import MitigationResult
    from trustlab.audit.privacy import PrivacyAudit
    from trustlab.audit.private import PrivateRetrain
    from trustlab.audit.tables import AuditTable

    kinds = {"table": AuditTable, "fairness": FairnessAudit, "mitigation": MitigationResult,
             "privacy": PrivacyAudit, "private": PrivateRetrain, "private_privacy": PrivacyAudit}
    for name, value in results.items():
        if value is not None and not isinstance(value, kinds[name]):
            raise TypeError(f"{name} must be a trustlab.audit.{kinds[name].__name__} or None, got {type(value).__name__}")
    check_str("title", title)
    check_str("model", model, nonempty=False)
    if isinstance(caveats, str) or not np.iterable(caveats) or not all(isinstance(c, str) for c in caveats):
        raise TypeError(f"caveats must be a list of strings (one bullet each), got {abbreviate(caveats)}")


def render_report(*, table=None, fairness=None, mitigation=None, privacy=None, private=None,
                  private_privacy=None, title="Model audit report card", model="", caveats=CAVEATS):
    """``(markdown, html, numbers)`` of a report card from whichever results are given."""
    _check_inputs(dict(table=table, fairness=fairness, mitigation=mitigation, privacy=privacy, private=private,
                       private_privacy=private_privacy), title, model, caveats)
    doc = _Doc()
    doc.heading(title, 1)
    if model:
        doc.para(f"Model: {model}")
    if table is not None:
        doc.heading("Data")
        doc.para(table.summary())
        doc.table(["feature", "group", "rows", "share", "base rate"],
                  [[f, str(g), (f"{int(r['count']):,}", f"data.{f}.{g}.count"), f"{r['share']:.3f}",
                    (_f(r["base_rate"]), f"data.{f}.{g}.base_rate")] for (f, g), r in table.group_table().iterrows()])
    if fairness is not None:
        _fairness(doc, fairness)
    if mitigation is not None:
        _mitigation(doc, mitigation)
    if privacy is not None:
        _privacy(doc, privacy, "Membership risk")
    if private is not None:
        _private(doc, private)
    if private_privacy is not None:
        _privacy(doc, private_privacy, "Membership risk after the DP retrain")
    doc.heading("Caveats: what this audit cannot show")
    doc.bullets(list(caveats))
    doc.para("Written by trustlab.audit; every number comes from the result objects named in its notebook.")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.2em .5em;"
             "text-align:left}img{max-width:100%}")
    page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            f"<title>{html.escape(title)}</title><style>{style}</style></head><body>"
            + "\n".join(doc.html) + "</body></html>\n")
    return "\n".join(doc.md), page, dict(doc.numbers)


def write_report(path, **results) -> ReportCard:
    """Write the report card as ``<path>.md`` and ``<path>.html`` (any suffix of ``path`` dropped).

    Keyword arguments are those of :func:`render_report`: ``table``, ``fairness``,
    ``mitigation``, ``privacy``, ``private``, ``private_privacy`` (results of this package),
    ``title``, ``model`` and ``caveats``.
    """
    start = time.perf_counter()
    base = check_path("path", path)
    if base.is_dir():
        raise ValueError(f"path: {str(base)!r} is a directory; give a file name inside it (e.g. {str(base / 'report')!r})")
    base = base.with_suffix("") if base.suffix in (".md", ".html") else base
    if not base.parent.is_dir():
        raise ValueError(f"path: directory {str(base.parent)!r} does not exist")
    markdown, page, numbers = render_report(**results)
    md_path, html_path = base.with_name(base.name + ".md"), base.with_name(base.name + ".html")
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(page, encoding="utf-8")
    return ReportCard(md_path, html_path, numbers, time.perf_counter() - start)
