"""The causal transformer, its tokenizer, sampling and training loop (trustlab.lm)."""

import math

import numpy as np
import pytest
import torch

from trustlab.lm import (GPT, GPTConfig, Tokenizer, assistant_corpus, deduplicate, generate,
                         occupation_corpus, perplexity, plant_canaries, train_lm)
from trustlab.lm.train import sequence_loss

TEXTS = ["the nurse said that she liked the ward .", "the carpenter said that he liked the saw .",
         "call mum", "play some jazz music"]


def _model(tok, **kw):
    return GPT(GPTConfig(len(tok), **{"context": 12, "d_model": 16, "n_head": 2, **kw}), seed=0)


def test_causal_mask_no_position_sees_the_future():
    tok = Tokenizer.build(TEXTS)
    model = _model(tok).eval()
    x = torch.as_tensor(tok.encode(TEXTS[:2], 12)[0])
    with torch.no_grad():
        before = model(x)
        for t in range(1, 12):
            changed = x.clone()
            changed[:, t:] = (changed[:, t:] + 3) % len(tok)  # perturb every token from t on
            after = model(changed)
            assert torch.equal(after[:, :t], before[:, :t]), f"positions < {t} saw the future"
            assert not torch.equal(after[:, t:], before[:, t:])  # the perturbation does matter


def test_seeded_init_and_float64_by_default():
    tok = Tokenizer.build(TEXTS)
    a, b, c = _model(tok), _model(tok), GPT(GPTConfig(len(tok), context=12, d_model=16), seed=1)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.head.weight, c.head.weight)
    assert a.head.weight.dtype == torch.float64
    assert _model(tok, dtype="float32").head.weight.dtype == torch.float32


def test_config_and_input_errors_name_the_parameter():
    with pytest.raises(ValueError, match="d_model must be a multiple of n_head"):
        GPTConfig(10, d_model=10, n_head=3)
    with pytest.raises(ValueError, match="dtype"):
        GPTConfig(10, dtype="float16")
    tok = Tokenizer.build(TEXTS)
    with pytest.raises(ValueError, match="longer than the model's context of 12 tokens"):
        _model(tok)(torch.zeros(1, 13, dtype=torch.long))


def test_tokenizer_round_trip_and_errors():
    tok = Tokenizer.build(TEXTS)
    X, Y = tok.encode(["call mum"], 5)
    assert X.tolist() == [[1, tok.index["call"], tok.index["mum"], 0, 0]]
    assert Y.tolist() == [[tok.index["call"], tok.index["mum"], 2, -100, -100]]
    assert tok.decode(X[0, 1:].tolist() + [2]) == "call mum"
    with pytest.raises(ValueError, match="texts must not be empty"):
        Tokenizer.build([])
    with pytest.raises(ValueError, match="texts must not be empty"):
        train_lm([])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        tok.ids("call grandma")
    with pytest.raises(ValueError, match="context of 3 tokens holds at most 2"):
        tok.encode(["play some jazz music"], 3)


def test_swap_permutation_is_a_gender_involution():
    tok = Tokenizer.build(occupation_corpus(3, seed=0))
    perm = tok.swap
    assert np.array_equal(perm[perm], np.arange(len(tok)))
    for a, b in (("he", "she"), ("his", "her")):
        assert perm[tok.index[a]] == tok.index[b]
    assert perm[tok.index["nurse"]] == tok.index["nurse"]


def test_sampling_is_seeded_and_validated():
    tok = Tokenizer.build(TEXTS)
    model = _model(tok)
    first = generate(model, tok, "the nurse", n_samples=6, seed=3)
    assert first == generate(model, tok, "the nurse", n_samples=6, seed=3)
    assert first != generate(model, tok, "the nurse", n_samples=6, seed=4)
    top1 = generate(model, tok, "the nurse", n_samples=4, top_k=1, seed=0)
    assert len(set(top1)) == 1  # top-1 sampling is greedy decoding
    for temperature in (0, -1.0):
        with pytest.raises(ValueError, match="temperature must be in"):
            generate(model, tok, "the nurse", temperature=temperature)
    with pytest.raises(ValueError, match="top_k"):
        generate(model, tok, "the nurse", top_k=0)
    long_prompt = "the nurse said that she liked the ward . the ward"
    with pytest.raises(ValueError, match="longer than the model's context"):
        generate(model, tok, long_prompt, max_new_tokens=2)


def test_training_lowers_perplexity_and_early_stopping_keeps_the_best_epoch():
    texts = assistant_corpus(200, seed=0)
    held = assistant_corpus(60, seed=1)
    tok = Tokenizer.build(texts + held)
    untrained = perplexity(_model(tok), tok, held)
    kw = {"tokenizer": tok, "heldout": held, "batch_size": 16, "lr": 0.01, "config": {"d_model": 16}}
    run = train_lm(texts, epochs=3, seed=0, **kw)
    assert run.perplexity < untrained / 4
    again = train_lm(texts, epochs=3, seed=0, **kw)
    assert again.perplexity == run.perplexity  # seeded end to end
    stopped = train_lm(texts, epochs=30, patience=1, seed=0, **{**kw, "lr": 0.05})
    assert 1 <= stopped.epochs < 30
    # the kept weights are those after the best epoch: the same as training that long
    assert stopped.perplexity == train_lm(texts, epochs=stopped.epochs, seed=0,
                                          **{**kw, "lr": 0.05}).perplexity
    with pytest.raises(ValueError, match="patience"):
        train_lm(texts, patience=1)


def test_sequence_loss_is_a_mean_of_per_sentence_means():
    logits = torch.zeros(2, 3, 4, dtype=torch.float64)
    logits[0, 0, 1] = 5.0
    targets = torch.tensor([[1, -100, -100], [2, 3, 0]])
    per = [float(torch.nn.functional.cross_entropy(logits[0, :1], targets[0, :1])),
           float(torch.nn.functional.cross_entropy(logits[1], targets[1]))]
    assert math.isclose(float(sequence_loss(logits, targets)), sum(per) / 2)


def test_canaries_planting_and_dedup():
    from trustlab.attacks import make_canaries

    canaries = make_canaries(2, seed=0)
    planted = plant_canaries(["call mum"] * 3, canaries, 5, seed=0)
    assert len(planted) == 13 and planted.count(canaries[1].text) == 5
    assert plant_canaries(["call mum"], canaries, 0) == ["call mum"]
    with pytest.raises(ValueError, match="repetitions must be an integer in \\[0, inf\\], got -1"):
        plant_canaries(["call mum"], canaries, -1)
    assert deduplicate(planted) == list(dict.fromkeys(planted))
    assert len(deduplicate(planted)) == 3
