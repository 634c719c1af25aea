"""The audit explorers, headless: controls -> results, and the FileUpload path for your own CSV."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from trustlab.audit.widgets import MAX_UPLOAD_BYTES, make_audit_explorer, make_mitigation_explorer


def _upload(ex, frame, name="loans.csv"):
    data = frame.to_csv(index=False).encode("utf-8")
    ex.upload.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                        "last_modified": datetime.datetime(2026, 1, 1)},)


def _loans(n=600, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"income": rng.normal(50, 10, n).round(1), "job": rng.choice(["a", "b", "c"], n),
                       "sex": rng.choice(["F", "M"], n), "age_group": rng.choice(["<40", "40+"], n)})
    df["approved"] = np.where(df["income"] + 8 * (df["job"] == "a") + rng.normal(0, 5, n) > 55, 1, 0)
    return df


def test_audit_explorer_switches_groups_and_tables():
    ex = make_audit_explorer()
    assert ex.result.table == "Adult" and ex.result.audit.features == ("sex",)
    value, low, high = ex.result.audit.difference("sex", "demographic_parity")
    assert 0.1 < low < value < high
    ex.sensitive.value = "sex × age_group"
    assert ex.result.audit.features == ("sex", "age_group", "sex × age_group")
    ex.dataset.value = "german_credit"
    assert ex.result.table == "German credit" and 295 <= ex.result.n_test <= 305  # 30 % per stratum
    assert ex.figure is not None and ex.image.tooltip.startswith("Plot: ")


def test_upload_audits_your_own_csv_and_writes_a_report():
    ex = make_audit_explorer()
    _upload(ex, _loans())
    ex.target.value, ex.sensitive_columns.value = "approved", "sex, age_group"
    ex.run.click()
    assert ex.result.table == "loans.csv", ex.message.value
    assert ex.result.audit.features == ("sex", "age_group", "sex × age_group")
    assert ex.result.n_test == 180 and "audited loans.csv" in ex.message.value
    assert ex.summary.value.startswith("<code>loans.csv, 180 held-out rows")
    ex.report.click()
    assert "data:text/html;base64," in ex.download.value and "report card ready" in ex.message.value
    import base64
    import re

    page = base64.b64decode(re.search(r"base64,([^']+)'", ex.download.value).group(1)).decode()
    assert "loans.csv" in page and "Caveats" in page


def test_upload_errors_are_shown_not_raised():
    ex = make_audit_explorer()
    ex.run.click()
    assert "choose a CSV file first" in ex.message.value
    before = ex.result
    _upload(ex, _loans())
    ex.target.value, ex.sensitive_columns.value = "approved", "race"
    ex.run.click()
    assert "sensitive: column(s) &#x27;race&#x27; not in the table" in ex.message.value
    ex.target.value, ex.sensitive_columns.value = "job", "sex"
    ex.run.click()
    assert "must hold exactly two values (binary), got 3" in ex.message.value
    ex.target.value, ex.sensitive_columns.value, ex.positive.value = "approved", "sex", "maybe"
    ex.run.click()
    assert "positive must be one of the target&#x27;s values 0, 1, got &#x27;maybe&#x27;" in ex.message.value
    nan = _loans().astype({"income": float})
    nan.loc[0, "income"] = np.nan
    _upload(ex, nan)
    ex.positive.value = ""
    ex.run.click()
    assert "missing values (NaN)" in ex.message.value
    assert ex.result is before  # the last good result stays on show
    big = ex.upload.value[0] | {"size": MAX_UPLOAD_BYTES + 1}
    ex.upload.value = (big,)
    ex.run.click()
    assert "the upload takes up to 50 MB" in ex.message.value


def test_mitigation_explorer_reads_the_sweep():
    ex = make_mitigation_explorer()
    base = ex.result.result.option("unmitigated", "none")
    row = ex.result.row
    assert row["demographic_parity_high"] < base["demographic_parity_low"]  # reduced, intervals apart
    assert "levelling down: Male selection_rate" in ex.result.summary()
    ex.constraint.value = "equalized_odds"
    assert ex.plot_data.index.get_level_values(1).tolist() == ["none", "equalized_odds", "equalized_odds"]
    ex.method.value = "unmitigated"
    assert ex.result.row.name == ("unmitigated", "none")
    ex.dataset.value = "german_credit"
    assert ex.result.result.n_test == 300
