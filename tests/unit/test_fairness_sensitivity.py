"""Prediction sensitivity: J·v against finite differences and the full Jacobian; the counterfactual gap."""

import numpy as np
import pytest
import torch
from torch.func import jacrev

from trustlab.fairness.text.bios import make_bios, swap_gender_tokens
from trustlab.fairness.text.sensitivity import (accumulated_prediction_sensitivity,
                                                counterfactual_gap, finite_difference_jv,
                                                jacobian_vector_product, prediction_sensitivity,
                                                probe_feature_weights)
from trustlab.fairness.text.words import load_gender_words
from trustlab.models import mlp


def _model_and_inputs(seed=0):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(16, 7, generator=gen)
    V = torch.randn(16, 7, generator=gen)
    return mlp(7, 4, hidden=(12,), seed=seed).eval(), X, V


def test_jvp_matches_a_finite_difference_estimate():
    model, X, V = _model_and_inputs()
    jv = jacobian_vector_product(model, X, V)
    fd = finite_difference_jv(model, X, V, h=1e-4)
    assert torch.allclose(jv, fd, atol=1e-5)
    assert jv.abs().max() > 1e-2  # not trivially zero
    assert next(model.parameters()).dtype == torch.float32  # the check leaves the model as it was


def test_jvp_matches_the_full_jacobian():
    model, X, V = _model_and_inputs(1)
    f = lambda x: torch.softmax(model(x), dim=-1)  # noqa: E731
    for x, v in zip(X[:4], V[:4]):
        J = jacrev(f)(x)  # (classes, features)
        assert torch.allclose(jacobian_vector_product(model, x[None], v[None])[0], J @ v, atol=1e-6)


def test_ps_is_wT_abs_Jv_and_aps_is_its_mean():
    model, X, V = _model_and_inputs(2)
    jv = jacobian_vector_product(model, X, V).abs().numpy()
    w = np.array([0.1, 0.2, 0.3, 0.4])
    assert prediction_sensitivity(model, X, V, w) == pytest.approx(jv @ w, rel=1e-5)
    assert accumulated_prediction_sensitivity(model, X, V) == pytest.approx(jv.mean(), rel=1e-5)


def test_ps_is_zero_along_features_the_model_ignores():
    model = torch.nn.Linear(3, 2)
    with torch.no_grad():
        model.weight[:, 2] = 0.0
    X = torch.randn(5, 3)
    V = torch.zeros(5, 3)
    V[:, 2] = 1.0
    assert prediction_sensitivity(model, X, V) == pytest.approx(np.zeros(5))


def test_probe_weights_are_unit_and_absolute_on_request():
    probe = torch.nn.Linear(4, 2)
    X = torch.randn(6, 4)
    v = probe_feature_weights(probe, X)
    assert torch.allclose(v.norm(dim=1), torch.ones(6))
    assert (probe_feature_weights(probe, X, absolute=True) >= 0).all()


def test_errors_name_the_parameter():
    model, X, V = _model_and_inputs()
    with pytest.raises(ValueError, match="w must hold 4 finite non-negative"):
        prediction_sensitivity(model, X, V, w=[1, -1, 0, 0])
    with pytest.raises(ValueError, match="V must have the shape of X"):
        prediction_sensitivity(model, X, V[:3])
    with pytest.raises(ValueError, match="X must be a non-empty 2-d"):
        prediction_sensitivity(model, X[0], V[0])
    with pytest.raises(ValueError, match="h must be in"):
        finite_difference_jv(model, X, V, h=0)
    with pytest.raises(ValueError, match="X must hold finite"):
        prediction_sensitivity(model, X * float("nan"), V)
    with pytest.raises(ValueError, match="w must hold 4 finite"):
        prediction_sensitivity(model, X, V, w=[float("nan"), 1, 1, 1])
    with pytest.raises(ValueError, match="features"):
        prediction_sensitivity(model, X[:, :2], V[:, :2])
    with pytest.raises(TypeError, match="model"):
        prediction_sensitivity("x", X, V)
    with pytest.raises(TypeError, match="X must be a 2-d array of numbers"):
        accumulated_prediction_sensitivity(model, [["a", "b"]], V)


def test_variants_agree_where_they_must():
    from trustlab.fairness.text.sensitivity import VARIANTS, jacobian, sensitivity_variants

    model, X, _ = _model_and_inputs()
    probe = torch.nn.Linear(X.shape[1], 2)
    ps = sensitivity_variants(model, probe, X)
    assert set(ps) == set(VARIANTS)
    # |J||v| bounds |Jv| from above for the same |v| (triangle inequality).
    assert (ps["|J||v|, unit"] >= ps["|Jv|, |v| unit"] - 1e-9).all()
    # Unit-length v is raw v divided by its norm, so PS scales by the same factor.
    v = probe_feature_weights(probe, X, normalize=False)
    norm = v.norm(dim=1).double().numpy()
    np.testing.assert_allclose(ps["|Jv|, signed raw v"], ps["|Jv|, signed unit v (default)"] * norm,
                               rtol=1e-4)
    J = jacobian(model, X)
    assert J.shape == (len(X), 4, X.shape[1])

def test_counterfactual_gap_is_zero_without_gender_words():
    model, X, _ = _model_and_inputs()
    assert counterfactual_gap(model, X, X) == pytest.approx(np.zeros(len(X)))


def test_token_swap_is_an_involution_and_agrees_with_the_text_swap():
    from trustlab.fairness.counterfactual.swaps import swap_gender

    gw = load_gender_words()
    bios = make_bios(gw, 5, seed=0)
    swapped = swap_gender_tokens(gw, bios.tokens)
    assert np.array_equal(swap_gender_tokens(gw, swapped), bios.tokens)
    # On the gender tokens (the first two words of a bio), Fairness I's text swap agrees,
    # except that it may turn "her" into "him" where the token swap always says "his".
    for i in range(len(bios.y)):
        ours = [gw.words[t] for t in swapped[i, :2]]
        theirs = swap_gender(bios.text(i)).split()[:2]
        assert all(a == b or (a, b) == ("his", "him") for a, b in zip(ours, theirs)), (ours, theirs)


def test_counterfactual_augmentation_balances_gender():
    gw = load_gender_words()
    skewed = make_bios(gw, 200, stereotype_share=0.9, seed=0)
    augmented = make_bios(gw, 200, stereotype_share=0.9, swap_ratio=1.0, seed=0)
    nurse = skewed.professions.index("nurse")
    assert skewed.female[skewed.y == nurse].mean() > 0.8
    assert augmented.female[augmented.y == nurse].mean() == pytest.approx(0.5)
    with pytest.raises(ValueError, match="swap_ratio"):
        make_bios(gw, 10, swap_ratio=2)
