"""DP-SGD's gradient step written from scratch, to teach: clip each example, add noise, average.

Abadi et al. (2016), "Deep learning with differential privacy", Algorithm 1: "Clip gradient
ḡ_t(x_i) ← g_t(x_i) / max(1, ‖g_t(x_i)‖₂ / C)" and "Add noise g̃_t ← (1/L)(Σ_i ḡ_t(x_i) +
N(0, σ²C²I))". :func:`clip_and_noise` does exactly that on per-example gradients, with the
arithmetic and noise order of Opacus' ``DPOptimizer``; the tests check it against Opacus.
The Opacus path that trains with it is :mod:`trustlab.privacy.dpsgd`.
"""

from __future__ import annotations

import torch

from trustlab._validate import abbreviate, check_int, check_number

__all__ = ["clip_and_noise"]


def clip_and_noise(per_sample_grads, max_grad_norm, noise_multiplier, expected_batch_size,
                   generator=None):
    """The DP-SGD gradient from per-example gradients, written out to teach (Abadi et al. 2016).

    Each example's gradient (all parameters together) is scaled to L2 norm at most
    ``max_grad_norm`` C; the clipped gradients are summed, Gaussian noise of standard deviation
    σ·C is added to each coordinate, and the sum is divided by the expected batch size.
    Same arithmetic and noise order as Opacus' ``DPOptimizer``, so with the same generator
    state it gives the same gradient.

    Parameters
    ----------
    per_sample_grads : list of torch.Tensor
        One tensor per parameter, each of shape ``(batch, *param.shape)``.

    >>> g = [torch.tensor([[3.0, 4.0], [0.3, 0.4]])]      # norms 5 and 0.5
    >>> clip_and_noise(g, 1.0, 0.0, 2)[0]                 # (0.6 + 0.3, 0.8 + 0.4) / 2
    tensor([0.4500, 0.6000])
    """
    check_number("max_grad_norm", max_grad_norm, 0, None, low_open=True)
    check_number("noise_multiplier", noise_multiplier, 0)
    check_int("expected_batch_size", expected_batch_size, 1)
    if not isinstance(per_sample_grads, (list, tuple)) or not per_sample_grads or not all(
            torch.is_tensor(g) and g.ndim >= 1 and g.is_floating_point() for g in per_sample_grads):
        raise TypeError("per_sample_grads must be a non-empty list of float tensors, one per parameter, "
                        f"each of shape (batch, *param.shape); got {abbreviate(per_sample_grads)}")
    batch = {len(g) for g in per_sample_grads}
    if len(batch) != 1:
        raise ValueError(f"per_sample_grads must share their first (batch) dimension, got sizes {sorted(batch)}")
    if not all(torch.isfinite(g).all() for g in per_sample_grads):
        raise ValueError("per_sample_grads must hold finite numbers, got NaN or inf")
    norms = torch.stack([g.reshape(len(g), -1).norm(2, dim=-1) for g in per_sample_grads], dim=1)
    factor = (max_grad_norm / (norms.norm(2, dim=1) + 1e-6)).clamp(max=1.0)
    out = []
    for g in per_sample_grads:
        summed = torch.einsum("i,i...", factor, g)
        if noise_multiplier > 0:
            summed = summed + torch.normal(0.0, noise_multiplier * max_grad_norm, size=summed.shape,
                                           generator=generator, dtype=summed.dtype)
        out.append(summed / expected_batch_size)
    return out
