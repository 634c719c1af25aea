"""Explorers of the audit: a table's fairness audit (with an upload for your own CSV) and the
mitigation options (method and constraint -> accuracy and disparity with intervals)."""

from __future__ import annotations

import base64
import html
import io
import time

import ipywidgets as widgets

from trustlab.audit.examples import (DATASETS, SENSITIVE, audit_own_table, compute_mitigation_option,
                                     compute_table_audit)
from trustlab.audit.mitigation import CONSTRAINTS
from trustlab.audit.plots import plot_fairness_audit, plot_mitigation
from trustlab.plotting import describe_figure
from trustlab.widgets import Explorer, explorer_builder, figure_svg

__all__ = ["AuditExplorer", "MAX_UPLOAD_BYTES", "make_audit_explorer", "make_mitigation_explorer"]

_STYLE = {"description_width": "10em"}
_LAYOUT = widgets.Layout(width="36em")
_NAMES = {"adult": "Adult (income > 50K)", "german_credit": "German credit (good risk)"}
#: Largest CSV the upload accepts (a bigger table is refused before it is parsed).
MAX_UPLOAD_BYTES = 50 * 2**20


def _plot_mitigation_choice(choice):
    key = ("unmitigated", "none") if choice.method == "unmitigated" else (choice.method, choice.constraint)
    return plot_mitigation(choice.result, choice.constraint, highlight=key)


@explorer_builder
def make_mitigation_explorer(*, seed=0, preset=None) -> Explorer:
    """Mitigation method and constraint -> held-out accuracy and disparity, with intervals.

    Reads the shipped sweep of both example tables (no training on a move).

    >>> ex = make_mitigation_explorer()
    >>> ex.method.value = "exponentiated_gradient"
    >>> bool(ex.result.row["change_high"] < 0)
    True
    """
    controls = {
        "dataset": widgets.Dropdown(options=[(_NAMES[d], d) for d in DATASETS], value="adult",
                                    description="table", style=_STYLE, layout=_LAYOUT),
        "method": widgets.Dropdown(options=[("none (unmitigated)", "unmitigated"),
                                            ("ThresholdOptimizer (post-processing)", "threshold_optimizer"),
                                            ("ExponentiatedGradient (reductions)", "exponentiated_gradient")],
                                   value="threshold_optimizer", description="mitigation",
                                   style=_STYLE, layout=_LAYOUT),
        "constraint": widgets.Dropdown(options=[(c.replace("_", " "), c) for c in CONSTRAINTS],
                                       value="demographic_parity", description="constraint",
                                       style=_STYLE, layout=_LAYOUT),
    }
    return Explorer(controls, compute_mitigation_option, _plot_mitigation_choice,
                    title="Mitigation options: accuracy against disparity (95 % intervals)",
                    fixed={"seed": seed}, preset=preset)


def _plot_table_audit(result):
    return plot_fairness_audit(result.audit, "selection_rate")


