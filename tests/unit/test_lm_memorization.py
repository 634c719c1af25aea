"""Canary exposure, extraction and the defenses of trustlab.lm (Carlini et al. 2019)."""

import itertools
import math

import numpy as np
import pytest
import torch

from trustlab.attacks import Canary, make_canaries
from trustlab.attacks.utterances import DIGITS
from trustlab.lm import GPT, GPTConfig, Tokenizer, log_likelihood, train_lm
from trustlab.lm.memorization import fine_tune
from trustlab.lm.memorization import (canary_exposure, chance_exposure, extract,
                                      secret_log_likelihoods)
from trustlab.lm.train import sequence_loss

WORDS = ["my pin code is", "the door code is", "my bank pin is", "the safe combination is",
         "my locker code is", "my card pin is", "the garage code is", "my phone pin is"]


def _tok():
    return Tokenizer.build(WORDS + [" ".join(DIGITS), "call mum", "play some jazz"])


def test_chance_exposure_is_the_mean_over_uniform_ranks():
    for n in (1, 7, 1000):
        ranks = np.arange(1, n + 1)
        assert math.isclose(chance_exposure(n), float(np.mean(np.log2(n) - np.log2(ranks))),
                            abs_tol=1e-12)
    assert abs(chance_exposure(10**4) - 1 / math.log(2)) < 0.01


def test_tree_likelihoods_equal_full_sentence_likelihoods():
    tok = _tok()
    model = GPT(GPTConfig(len(tok), d_model=16), seed=0)
    alphabet = ("one", "two", "three")
    tree = secret_log_likelihoods(model, tok, "my pin code is", 3, alphabet)
    prefix_ll = log_likelihood(model, tok, ["my pin code is"])[0]
    for i, secret in enumerate(itertools.product(alphabet, repeat=3)):
        X, Y = (torch.as_tensor(a) for a in tok.encode([" ".join(("my pin code is",) + secret)], 16))
        with torch.no_grad():
            logp = torch.log_softmax(model(X), -1)[0]
        secret_ll = sum(float(logp[t, Y[0, t]]) for t in range(4, 7))  # the three secret tokens
        assert math.isclose(tree[i], secret_ll, rel_tol=1e-12, abs_tol=1e-12)
    assert np.isfinite(prefix_ll)


def test_untrained_model_exposure_is_near_chance():
    tok = _tok()
    exposures = []
    for seed in range(5):
        model = GPT(GPTConfig(len(tok), d_model=16), seed=seed)
        exposures += [canary_exposure(model, tok, c) for c in make_canaries(4, seed=seed)]
    assert abs(np.mean(exposures) - chance_exposure(10**4)) < 1.0  # chance: 1.44 of 13.3 bits
    assert max(exposures) < 13.0


def test_memorized_canary_has_maximal_exposure_and_is_extracted():
    tok = _tok()
    canary = make_canaries(1, seed=3)[0]
    run = train_lm([canary.text] * 30 + ["call mum", "play some jazz"], tokenizer=tok, epochs=15,
                   lr=0.01, batch_size=8, config={"d_model": 16}, seed=0)
    assert canary_exposure(run.model, tok, canary) == pytest.approx(math.log2(10**4))
    assert extract(run.model, tok, canary.prefix, 4) == canary.secret
    assert extract(run.model, tok, canary.prefix, 4, beam_width=10) == canary.secret


def test_wide_beam_search_finds_the_most_likely_secret():
    tok = _tok()
    model = GPT(GPTConfig(len(tok), d_model=16), seed=2)
    alphabet = ("one", "two", "three", "four")
    ll = secret_log_likelihoods(model, tok, "my bank pin is", 3, alphabet)
    best = list(itertools.product(alphabet, repeat=3))[int(np.argmax(ll))]
    assert extract(model, tok, "my bank pin is", 3, alphabet=alphabet, beam_width=16) == best


def test_canary_errors_name_the_parameter():
    tok = _tok()
    model = GPT(GPTConfig(len(tok), context=6, d_model=16), seed=0)
    with pytest.raises(ValueError, match="do not fit the model's context of 6"):
        canary_exposure(model, tok, Canary("my pin code is", ("one", "two")))
    with pytest.raises(ValueError, match="beam_width"):
        extract(model, tok, "my pin", 2, beam_width=0)
    from trustlab.lm.memorization_sweep import run_memorization

    with pytest.raises(ValueError, match="repetitions must be an integer in \\[0, 1000\\], got -1"):
        run_memorization(-1)
    with pytest.raises(ValueError, match="defense must be one of"):
        run_memorization(1, "dropout")


def _dp_setup():
    tok = _tok()
    texts = [" ".join(("my pin code is",) + c) for c in itertools.product(DIGITS[:4], repeat=2)]
    return tok, texts * 4


def test_ghost_clipping_on_sequences_equals_per_example_hooks_without_noise():
    from trustlab.privacy.dpsgd import fit_private

    tok, texts = _dp_setup()
    X, Y = tok.encode(texts, 16)
    models = []
    for mode, loss_fn in (("ghost", None), ("hooks", sequence_loss)):
        model = GPT(GPTConfig(len(tok), d_model=16), seed=0).train()
        fit_private(model, X, Y, noise_multiplier=0.0, max_grad_norm=0.05, batch_size=16, epochs=1,
                    lr=0.1, loss_fn=loss_fn, grad_sample_mode=mode, seed=0)
        models.append(model)
    for p, q in zip(models[0].parameters(), models[1].parameters()):
        assert torch.allclose(p, q, rtol=0, atol=1e-10)  # clipping bites (C small), and agrees
    assert not torch.equal(models[0].head.weight, GPT(GPTConfig(len(tok), d_model=16), seed=0).head.weight)


def test_dp_fine_tuning_spends_the_target_epsilon():
    tok, texts = _dp_setup()
    model = GPT(GPTConfig(len(tok), d_model=16), seed=0)
    run = fine_tune(model, tok, texts, "dp_sgd", target_epsilon=8.0, epochs=2, seed=0)
    assert 7.9 <= run.epsilon <= 8.0 and run.noise_multiplier > 0
    assert "epsilon=" in run.summary()
    with pytest.raises(ValueError, match="target_epsilon"):
        fine_tune(model, tok, texts, "dp_sgd", target_epsilon=0.0)
    dedup = fine_tune(model, tok, texts, "dedup", epochs=1, seed=0)
    assert dedup.n_train == len(set(texts)) and math.isinf(dedup.epsilon)
