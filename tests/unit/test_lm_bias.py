"""Gender bias in generations and its mitigation (trustlab.lm.bias, trustlab.lm.mitigation)."""

import math

import numpy as np
import pytest
import torch

from trustlab.fairness.counterfactual.corpus import CUES, female_share
from trustlab.lm import GPT, GPTConfig, Tokenizer, occupation_corpus
from trustlab.lm.bias import (classify_gender, equitability, gender_counts, polarity,
                              share_correlation, summarize_counts)
from trustlab.lm.mitigation import STUDENT_CONFIG, distill, distillation_targets


def test_metrics_match_their_definitions():
    assert classify_gender("she said that he finished her report") == "female"
    assert classify_gender("he finished his saw") == "male"
    assert classify_gender("she and he") == "neutral"
    assert polarity(1, 3) == 0.5 and polarity(3, 1) == -0.5 and math.isnan(polarity(0, 0))
    assert equitability(2, 8) == equitability(8, 2) == 0.25
    assert equitability(0, 5) == 0.0 and math.isnan(equitability(0, 0))


def test_share_correlation_is_one_when_generations_follow_the_statistics():
    shares = female_share()
    counts = {o: (round(1000 * s), 1000 - round(1000 * s), 0) for o, s in shares.items()}
    assert share_correlation(counts) == pytest.approx(1.0)
    reversed_counts = {o: (m, f, n) for o, (f, m, n) in counts.items()}
    assert share_correlation(reversed_counts) == pytest.approx(-1.0)
    summary = summarize_counts(counts)
    assert summary["female_share"]["nurse"] == pytest.approx(shares["nurse"], abs=1e-3)
    with pytest.raises(ValueError, match="at least 3 occupations"):
        share_correlation({"nurse": (1, 1, 0)})


@pytest.fixture(scope="module")
def tiny():
    corpus = occupation_corpus(6, seed=0)
    tok = Tokenizer.build(corpus)
    return tok, corpus, GPT(GPTConfig(len(tok), d_model=16), seed=0)


def test_gender_counts_are_seeded_and_complete(tiny):
    tok, _, model = tiny
    counts = gender_counts(model, tok, ["nurse", "carpenter"], n_samples=11, seed=5)
    assert all(sum(c) == 11 for c in counts.values())
    assert counts == gender_counts(model, tok, ["nurse", "carpenter"], n_samples=11, seed=5)
    assert set(gender_counts(model, tok, n_samples=2, max_new_tokens=1)) == set(CUES)


def test_role_reversal_targets_balance_he_and_she_after_a_neutral_prompt(tiny):
    tok, _, model = tiny
    X = torch.as_tensor(tok.encode(["the nurse said that she liked the ward ."], 16)[0])
    plain = distillation_targets(model, tok, X, "none")
    assert plain.shape == (1, 16, len(tok))
    assert torch.allclose(plain.sum(-1), torch.ones(1, 16, dtype=plain.dtype))
    he, she = tok.index["he"], tok.index["she"]
    t = 4  # the position after "<s> the nurse said that": it predicts the pronoun
    assert plain[0, t, he] != plain[0, t, she]
    for mode in ("mean", "max", "expmean"):
        balanced = distillation_targets(model, tok, X, mode)
        assert balanced[0, t, he] == pytest.approx(float(balanced[0, t, she]), rel=1e-12)
        assert torch.allclose(balanced.sum(-1), torch.ones(1, 16, dtype=balanced.dtype))


def test_distill_builds_a_smaller_student_and_validates(tiny):
    tok, corpus, model = tiny
    student = distill(model, tok, corpus, "mean", 0.5, epochs=1, seed=0).model
    assert student.config.n_layer == STUDENT_CONFIG["n_layer"]
    assert student.config.d_model == STUDENT_CONFIG["d_model"]
    with pytest.raises(ValueError, match="swap_ratio must be in \\[0, 1\\], got 1.5"):
        distill(model, tok, corpus, "mean", 1.5)
    with pytest.raises(ValueError, match="mode must be one of"):
        distill(model, tok, corpus, "median")
    assert np.isfinite(student.head.weight.detach().numpy()).all()