class AuditExplorer(Explorer):
    """The fairness audit of a shipped table, plus an upload that audits your own CSV.

    Attributes beyond :class:`~trustlab.widgets.Explorer`'s: ``upload`` (a ``FileUpload`` for a
    ``.csv``), ``target``, ``positive`` and ``sensitive_columns`` (text fields), ``run`` (audits
    the upload), ``report`` (writes the report card of the result on show), ``download`` (the
    card as a link) and ``message`` (what went wrong, or what was audited).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._uploaded = None  # (result, table) of the last audited upload
        text = dict(style=_STYLE, layout=_LAYOUT)
        self.upload = widgets.FileUpload(accept=".csv", multiple=False, description="your CSV")
        self.target = widgets.Text(description="target column", placeholder="e.g. approved", **text)
        self.positive = widgets.Text(description="favourable value", placeholder="e.g. yes (blank for 1)", **text)
        self.sensitive_columns = widgets.Text(description="sensitive columns", placeholder="e.g. sex, age_group", **text)
        self.run = widgets.Button(description="Audit my table", button_style="primary")
        self.report = widgets.Button(description="Write report card")
        self.message, self.download = widgets.HTML(), widgets.HTML()
        self.message.add_class("trustlab-audit-message")
        self.run.on_click(lambda _: self.audit_upload())
        self.report.on_click(lambda _: self.write_report())
        box = widgets.VBox([widgets.HTML("<b>Audit your own table</b> (a CSV with a header row; nothing "
                                         "leaves this kernel)"), self.upload, self.target, self.positive,
                            self.sensitive_columns, widgets.HBox([self.run, self.report]), self.message,
                            self.download])
        self.children = (*self.children, box)

    def _say(self, text, error=False):
        colour = "#D55E00" if error else "inherit"
        self.message.value = f"<span style='color:{colour}'>{html.escape(text)}</span>"

    def _show(self, result):
        start = time.perf_counter()
        self.result, self.error = result, None
        self.summary.value = f"<code>{html.escape(result.summary())}</code>"
        fig, _, self.plot_data = self._plot(result)
        self.figure = fig
        self.image.value = figure_svg(fig)
        self.image.tooltip = describe_figure(fig)
        self.seconds = time.perf_counter() - start

    def audit_upload(self):
        """Audit the uploaded CSV with the recipe (70/30 split); errors go to ``message``."""
        from trustlab.audit.tables import load_table

        files = list(self.upload.value)
        if not files:
            return self._say("choose a CSV file first (the 'your CSV' button)", error=True)
        upload = files[0]
        if upload["size"] > MAX_UPLOAD_BYTES:
            return self._say(f"{upload['name']} is {upload['size'] / 2**20:.0f} MB; the upload takes up to "
                             f"{MAX_UPLOAD_BYTES / 2**20:.0f} MB (audit a sample of it)", error=True)
        import pandas as pd

        try:
            frame = pd.read_csv(io.BytesIO(bytes(upload["content"])))
            sensitive = [c.strip() for c in self.sensitive_columns.value.split(",") if c.strip()]
            if not sensitive:
                raise ValueError("sensitive columns: give one or more column names, separated by commas")
            target = self.target.value.strip()
            positive = self.positive.value.strip() or None
            if positive is not None and target in frame.columns:
                # a typed "1" names the value 1 of a numeric column
                positive = next((v for v in pd.unique(frame[target]) if str(v) == positive), positive)
            table = load_table(frame, target, sensitive, positive=positive, name=upload["name"])
            result = audit_own_table(table, seed=self._fixed.get("seed", 0))
        except (ValueError, TypeError, KeyError, pd.errors.ParserError, UnicodeDecodeError) as exc:
            return self._say(f"{upload['name']}: {exc}", error=True)
        self._uploaded = (result, table)
        self._show(result)
        self._say(f"audited {upload['name']}: {table.summary()}")

    def write_report(self):
        """Put the report card (single-file HTML) of the result on show behind a download link."""
        from trustlab.audit.report import render_report

        if self.result is None:
            return self._say("nothing to report yet", error=True)
        table = self._uploaded[1] if self._uploaded and self._uploaded[0] is self.result else None
        _, page, numbers = render_report(table=table, fairness=self.result.audit,
                                         title=f"Report card: {self.result.table}",
                                         model="logistic regression (trustlab.audit.examples.example_model)")
        data = base64.b64encode(page.encode("utf-8")).decode("ascii")
        self.download.value = (f"<a download='report_card.html' href='data:text/html;base64,{data}'>"
                               f"Download the report card ({len(numbers)} numbers)</a>")
        self._say("report card ready: download it below")


@explorer_builder
def make_audit_explorer(*, seed=0, preset=None) -> AuditExplorer:
    """Table and sensitive groups -> a fairness audit with 95 % intervals; upload your own CSV.

    The recipe (logistic regression) is fitted once per table; switching groups re-audits (~1 s).

    >>> ex = make_audit_explorer(preset={"dataset": "german_credit"})
    >>> ex.sensitive.value = "age_group"
    >>> sorted(ex.result.audit.by_group.loc["age_group"].index)
    ['25-59', '60+', '<25']
    """
    controls = {
        "dataset": widgets.Dropdown(options=[(_NAMES[d], d) for d in DATASETS], value="adult",
                                    description="table", style=_STYLE, layout=_LAYOUT),
        "sensitive": widgets.Dropdown(options=list(SENSITIVE), value="sex", description="sensitive groups",
                                      style=_STYLE, layout=_LAYOUT),
    }
    return AuditExplorer(controls, compute_table_audit, _plot_table_audit,
                         title="Fairness audit: selection rate by group (95 % intervals)",
                         fixed={"seed": seed}, preset=preset)
