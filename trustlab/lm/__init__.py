"""Generative models: a small causal transformer trained on this CPU, what it memorizes and whom
it stereotypes.

Canaries planted in its fine-tuning data are measured by exposure and extraction against
defenses (DP-SGD, deduplication, early stopping); the gender of its sampled continuations of
occupation prompts is measured before and after mitigation (counterfactual augmentation,
role-reversal distillation).
"""

from trustlab.lm._stats import compare
from trustlab.lm.corpus import (Tokenizer, assistant_corpus, deduplicate, occupation_corpus,
                                plant_canaries)
from trustlab.lm.model import GPT, GPTConfig, generate, log_likelihood, perplexity
from trustlab.lm.train import LMTrainResult, train_lm

__all__ = ["GPT", "GPTConfig", "LMTrainResult", "Tokenizer", "assistant_corpus", "compare",
           "deduplicate", "generate", "log_likelihood", "occupation_corpus", "perplexity",
           "plant_canaries", "train_lm"]
