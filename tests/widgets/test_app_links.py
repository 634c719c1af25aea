"""App links and presets are untrusted text: limited in size and depth before parsing, never fatal."""

from __future__ import annotations

import urllib.parse

import pytest

from trustlab.app import MAX_QUERY_CHARS, make_gallery_from_query, share_link, state_from_query
from trustlab.presets import MAX_PRESET_CHARS, parse_preset_json


def nested_link_query(depth=1500):
    """The probe's link: about 9 kB, ``depth`` nested ``[`` in the preset."""
    return urllib.parse.urlencode({"explorer": "mechanism",
                                   "preset": '{"epsilon": ' + "[" * depth + "]" * depth + "}"})


@pytest.mark.parametrize("query, reason", [
    (nested_link_query(), "characters long; links of this page are at most"),
    (urllib.parse.urlencode({"explorer": "mechanism", "preset": '{"e": ' + "[" * 50 + "]" * 50 + "}"}),
     "nested 51 levels deep"),
    (urllib.parse.urlencode({"explorer": "mechanism", "preset": '{"epsilon": "' + "x" * 3000 + '"}'}),
     f"at most {MAX_PRESET_CHARS:,} are accepted"),
    ("explorer=mechanism&preset=%7B%22epsilon%22%3ANaN%7D", "must be finite numbers, got NaN"),
])
def test_a_long_or_deeply_nested_link_shows_a_clear_message(query, reason):
    g = make_gallery_from_query(query)  # no RecursionError, no dead page
    assert g.name == "randomized_response" and g.current is not None
    assert "this link could not be opened" in g.status.value and reason in g.status.value


def test_the_probes_nested_link_is_about_9_kb_and_refused_before_parsing():
    query = nested_link_query()
    assert 8_000 < len(query) < 10_000 and len(query) > MAX_QUERY_CHARS
    with pytest.raises(ValueError, match="characters long"):
        state_from_query(query)
    with pytest.raises(ValueError, match="nested 1501 levels deep"):  # the depth check alone
        parse_preset_json('{"epsilon": ' + "[" * 1500)


@pytest.mark.parametrize("query, error, match", [
    (123, TypeError, "query must be a str"),
    (b"explorer=x", TypeError, "query must be a str"),
])
def test_state_from_query_refuses_non_text(query, error, match):
    with pytest.raises(error, match=match):
        state_from_query(query)
    g = make_gallery_from_query(query)
    assert "this link could not be opened" in g.status.value and match in g.status.value


@pytest.mark.parametrize("kwargs, match", [
    (dict(preset={"epsilon": float("nan")}), "preset values must be finite numbers, got nan"),
    (dict(preset={"epsilon": float("inf")}), "preset values must be finite numbers, got inf"),
    (dict(preset={"epsilon": object()}), "preset values must be numbers, strings, booleans"),
    (dict(preset={"epsilon": {"a": 1}}), "preset values must be numbers, strings, booleans"),
    (dict(preset=[1, 2]), "preset must be a dict of control name"),
    (dict(preset={1: 2}), "preset must be a dict of control name"),
    (dict(preset={"text": "x" * 5000}), "characters long"),
    (dict(base_url=None), "base_url must be a string"),
    (dict(base_url="http://h/?a=1"), "base_url must be an http"),
    (dict(base_url="javascript:alert(1)"), "base_url must be an http"),
])
def test_share_link_refuses_values_no_control_can_hold(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        share_link("mechanism", **kwargs)


def test_share_link_round_trips_numpy_values():
    import numpy as np

    link = share_link("mechanism", {"epsilon": np.float64(0.5)})
    assert state_from_query(urllib.parse.urlsplit(link).query) == ("mechanism", {"epsilon": 0.5})
