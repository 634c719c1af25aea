"""Canaries: exposure on hand-computed cases, the NLU model, insertion and extraction, bad input."""

import math

import numpy as np
import pytest
import torch

from trustlab.attacks.canaries import (candidate_texts, exposure, exposure_from_rank, extract_secret,
                                       extrapolated_exposure, insert_canaries, make_canaries,
                                       sequence_log_likelihood)
from trustlab.attacks.canary_sweep import compute_canary_attack
from trustlab.attacks.nlu import NLUModel, Vocabulary, nlu_loss, train_nlu
from trustlab.attacks.utterances import make_utterances


def test_exposure_hand_cases():
    assert exposure_from_rank(1, 10_000) == pytest.approx(math.log2(10_000))  # 13.29 bits
    assert exposure_from_rank(10, 10_000) == pytest.approx(math.log2(10_000) - math.log2(10))
    assert exposure_from_rank(10_000, 10_000) == 0.0
    # rank = 1 + number of candidates strictly more likely; ties count for the canary
    assert exposure(-1.0, [-1.0, -2.0, -3.0, -0.5]) == pytest.approx(1.0)
    assert exposure(-0.1, [-0.1, -1.0, -2.0, -3.0]) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="rank"):
        exposure_from_rank(0, 10)


def test_extrapolated_exposure_matches_the_fitted_tail():
    sample = np.random.default_rng(0).normal(-20.0, 2.0, 5000)
    assert extrapolated_exposure(-20.0, sample) == pytest.approx(1.0, abs=0.15)  # median: half below
    # 3 standard deviations more likely than typical: P = 0.00135, about 9.5 bits
    assert extrapolated_exposure(-14.0, sample) == pytest.approx(-math.log2(0.00135), abs=0.6)


def test_canaries_and_candidates():
    canaries = make_canaries(3, seed=0)
    assert len({c.prefix for c in canaries}) == 3 and all(len(c.secret) == 4 for c in canaries)
    cands = candidate_texts(canaries[0].prefix)
    assert len(cands) == 10_000 and canaries[0].text in cands
    texts, intents = insert_canaries(["call mum"], ["call"], canaries, 5)
    assert len(texts) == 1 + 15 and texts.count(canaries[2].text) == 5


@pytest.mark.parametrize("bad", [0, -1])
def test_repetitions_must_be_positive(bad):
    with pytest.raises(ValueError, match=r"repetitions must be an integer in \[1, 10000\]"):
        insert_canaries([], [], make_canaries(1), bad)
    with pytest.raises(ValueError, match="repetitions"):
        compute_canary_attack(bad)


def _tiny_model(max_len=8, **kw):
    texts, intents = make_utterances(50, seed=0)
    vocab = Vocabulary.build(texts + ["my pin code is one two three four"])
    return NLUModel(vocab, 6, max_len=max_len, **kw)


def test_canary_longer_than_the_context_is_refused():
    model = _tiny_model(max_len=8)  # holds 6 words; the canary has 8
    with pytest.raises(ValueError, match="longer than the model's context"):
        extract_secret(model, "my pin code is", 4)
    with pytest.raises(ValueError, match="context holds at most"):
        sequence_log_likelihood(model, ["my pin code is one two three four"])
    long_canary = make_canaries(1)
    texts, intents = insert_canaries(*make_utterances(20), long_canary, 1)
    with pytest.raises(ValueError, match="context holds at most"):
        train_nlu(texts, intents, settings={"max_len": 8, "epochs": 1})


@pytest.mark.parametrize("char_embeddings", [False, True])
def test_soft_forward_with_one_hot_words_is_the_forward(char_embeddings):
    model = _tiny_model(max_len=12, char_embeddings=char_embeddings).eval()
    ids = torch.as_tensor(model.vocab.encode(["my pin code is one two", "call mum"], 12))
    intent, lm, _ = model(ids)
    soft = torch.nn.functional.one_hot(ids, len(model.vocab)).float()
    intent2, lm2 = model.forward_soft(soft, ids > 0)
    torch.testing.assert_close(intent, intent2)
    torch.testing.assert_close(lm, lm2)
    assert torch.isfinite(nlu_loss((intent, lm, ids), torch.tensor([5, 1])))
    # log p(sentence) is the sum of its next-word log-probabilities, and below 0
    assert (sequence_log_likelihood(model, ["call mum", "call dad"]) < 0).all()


def test_a_repeated_canary_is_exposed_and_extracted_live():
    r = compute_canary_attack(20, "none", n_canaries=2, n_utterances=600, n_samples=200)
    assert min(r.exposures) > 12.0 and r.success_rate == 1.0
    assert r.test_accuracy > 0.9


def test_shipped_canary_sweep_tells_the_story():
    from trustlab.attacks.canary_sweep import load_canary_sweep

    sweep = load_canary_sweep()
    none1, none20 = sweep["none", None, 1], sweep["none", None, 20]
    assert none20.mean_exposure == pytest.approx(none20.max_exposure) and none20.success_rate == 1.0
    assert none1.mean_exposure < none20.mean_exposure
    for eps in (1.0, 8.0):
        dp1 = sweep["dp_sgd", eps, 1]
        assert dp1.epsilon <= eps + 1e-9
        assert dp1.mean_exposure < none1.mean_exposure and dp1.success_rate == 0.0
        assert dp1.test_accuracy < none1.test_accuracy  # DP spends utility
    assert sweep["dp_sgd", 1.0, 20].mean_exposure < none20.mean_exposure
    assert sweep["char_embeddings", None, 1].mean_exposure < none1.mean_exposure
