"""The report card: self-contained files whose numbers are the result objects' numbers."""

from __future__ import annotations

import html.parser
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from audit_results import expected_numbers, results  # noqa: E402

from trustlab.audit import write_report  # noqa: E402


class _Keys(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self.refs, self._key, self._text = {}, [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.refs += [v for k, v in attrs.items() if k in ("src", "href") and v]
        if "data-key" in attrs:
            self._key, self._text = attrs["data-key"], []

    def handle_data(self, data):
        if self._key is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._key is not None and tag in ("td", "th"):
            self.found[self._key] = "".join(self._text)
            self._key = None


@pytest.mark.slow
def test_report_numbers_match_results_and_nothing_is_external(tmp_path):
    r = results()
    card = write_report(tmp_path / "card.html", **r, model="logistic regression")
    assert card.seconds <= 5.0
    page = card.html_path.read_text(encoding="utf-8")
    parser = _Keys()
    parser.feed(page)
    assert parser.found == card.numbers
    expected = expected_numbers(r)
    assert {k: parser.found[k] for k in expected} == expected
    assert parser.refs and all(ref.startswith("data:image/png;base64,") for ref in parser.refs)
    assert "default-src 'none'" in page and not re.search(r"https?://", page)
    markdown = card.markdown_path.read_text(encoding="utf-8")
    for key in ("fairness.sex.demographic_parity.value", "privacy.loss.auc.interval", "private.accuracy"):
        assert card.numbers[key] in markdown
    assert "Caveats" in markdown and "pending" in markdown  # RMIA / statement until issue 19 lands
    assert card.markdown_path.name == "card.md"


def test_report_path_is_checked(tmp_path):
    with pytest.raises(ValueError, match="path: directory .* does not exist"):
        write_report(tmp_path / "missing" / "card")
