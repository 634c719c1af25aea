"""Counterfactual data (notebook 31): swap gendered words to augment text, and reverse roles
when a student model is distilled from a biased teacher.

``swaps`` holds the word swaps and augmentation (counterfactual data augmentation, Lu et al.
2018) and ``heldout`` the sentences that measure them; ``role_reversal`` the distillation of
Gupta et al. (2022) on a tiny language model, ``role_reversal_sweep`` (and
``role_reversal_result``) its shipped sweep, and ``corpus``/``occupation`` the bios behind them.
"""

from trustlab.fairness.counterfactual.swaps import augment, swap_gender, tokenize

__all__ = ["augment", "swap_gender", "tokenize"]
