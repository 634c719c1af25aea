"""The app page's gallery, headless: the picker lists every explorer, a pick builds only that one."""

import pytest

import trustlab.app
from trustlab.app import make_gallery
from trustlab.gallery import GALLERY, names
from trustlab.privacy import compute_randomized_response
from trustlab.widgets import Explorer


@pytest.fixture
def build_calls(monkeypatch):
    """Record every explorer the gallery builds."""
    calls = []
    real_build = trustlab.app.build

    def recording_build(name, **kwargs):
        calls.append(name)
        return real_build(name, **kwargs)

    monkeypatch.setattr(trustlab.app, "build", recording_build)
    return calls


def test_picker_lists_every_explorer_by_title_and_starts_on_randomized_response(build_calls):
    g = make_gallery()
    assert g.picker.options == tuple((e.title, e.name) for e in GALLERY)
    assert g.picker.value == g.name == "randomized_response"
    assert isinstance(g.current, Explorer) and g.slot.children == (g.current,)
    assert g.current.result == compute_randomized_response(0.75, 1000, 0.3, seed=0)
    assert build_calls == ["randomized_response"]  # nothing else is built up front
    assert g.summary().startswith("randomized_response: epsilon=1.10  estimate=0.280")


def test_picking_builds_the_picked_explorer_and_closes_the_previous_one(build_calls):
    g = make_gallery()
    first = g.current
    g.picker.value = "mechanism"
    assert build_calls == ["randomized_response", "mechanism"]
    assert g.name == "mechanism" and g.current is not first
    assert isinstance(g.current, Explorer) and g.slot.children == (g.current,)
    assert "10_privacy_what_is_dp.ipynb" in g.about.value and g.status.value == ""
    assert first.comm is None and first.summary.comm is None  # closed with its children
    assert g.current.comm is not None
    g.picker.value = "randomized_response"
    assert g.current.result == compute_randomized_response(0.75, 1000, 0.3, seed=0)


def test_preset_applies_to_the_first_explorer():
    g = make_gallery("mechanism", preset=make_gallery("mechanism").current.preset())
    assert g.name == "mechanism"
    g2 = make_gallery(preset={"p_truth": 0.9, "n_respondents": 5000})
    assert g2.current.result == compute_randomized_response(0.9, 5000, 0.3, seed=0)


def test_unknown_name_or_preset_control_is_a_clear_value_error():
    with pytest.raises(ValueError, match=r"initial must be one of 'randomized_response', .*got 'nope'"):
        make_gallery("nope")
    with pytest.raises(ValueError, match=r"unknown controls \['bogus'\]"):
        make_gallery(preset={"bogus": 1})
    assert len(names()) == len(GALLERY)


def test_a_failed_build_is_shown_not_raised(monkeypatch, shown_errors):
    g = make_gallery()

    def broken_build(name, **kwargs):
        raise RuntimeError("sweep file missing")

    monkeypatch.setattr(trustlab.app, "build", broken_build)
    g.picker.value = "mechanism"
    assert g.current is None and g.slot.children == ()
    assert "could not build 'mechanism'" in g.status.value and "RuntimeError: sweep file missing" in g.status.value
    assert g.summary().startswith("mechanism: (no result)")
    assert len(shown_errors) == 1  # an unexpected error is logged as one (tests fail on it)


def test_a_link_reopens_the_same_state():
    import urllib.parse

    from trustlab.app import make_gallery, make_gallery_from_query

    g = make_gallery("capstone")
    g.current.num_clients.value = 10
    g.current.noise_multiplier.value = 8.0
    link = g.link()
    assert link.startswith("http://localhost:8866/?explorer=capstone&preset=")
    assert "explorer=capstone" in g.share.value  # the page shows the link of its current state
    again = make_gallery_from_query(urllib.parse.urlsplit(link).query + "&token=abc")
    assert again.name == "capstone" and again.current.preset() == g.current.preset()
    assert again.current.result.summary() == g.current.result.summary()
    assert "sigma=8 clients=10" in again.summary()


@pytest.mark.parametrize("query, reason", [
    ("explorer=nope", "explorer must be one of"),
    ("explorer=mechanism&preset=%7Bnot-json", "must be a JSON object"),
    ("explorer=mechanism&preset=%5B1%2C2%5D", "must be a JSON object"),
    ("explorer=mechanism&preset=%7B%22epsilon%22%3A99%7D", "epsilon"),
])
def test_a_bad_link_opens_the_first_explorer_and_says_why(query, reason):
    from trustlab.app import make_gallery_from_query

    g = make_gallery_from_query(query)
    assert g.name == "randomized_response" and g.current is not None
    assert "this link could not be opened" in g.status.value and reason in g.status.value


def test_the_link_uses_voilas_address_without_query_or_token(monkeypatch):
    from trustlab.app import make_gallery

    monkeypatch.setenv("VOILA_REQUEST_URL", "http://127.0.0.1:9999/voila/render/x.ipynb?token=secret")
    link = make_gallery().link()
    assert link.startswith("http://127.0.0.1:9999/voila/render/x.ipynb?explorer=") and "secret" not in link
