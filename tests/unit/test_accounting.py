"""Accounting: ε and σ agree with Opacus' accountants; bad or unreachable requests raise clearly."""

import math
import warnings

import pytest
from opacus.accountants import PRVAccountant, RDPAccountant
from opacus.accountants.utils import get_noise_multiplier

from trustlab.privacy.accounting import epsilon, epsilon_curve, noise_multiplier_for

# Opacus' own get_noise_multiplier, called here as the oracle, warns about its order range.
pytestmark = pytest.mark.filterwarnings("ignore:Optimal order:UserWarning")

SETTINGS = [(1.0, 0.01, 1000, 1e-5), (0.5, 0.1, 100, 1e-5), (2.0, 0.004, 10000, 1e-6),
            (1.1, 256 / 60000, 14063, 1e-5), (0.8, 1.0, 3, 1e-3), (4.0, 0.5, 20, 1e-2)]


def _opacus(accountant_cls, sigma, q, steps, delta, by_step=False):
    acc = accountant_cls()
    if by_step:  # how PrivacyEngine feeds it during training
        for _ in range(steps):
            acc.step(noise_multiplier=sigma, sample_rate=q)
    else:
        acc.history = [(sigma, q, steps)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return acc.get_epsilon(delta=delta)


@pytest.mark.parametrize("sigma, q, steps, delta", SETTINGS)
def test_rdp_epsilon_equals_opacus(sigma, q, steps, delta):
    assert epsilon(sigma, q, steps, delta) == _opacus(RDPAccountant, sigma, q, steps, delta)


def test_rdp_epsilon_equals_opacus_fed_step_by_step():
    assert epsilon(1.3, 0.02, 250, 1e-5) == _opacus(RDPAccountant, 1.3, 0.02, 250, 1e-5, by_step=True)


@pytest.mark.parametrize("sigma, q, steps, delta", [(1.0, 0.01, 1000, 1e-5), (2.0, 0.004, 10000, 1e-6),
                                                    (0.8, 1.0, 3, 1e-3)])
def test_prv_epsilon_equals_opacus(sigma, q, steps, delta):
    ours = epsilon(sigma, q, steps, delta, accountant="prv")
    assert ours == _opacus(PRVAccountant, sigma, q, steps, delta)
    # PRV is tighter than RDP (Gopi et al. 2021), never looser by more than its error bound.
    assert ours <= epsilon(sigma, q, steps, delta) + 0.01


@pytest.mark.parametrize("target, q, steps, delta", [(1.0, 0.01, 1000, 1e-5), (3.0, 0.01, 1000, 1e-5),
                                                     (8.0, 0.05, 200, 1e-5), (0.5, 0.004, 5000, 1e-6)])
def test_noise_multiplier_for_equals_opacus_and_round_trips(target, q, steps, delta):
    sigma = noise_multiplier_for(target, q, steps, delta)
    assert sigma == get_noise_multiplier(target_epsilon=target, target_delta=delta, sample_rate=q, steps=steps)
    spent = epsilon(sigma, q, steps, delta)
    assert target - 0.01 <= spent <= target


def test_noise_multiplier_for_prv_equals_opacus():
    sigma = noise_multiplier_for(2.0, 1.0, 10, accountant="prv")
    assert sigma == get_noise_multiplier(target_epsilon=2.0, target_delta=1e-5, sample_rate=1.0, steps=10,
                                         accountant="prv")
    assert 1.99 <= epsilon(sigma, 1.0, 10, accountant="prv") <= 2.0


def test_composition_and_subsampling_amplification():
    curve = epsilon_curve(1.0, 0.01, [10, 100, 1000, 10000])
    assert all(a < b for a, b in zip(curve, curve[1:]))  # ε grows with the number of steps
    assert curve[-1] < 10 * curve[-2]  # ...but slower than linearly (RDP composition)
    assert epsilon(1.0, 0.01, 1000) < epsilon(1.0, 1.0, 1000) / 10  # sampling amplifies privacy
    assert epsilon(2.0, 0.01, 1000) < epsilon(1.0, 0.01, 1000)  # more noise, smaller ε
    with pytest.raises(ValueError, match="steps must be a non-empty 1-d sequence of integers"):
        epsilon_curve(1.0, 0.01, [100.5])  # never truncated silently
    with pytest.raises(ValueError, match="steps must be"):
        epsilon_curve(1.0, 0.01, [])


@pytest.mark.parametrize("kwargs, match", [
    (dict(noise_multiplier=0.0), r"noise_multiplier must be in \(0, inf\), got 0"),
    (dict(noise_multiplier=-1.0), r"noise_multiplier must be in \(0"),
    (dict(noise_multiplier=math.inf), "noise_multiplier must be finite"),
    (dict(sample_rate=0.0), r"sample_rate must be in \(0, 1\], got 0"),
    (dict(sample_rate=1.5), r"sample_rate must be in \(0, 1\], got 1.5"),
    (dict(steps=0), r"steps must be an integer in \[1, inf\], got 0"),
    (dict(delta=0.0), r"delta must be in \(0, 1\), got 0"),
    (dict(delta=1.0), r"delta must be in \(0, 1\), got 1"),
    (dict(accountant="gdp"), "accountant must be one of 'rdp', 'prv', got 'gdp'"),
])
def test_bad_epsilon_requests_raise_naming_the_parameter(kwargs, match):
    args = dict(noise_multiplier=1.0, sample_rate=0.01, steps=100, delta=1e-5) | kwargs
    with pytest.raises(ValueError, match=match):
        epsilon(**args)


def test_bad_types_raise_type_errors():
    with pytest.raises(TypeError, match="steps must be an integer"):
        epsilon(1.0, 0.01, 10.5)
    with pytest.raises(TypeError, match="noise_multiplier must be a real number"):
        epsilon("1", 0.01, 10)


def test_unreachable_or_invalid_targets_raise():
    with pytest.raises(ValueError, match=r"target_epsilon=0.05 is unreachable.*allowed: target_epsilon > 0.10"):
        noise_multiplier_for(0.05, 0.01, 100)
    with pytest.raises(ValueError, match=r"target_epsilon must be in \(0, 1000\], got 0"):
        noise_multiplier_for(0.0, 0.01, 100)
    with pytest.raises(ValueError, match=r"target_epsilon must be in \(0, 1000\], got 5000"):
        noise_multiplier_for(5000.0, 0.01, 100)
    with pytest.raises(ValueError, match="sample_rate"):
        noise_multiplier_for(1.0, 0.0, 100)
    with pytest.raises(ValueError, match="epsilon_tolerance"):
        noise_multiplier_for(1.0, 0.01, 100, epsilon_tolerance=0.0)
    with pytest.raises(ValueError, match="accountant must be one of"):
        noise_multiplier_for(1.0, 0.01, 100, accountant="RDP")


# --- the from-scratch RDP formula, checked against Opacus ------------------------------------

import numpy as np  # noqa: E402
from opacus.accountants.analysis.rdp import compute_rdp, get_privacy_spent  # noqa: E402

from trustlab.privacy.rdp import DEFAULT_ORDERS, rdp_epsilon, rdp_to_epsilon, sampled_gaussian_rdp  # noqa: E402


@pytest.mark.parametrize("sigma, q", [(1.0, 0.01), (0.5, 0.1), (2.0, 0.004), (0.8, 1.0), (4.0, 0.5),
                                      (0.7, 0.9)])
def test_from_scratch_rdp_matches_opacus_at_integer_orders(sigma, q):
    orders = list(DEFAULT_ORDERS)
    ours = sampled_gaussian_rdp(sigma, q, orders)
    theirs = compute_rdp(q=q, noise_multiplier=sigma, steps=1, orders=orders)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    for steps, delta in [(1, 1e-5), (1000, 1e-5), (50, 1e-3)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            eps_opacus, order_opacus = get_privacy_spent(orders=orders, rdp=theirs * steps, delta=delta)
        eps, order = rdp_to_epsilon(ours * steps, orders, delta)
        assert eps == pytest.approx(eps_opacus, rel=1e-9) and order == order_opacus


def test_integer_orders_give_a_slightly_looser_epsilon_than_opacus_defaults():
    # Opacus also searches fractional orders 1.1 ... 10.9: they matter when ε is large.
    for sigma, q, steps in [(1.0, 0.01, 1000), (1.1, 0.02, 2000), (2.0, 0.004, 10000)]:
        ours, theirs = rdp_epsilon(sigma, q, steps), epsilon(sigma, q, steps)
        assert theirs * (1 - 1e-12) <= ours <= 1.01 * theirs and theirs < 10
    assert rdp_epsilon(0.5, 0.1, 100) > 1.3 * epsilon(0.5, 0.1, 100) > 30  # best order below 2


def test_from_scratch_rdp_rejects_bad_orders():
    with pytest.raises(ValueError, match="orders must be a non-empty sequence of integers >= 2"):
        sampled_gaussian_rdp(1.0, 0.01, orders=[1, 2])
    with pytest.raises(ValueError, match="orders must be"):
        sampled_gaussian_rdp(1.0, 0.01, orders=[2.5])
    with pytest.raises(ValueError, match="same length"):
        rdp_to_epsilon([1.0], [2, 3], 1e-5)


def test_privacy_plan_both_directions_and_its_prv_limit():
    from trustlab.privacy.planner import PLANNER_MAX_PRV_STEPS, compute_privacy_plan

    plan = compute_privacy_plan("epsilon", noise_multiplier=1.0, sample_rate=0.01, epochs=10)
    assert plan.steps == 1000 and plan.epsilon == epsilon(1.0, 0.01, 1000) and plan.prv_epsilon is None
    i = list(plan.curve_steps).index(1000)
    assert plan.curve_epsilon[i] == plan.epsilon and plan.curve_full_batch[i] == epsilon(1.0, 1.0, 1000)
    assert compute_privacy_plan(sample_rate=0.1, epochs=3).steps == 30  # rounded, not truncated to 29
    inverse = compute_privacy_plan("noise_multiplier", target_epsilon=3.0, sample_rate=0.01, epochs=10)
    assert inverse.noise_multiplier == noise_multiplier_for(3.0, 0.01, 1000) and inverse.epsilon <= 3.0
    assert "target epsilon=3.00 -> noise_multiplier=0.865" in inverse.summary()
    with pytest.raises(ValueError, match=f"allowed: steps <= {PLANNER_MAX_PRV_STEPS:,}"):
        compute_privacy_plan(sample_rate=1e-4, epochs=20, with_prv=True)
    with pytest.raises(ValueError, match="mode must be one of"):
        compute_privacy_plan("sigma")
    with pytest.raises(ValueError, match="epochs must be an integer"):
        compute_privacy_plan(epochs=0)
