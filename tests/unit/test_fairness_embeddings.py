"""WEAT, gender direction, projection-based mitigation and the intrinsic/extrinsic study."""

import numpy as np
import pytest

from trustlab.fairness.text.bios import tpr_gaps
from trustlab.fairness.text.embeddings import (direct_bias, gender_direction, mitigate_projection,
                                               project, weat_association, weat_effect_size)
from trustlab.fairness.text.intrinsic import _setup, compute_study_point, embedding_variant
from trustlab.fairness.text.words import load_gender_words


def test_weat_matches_a_hand_computed_case():
    # X = {(1,0), (1,.2)}, Y = {(0,1), (.2,1)}, A = {(1,0)}, B = {(0,1)}.
    # s(x) = cos(x,A) − cos(x,B): 1, (1 − .2)/√1.04 = .78446, −1, −.78446.
    # mean_X − mean_Y = 1.78446; sample std of the four (mean 0) = √((2 + 2·.78446²)/3) = 1.03777.
    X, Y, A, B = [[1, 0], [1, 0.2]], [[0, 1], [0.2, 1]], [[1, 0]], [[0, 1]]
    s = weat_association(X + Y, A, B)
    assert s == pytest.approx([1, 0.8 / np.sqrt(1.04), -1, -0.8 / np.sqrt(1.04)])
    assert weat_effect_size(X, Y, A, B) == pytest.approx(1.78446 / 1.03777, abs=1e-4)


def test_weat_is_antisymmetric_and_scale_free():
    rng = np.random.default_rng(0)
    X, Y, A, B = (rng.normal(size=(6, 5)) for _ in range(4))
    d = weat_effect_size(X, Y, A, B)
    assert weat_effect_size(Y, X, A, B) == pytest.approx(-d)
    assert weat_effect_size(X, Y, B, A) == pytest.approx(-d)
    assert weat_effect_size(3 * X, Y, A, 0.5 * B) == pytest.approx(d)


def test_weat_errors_name_the_problem():
    with pytest.raises(ValueError, match="Y must have 2 columns"):
        weat_effect_size([[1, 0]], [[1, 0, 0]], [[1, 0]], [[0, 1]])
    with pytest.raises(ValueError, match="undefined"):
        weat_effect_size([[1, 0]], [[1, 0]], [[1, 0]], [[0, 1]])
    with pytest.raises(ValueError, match="non-zero"):
        weat_association([[0, 0]], [[1, 0]], [[0, 1]])


def test_gender_direction_recovers_a_planted_direction():
    rng = np.random.default_rng(1)
    g = rng.normal(size=20)
    g /= np.linalg.norm(g)
    base = rng.normal(size=(8, 20))
    female, male = base + 0.8 * g, base - 0.8 * g
    est = gender_direction(female, male)
    assert est @ g > 0.99  # signed toward the female side


def test_mitigation_strength():
    rng = np.random.default_rng(2)
    g = np.eye(6)[0]
    V = rng.normal(size=(10, 6))
    full = mitigate_projection(V, g, 1.0)
    assert np.abs(project(full, g)).max() < 1e-12
    assert np.allclose(mitigate_projection(V, g, 0.0), V / np.linalg.norm(V, axis=1, keepdims=True))
    half = mitigate_projection(V, g, 0.5)
    # Before renormalizing, half the g-component is left: the g / rest ratio halves.
    rest = lambda M: np.linalg.norm(M[:, 1:], axis=1)  # noqa: E731
    assert np.allclose(half[:, 0] / rest(half), 0.5 * V[:, 0] / rest(V))
    with pytest.raises(ValueError, match=r"strength must be in \[0, 1\], got 1.5"):
        mitigate_projection(V, g, 1.5)
    with pytest.raises(ValueError, match="direction has 3 dims"):
        mitigate_projection(V, [1, 0, 0], 0.5)


def test_shipped_vectors_show_the_classic_projection():
    gw = load_gender_words()
    _, g, _ = _setup()
    nurse, surgeon = project(gw.vec(["nurse", "surgeon"]), g)
    assert nurse > 0.2 > 0 > surgeon  # + is "she"
    profs = list(gw.professions)
    r = np.corrcoef(project(gw.vec(profs), g), [gw.professions[p] for p in profs])[0, 1]
    assert r < -0.5  # Bolukbasi's crowd scores: + is male-stereotyped
    assert 0 < direct_bias(gw.vec(profs), g) < 0.2


def test_embedding_variant_keeps_gender_words_and_skews_the_rest():
    gw, g, neutral = _setup()
    skewed = embedding_variant(0.0, 2.0)
    assert np.array_equal(skewed[~neutral], gw.vectors[~neutral])
    before = np.abs(gw.vectors[neutral] @ g).mean()
    assert np.abs(skewed[neutral] @ g).mean() > 1.5 * before
    with pytest.raises(ValueError, match="corpus_skew"):
        embedding_variant(0.0, -1.0)


def test_tpr_gaps_agree_with_fairlearn():
    from trustlab.fairness.groups.metrics import group_metrics

    rng = np.random.default_rng(3)
    y, pred = rng.integers(3, size=300), rng.integers(3, size=300)
    female = rng.random(300) < 0.5
    gaps = tpr_gaps(y, pred, female, 3)
    sex = np.where(female, "F", "M")
    for k in range(3):
        t = group_metrics((y == k).astype(int), (pred == k).astype(int), sex).table["tpr"]
        assert gaps[k] == pytest.approx(t["F"] - t["M"])
    with pytest.raises(ValueError, match="both genders"):
        tpr_gaps([0, 1], [0, 1], [True, True], 2)


def test_study_point_reads_the_shipped_sweep_quickly():
    import time

    compute_study_point(0.0, 0.0)  # warm the file read
    start = time.perf_counter()
    p = compute_study_point(0.5, 1.0)
    assert time.perf_counter() - start < 1.0
    assert len(p.study.table) == 20 and len(p.row["seeds"]) == 5
    assert p.direct_bias < compute_study_point(0.0, 1.0).direct_bias
    assert "variants: r(WEAT, TPR gap)=" in p.summary() and "±" in p.summary()
    # Same seeds for every variant: strength 1 removes the g-component whatever the skew.
    full = [compute_study_point(1.0, k).row["tpr_gap"] for k in (0.0, 0.5, 1.0, 2.0)]
    assert all(f == full[0] for f in full)
    with pytest.raises(ValueError, match="strength must be one of"):
        compute_study_point(0.3, 0.0)


def test_shipped_gender_words_match_the_readme_checksum():
    import hashlib
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "datasets" / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"\| `gender_words\.npz` \| [\d,]+ \| `([0-9a-f]{64})` \|", readme)
    digest = hashlib.sha256((root / "datasets" / "gender_words.npz").read_bytes()).hexdigest()
    assert listed == [digest], "rebuild with datasets/build.py --only gender_words, update README"
