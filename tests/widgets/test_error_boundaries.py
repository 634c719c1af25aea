"""Every explorer is an error boundary: a failure in compute, plot or a button is shown, not lost.

For each explorer of the gallery, compute and then plot are replaced by functions that raise,
a control is moved (the real callback path), and the message area must show the exception's
type and message. Unexpected errors are also logged at ERROR on the ``trustlab`` logger, which
``tests/conftest.py`` turns into a test failure unless the test takes ``shown_errors``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import ipywidgets as widgets
import pytest
from explorer_states import alternatives, move

from trustlab.gallery import build, names
from trustlab.widgets import Explorer


def _nudge(explorer):
    """Move the first control that has another valid value; return (control, old value)."""
    for control in explorer.controls.values():
        for value in alternatives(control):
            old = control.value
            control.value = value
            return control, old
    raise AssertionError("no control of this explorer could be moved")


def _raise(exc):
    def broken(*args, **kwargs):
        raise exc
    return broken


@pytest.mark.parametrize("name", names())
def test_a_forced_compute_error_shows_in_the_message_area(name, shown_errors):
    ex = build(name)
    real = ex._compute
    ex._compute = _raise(RuntimeError("forced failure in compute"))
    control, old = _nudge(ex)
    assert ex.result is None and ex.error == "RuntimeError: forced failure in compute"
    assert "RuntimeError: forced failure in compute" in ex.summary.value
    assert [r.levelno for r in shown_errors] == [logging.ERROR]  # a bug: logged, fails tests
    ex._compute = real
    control.value = old  # back to a good state: the error goes away
    assert ex.result is not None and ex.error is None and "trustlab-error" not in ex.summary.value


@pytest.mark.parametrize("name", names())
def test_a_forced_plot_error_shows_in_the_message_area(name, shown_errors):
    ex = build(name)
    good_image = ex.image.value
    ex._plot = _raise(KeyError("forced failure in plot"))
    assert move(ex, 1)  # to another valid setting: compute succeeds, the plot fails
    assert ex.result is not None and "<code>" in ex.summary.value  # the numbers stay, above the error
    assert ex.error == "KeyError: 'forced failure in plot'"
    assert "the plot could not be drawn" in ex.summary.value and "KeyError" in ex.summary.value
    assert ex.image.value == good_image  # the last good plot stays
    assert [r.levelno for r in shown_errors] == [logging.ERROR]


def _tiny_explorer(compute=None, plot=None):
    class R:
        def __init__(self, x):
            self.x = x

        def summary(self):
            return f"x={self.x}"

    return Explorer({"x": widgets.IntSlider(1, min=0, max=5)}, compute or (lambda x: R(x)), plot,
                    title="tiny")


def test_an_invalid_setting_is_shown_without_being_logged_as_a_bug(shown_errors):
    def compute(x):
        if x == 3:
            raise ValueError("x must not be 3")
        return _tiny_explorer().result.__class__(x)

    ex = _tiny_explorer(compute)
    ex.x.value = 3
    assert ex.result is None and ex.error == "ValueError: x must not be 3"
    assert "x must not be 3" in ex.summary.value
    assert shown_errors == []  # expected: an answer to the user, not a bug


def test_a_button_error_is_shown_and_the_button_comes_back(shown_errors):
    ex = _tiny_explorer()
    seen = []

    def slow_and_broken():
        seen.append((button.disabled, button.description))
        raise ZeroDivisionError("forced failure in a button")

    button = ex.add_button("go", slow_and_broken, busy_description="going …")
    button.click()
    assert seen == [(True, "going …")]  # disabled and relabelled while it ran
    assert not button.disabled and button.description == "go"
    assert ex.error == "ZeroDivisionError: forced failure in a button"
    assert "x=1" in ex.summary.value and "button “go” failed" in ex.summary.value
    assert [r.levelno for r in shown_errors] == [logging.ERROR]
    ok = ex.add_button("fine", lambda: 42)
    assert ok.run() == 42


def test_a_refused_button_request_is_shown_without_being_logged_as_a_bug(shown_errors):
    ex = _tiny_explorer()
    run = ex.guard(_raise(ValueError("estimate 90 s is over the limit")), where="PRV button")
    assert run() is None
    assert "PRV button failed: ValueError: estimate 90 s is over the limit" in ex.summary.value
    assert shown_errors == []


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(seed=-1), ValueError, "seed must be a non-negative int, got -1"),
    (dict(seed="x"), TypeError, "seed must be a non-negative int"),
])
def test_builders_raise_on_bad_arguments_instead_of_showing_an_error_state(kwargs, error, match):
    with pytest.raises(error, match=match):
        build("randomized_response", **kwargs)


def test_explorer_refuses_bad_parts():
    with pytest.raises(TypeError, match="controls must be a dict"):
        Explorer("abc", lambda: None)
    with pytest.raises(TypeError, match="compute must be callable"):
        Explorer({}, None)
    with pytest.raises(TypeError, match="compute must return a result whose summary"):
        Explorer({"x": widgets.IntSlider(1)}, lambda x: 5)


def test_the_suite_fails_a_test_whose_explorer_showed_an_unexpected_error(tmp_path, root):
    """The conftest hook: a bug shown in an explorer makes the test fail (not hidden as a message)."""
    (tmp_path / "conftest.py").write_text((root / "tests" / "conftest.py").read_text())
    (tmp_path / "test_bug.py").write_text(textwrap.dedent("""
        import ipywidgets as widgets
        from trustlab.widgets import Explorer

        class R:
            def summary(self):
                return "ok"

        def compute(x):
            if x == 2:
                return {}["missing"]  # a bug
            return R()

        def test_bug_is_only_shown():
            ex = Explorer({"x": widgets.IntSlider(1, min=0, max=5)}, compute)
            ex.x.value = 2
            assert "KeyError" in ex.summary.value  # passes by itself ...

        def test_forced_on_purpose(shown_errors):
            ex = Explorer({"x": widgets.IntSlider(1, min=0, max=5)}, compute)
            ex.x.value = 2
            assert len(shown_errors) == 1
    """))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
                          str(tmp_path), "-c", "/dev/null", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert "1 failed, 1 passed" in run.stdout, run.stdout[-2000:]
    assert "unexpected error(s) shown by an explorer" in run.stdout
