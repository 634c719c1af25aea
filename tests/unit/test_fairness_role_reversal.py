"""Role reversal: the teacher-probability modes, the corpus, the bios and the cached sweep."""

import numpy as np
import pytest
import torch
from fairlearn.metrics import true_positive_rate

from trustlab._random import torch_generator
from trustlab.fairness.counterfactual.corpus import CUES, bios, female_share, lm_corpus
from trustlab.fairness.counterfactual.occupation import tpr_by_gender
from trustlab.fairness.counterfactual.role_reversal import MODES, Vocab, WindowLM, teacher_targets
from trustlab.fairness.counterfactual.role_reversal_sweep import SWAP_RATIOS, compute_role_reversal


@pytest.fixture
def toy():
    vocab = Vocab(("<s>", "he", "his", "she", "her", "nurse", "said", "that", "the", "."))
    model = WindowLM(len(vocab.words), 8, 16, torch_generator(0))
    X = torch.tensor([[8, 5, 6], [6, 7, 1], [6, 7, 3], [0, 0, 4]])
    return vocab, model, X


@pytest.mark.parametrize("mode", MODES)
def test_teacher_targets_are_distributions(toy, mode):
    vocab, model, X = toy
    p = teacher_targets(model, vocab, X, mode)
    assert torch.allclose(p.sum(1), torch.ones(len(X)))
    assert (p >= 0).all()


@pytest.mark.parametrize("mode", MODES[1:])
def test_role_reversal_balances_he_and_she_after_a_neutral_context(toy, mode):
    vocab, model, X = toy
    p = teacher_targets(model, vocab, X, mode)
    he, she, his, her = (vocab.index[w] for w in ("he", "she", "his", "her"))
    # "the nurse said" has no gendered word, so swap(x) = x and the swapped view mirrors p.
    assert p[0, he] == pytest.approx(float(p[0, she]), rel=1e-5)
    assert p[0, his] == pytest.approx(float(p[0, her]), rel=1e-5)
    # After "said that he" vs "said that she", the combined targets are mirror images.
    assert p[1, he] == pytest.approx(float(p[2, she]), rel=1e-5)
    plain = teacher_targets(model, vocab, X, "none")
    assert not torch.isclose(plain[0, he], plain[0, she])


def test_mean_mode_is_the_average_of_p_and_its_counterfactual(toy):
    vocab, model, X = toy
    p = torch.softmax(model(X), 1)
    swap = torch.as_tensor(vocab.swap)
    q = torch.softmax(model(swap[X]), 1)[:, swap]
    assert torch.allclose(teacher_targets(model, vocab, X, "mean"), (p + q) / 2)
    geo = torch.sqrt(p * q)
    assert torch.allclose(teacher_targets(model, vocab, X, "expmean"), geo / geo.sum(1, keepdim=True))


def test_corpus_pronouns_follow_the_bls_shares():
    corpus = lm_corpus(300, seed=0)
    shares = female_share()
    for occ in ("carpenter", "lawyer", "nurse"):
        sentences = [s for s in corpus if occ in s]
        she = np.mean([("she" in s) or ("her" in s) for s in sentences])
        assert she == pytest.approx(shares[occ], abs=0.06)


def test_bios_never_name_the_occupation_and_test_bios_are_balanced():
    test = bios(200, balanced=True, seed=1)
    assert not any(occ in words for words, occ, _ in test)
    assert np.mean([g == "female" for *_, g in test]) == pytest.approx(0.5, abs=0.02)


def test_tpr_by_gender_matches_fairlearn():
    rng = np.random.default_rng(0)
    occs = np.array(list(CUES))
    y = rng.choice(occs[:4], 500)
    pred = np.where(rng.random(500) < 0.7, y, rng.choice(occs[:4], 500))
    gender = rng.choice(["female", "male"], 500)
    ours = tpr_by_gender(y, pred, gender, occs[0])
    for g in ("female", "male"):
        m = gender == g
        assert ours[g] == pytest.approx(true_positive_rate(y[m] == occs[0], pred[m] == occs[0]))


def test_sweep_reproduces_the_intrinsic_story():
    from trustlab.stats import separated

    plain = compute_role_reversal("none", 0.0)
    shares = female_share()
    occs = list(shares)
    teacher = {o: np.mean(v) for o, v in plain.teacher["polarity"].items()}
    # The teachers' polarity follows the real shares: female-dominated jobs get "she".
    assert np.corrcoef([teacher[o] for o in occs], [shares[o] for o in occs])[0, 1] < -0.9
    assert len(plain.record["perplexity"]) == 5
    both = compute_role_reversal("mean", 1.0)
    assert both.mean("mean_abs_polarity") < 0.25 * plain.mean("mean_abs_polarity")
    assert separated(both.record["mean_abs_polarity"], plain.record["mean_abs_polarity"])
    cda = compute_role_reversal("none", 1.0)
    assert cda.mean("mean_abs_polarity") < plain.mean("mean_abs_polarity")
    assert len(plain.sweep["records"]) == len(MODES) * len(SWAP_RATIOS)


def test_teacher_reproduces_its_corpus():
    # The teachers' polarity tracks what their own corpora say after the prompts, seed by seed.
    plain = compute_role_reversal("none", 0.0)
    corpus = plain.sweep["corpus_polarity"]
    pairs = [(c, t) for o in corpus for c, t in zip(corpus[o], plain.teacher["polarity"][o])]
    assert np.corrcoef(*zip(*pairs))[0, 1] > 0.9


def test_window_lm_is_a_sequential_train_many_can_stack():
    from trustlab.fairness.counterfactual.role_reversal import WindowLM
    from trustlab.stacked import StackedModel

    m = WindowLM(10, 4, 8, torch_generator(0))
    assert isinstance(m, torch.nn.Sequential)
    s = StackedModel.from_modules([m, WindowLM(10, 4, 8, torch_generator(1))])
    x = torch.tensor([[1, 2, 3]])
    assert torch.allclose(s(x)[0], m(x), atol=1e-6)


def test_bad_inputs():
    with pytest.raises(ValueError, match="mode"):
        compute_role_reversal("median", 0.0)
    with pytest.raises(ValueError, match="swap_ratio"):
        compute_role_reversal("mean", 0.3)
