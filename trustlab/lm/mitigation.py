"""Mitigating gender bias in generation: counterfactual augmentation and role-reversal distillation.

Gupta et al. (Findings of ACL 2022) distil a smaller student from a generative teacher with
loss α·KL(p_T(·|x) ‖ p_S(·|x)) + (1 − α)·CE(next token), and propose two modifications based on
counterfactual role reversal, both reused here from the kit's swap machinery in
:mod:`trustlab.fairness`:

- *modifying teacher probabilities*: the teacher's next-token distribution p(·|x) at every
  position is combined with q(w|x) = p(swap(w) | swap(x)) by the mean, the elementwise maximum
  or the exponentiated mean (geometric mean), renormalized
  (:func:`trustlab.fairness.counterfactual.role_reversal.teacher_targets`, applied to every position of the
  causal transformer's output: the paper's setting);
- *counterfactual data augmentation* (CDA; Lu et al. 2018): a ``swap_ratio`` share of the
  training sentences gets a gender-swapped copy (:func:`trustlab.fairness.augment`).

:func:`train_cda` applies CDA to the training data of a teacher-sized model itself (no
distillation); :func:`distill` trains a student with either or both modifications.
"""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from trustlab._random import check_seed, torch_generator
from trustlab._validate import check_array, check_choice, check_int, check_keys, check_number
from trustlab.lm.corpus import IGNORE, _check_texts, check_tokenizer
from trustlab.lm.model import GPT, GPTConfig, check_model
from trustlab.lm.train import DEFAULT_CONFIG, LMTrainResult, train_lm
from trustlab.training import fit

__all__ = ["MODES", "STUDENT_CONFIG", "distill", "distillation_targets", "train_cda"]

#: How the teacher's next-token probabilities are combined with their counterfactual.
MODES = ("none", "mean", "max", "expmean")
#: The student is half the teacher: one layer, width 32.
STUDENT_CONFIG = {**DEFAULT_CONFIG, "n_layer": 1, "n_head": 2, "d_model": 32}


def train_cda(texts, swap_ratio, *, tokenizer, epochs=10, seed=0, **kwargs) -> LMTrainResult:
    """A model trained on ``texts`` plus swapped copies of a ``swap_ratio`` share of them."""
    from trustlab.fairness import augment

    texts = _check_texts("texts", texts)
    check_tokenizer("tokenizer", tokenizer)
    return train_lm(augment(texts, swap_ratio, seed=seed), tokenizer=tokenizer, epochs=epochs,
                    seed=seed, **kwargs)


class _PerPosition(nn.Module):
    """The kit's ``teacher_targets`` wants ``(contexts, vocab)`` logits: one row per position."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, X):
        return self.model(X).reshape(-1, self.model.config.vocab_size)


@torch.no_grad()
def distillation_targets(teacher, tokenizer, X, mode="none", *, batch_size=512):
    """Teacher next-token probabilities ``(n, T, vocab)`` for inputs ``X``, modified by ``mode``."""
    from trustlab.fairness.counterfactual.role_reversal import teacher_targets

    check_model("teacher", teacher)
    check_tokenizer("tokenizer", tokenizer)
    check_choice("mode", mode, MODES)
    check_int("batch_size", batch_size, 1)
    shape = check_array("X", X, kind="int", ndim=2, min_value=0, max_value=teacher.config.vocab_size - 1).shape
    if shape[1] > teacher.context:
        raise ValueError(f"X has {shape[1]} tokens per row, longer than the teacher's context of {teacher.context}")
    X = torch.as_tensor(X, dtype=torch.int64)
    teacher.eval()
    wrapped = _PerPosition(teacher)
    parts = [teacher_targets(wrapped, tokenizer, X[s:s + batch_size], mode)
             for s in range(0, len(X), batch_size)]
    return torch.cat(parts).view(*X.shape, -1)


def _distillation_loss(Y, soft, alpha):
    def loss(logits, idx):
        y, p = Y[idx], soft[idx]
        logq = torch.log_softmax(logits, dim=-1)
        mask = y != IGNORE
        kl = (p * (torch.log(p.clamp_min(1e-300)) - logq)).sum(-1)
        ce = -logq.gather(-1, y.clamp_min(0)[..., None])[..., 0]
        per_token = (alpha * kl + (1 - alpha) * ce) * mask
        return (per_token.sum(1) / mask.sum(1).clamp_min(1)).mean()

    return loss


def distill(teacher, tokenizer, texts, mode="none", swap_ratio=0.0, *, alpha=0.5, epochs=10,
            lr=3e-3, batch_size=64, config=None, seed=0) -> LMTrainResult:
    """A student distilled from ``teacher`` on ``texts`` with role reversal ``mode`` and CDA.

    Parameters
    ----------
    teacher : GPT
        The (biased) teacher; its next-token distributions are the soft targets.
    mode : {"none", "mean", "max", "expmean"}
        How the teacher's distribution is combined with its gender-swapped counterpart.
    swap_ratio : float in [0, 1]
        Share of ``texts`` that also gets a gender-swapped copy (CDA).
    alpha : float in [0, 1]
        Weight of the KL term (1 − alpha on the next-token cross-entropy).
    config : dict, optional
        Student sizes (default :data:`STUDENT_CONFIG`).

    The loop is :func:`trustlab.training.fit`; its batches carry sentence indices, with which
    the loss looks up each sentence's targets and soft targets.
    """
    from trustlab.fairness import augment

    check_model("teacher", teacher)
    check_tokenizer("tokenizer", tokenizer)
    texts = _check_texts("texts", texts)
    check_choice("mode", mode, MODES)
    swap_ratio = check_number("swap_ratio", swap_ratio, 0, 1)
    alpha = check_number("alpha", alpha, 0, 1)
    check_int("epochs", epochs, 1)
    check_number("lr", lr, 0, None, low_open=True)
    check_int("batch_size", batch_size, 1)
    if config is not None:
        check_keys("config", config, [k for k in STUDENT_CONFIG if k != "vocab_size"])
    check_seed(seed)
    start = time.perf_counter()
    data = augment(list(texts), swap_ratio, seed=seed)
    X, Y = (torch.as_tensor(a) for a in tokenizer.encode(data, teacher.context))
    soft = distillation_targets(teacher, tokenizer, X, mode)
    student = GPT(GPTConfig(len(tokenizer), **{**STUDENT_CONFIG, **(config or {})}), seed=seed + 1)
    loader = DataLoader(TensorDataset(X, torch.arange(len(X))), batch_size=batch_size, shuffle=True,
                        generator=torch_generator(seed + 1))
    optimizer = torch.optim.Adam(student.parameters(), lr=lr)
    loss = fit(student, loader, optimizer, epochs, loss_fn=_distillation_loss(Y, soft, alpha),
               seed=seed)
    student.eval()
    return LMTrainResult(student, tokenizer, epochs, float(loss), float("nan"),
                         time.perf_counter() - start)
