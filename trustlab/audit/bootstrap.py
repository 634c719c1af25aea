"""Bootstrap 95 % intervals for audit metrics: rows redrawn within strata, metrics from weights.

The nonparametric bootstrap (Efron 1979; Efron & Tibshirani, *An Introduction to the Bootstrap*,
1993, ch. 13) "draws B samples of size n with replacement from the data" and reads a
percentile interval off the B recomputed statistics. The kit redraws rows *within strata*
(each sensitive group, or members and non-members), so a resample keeps every group's size,
and encodes a resample as integer row weights: metrics are weighted sums, so all B resamples
are evaluated at once, the same weights serve several models (paired comparisons), and
integer weights make the sums exact (the same digits on every CPU).
"""

from __future__ import annotations

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_int, check_number

__all__ = ["confusion_counts", "largest_difference", "mean_interval", "percentile_interval",
           "rates_from_counts", "roc_replicates", "row_weights", "weighted_auc", "weighted_tpr_at_fpr"]


def row_weights(strata, n_boot, seed=0) -> np.ndarray:
    """Bootstrap weights ``(n_boot, n)``: how often each row is drawn, rows redrawn within strata.

    Each stratum of ``n_s`` rows receives exactly ``n_s`` draws in every resample.

    >>> w = row_weights([0, 0, 0, 1, 1], n_boot=4, seed=0)
    >>> w.shape, w[:, :3].sum(axis=1).tolist(), w[:, 3:].sum(axis=1).tolist()
    ((4, 5), [3, 3, 3, 3], [2, 2, 2, 2])
    """
    strata = check_array("strata", strata, kind="any", ndim=1)
    n_boot = check_int("n_boot", n_boot, 1)
    rng = numpy_rng(seed)
    _, codes = np.unique(strata, return_inverse=True)
    weights = np.zeros((n_boot, len(strata)), dtype=np.int32)
    for code in range(codes.max() + 1 if len(codes) else 0):
        rows = np.flatnonzero(codes == code)
        draws = rng.integers(0, len(rows), size=(n_boot, len(rows)))
        flat = (draws + np.arange(n_boot)[:, None] * len(rows)).ravel()
        weights[:, rows] = np.bincount(flat, minlength=n_boot * len(rows)).reshape(n_boot, len(rows))
    return weights


def confusion_counts(weights, y_true, y_pred, groups, n_groups) -> np.ndarray:
    """Weighted confusion counts ``(..., n_groups, 4)`` as (TP, FP, FN, TN) per group.

    ``weights`` is ``(n,)`` or ``(B, n)``; ``groups`` holds integer codes ``0..n_groups-1``.
    Integer weights give exact counts (float64 sums of integers below 2**53).

    >>> confusion_counts(np.ones(4), [1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 1, 1], 2).tolist()
    [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """
    n_groups = check_int("n_groups", n_groups, 1)
    groups = check_array("groups", groups, kind="int", ndim=1, nonempty=False, min_value=0, max_value=n_groups - 1)
    y_true, y_pred = (check_array(k, v, kind="bool", ndim=1, nonempty=False, length=len(groups), length_name="groups")
                      for k, v in (("y_true", y_true), ("y_pred", y_pred)))
    cell = groups * 4 + np.select(
        [y_true & y_pred, ~y_true & y_pred, y_true & ~y_pred], [0, 1, 2], default=3)
    onehot = np.zeros((len(cell), 4 * n_groups))
    onehot[np.arange(len(cell)), cell] = 1.0
    counts = np.asarray(weights, dtype=np.float64) @ onehot
    return counts.reshape(*counts.shape[:-1], n_groups, 4)


def rates_from_counts(counts) -> dict:
    """Selection rate, TPR, FPR and accuracy from ``(..., 4)`` counts; NaN where undefined.

    TPR is undefined (NaN, not 0) for a group without positives, FPR for one without negatives.

    >>> r = rates_from_counts(np.array([3.0, 1.0, 1.0, 5.0]))
    >>> [float(r[k]) for k in ("count", "selection_rate", "tpr", "fpr", "accuracy")]
    [10.0, 0.4, 0.75, 0.16666666666666666, 0.8]
    >>> bool(np.isnan(rates_from_counts(np.array([0.0, 1.0, 0.0, 1.0]))["tpr"]))
    True
    """
    counts = check_array("counts", counts, min_value=0)
    if counts.shape[-1:] != (4,):
        raise ValueError(f"counts must have shape (..., 4) for (TP, FP, FN, TN), got {counts.shape}")
    tp, fp, fn, tn = np.moveaxis(counts, -1, 0)
    n, pos, neg = tp + fp + fn + tn, tp + fn, fp + tn
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"count": n, "selection_rate": np.where(n > 0, (tp + fp) / n, np.nan),
                "tpr": np.where(pos > 0, tp / pos, np.nan), "fpr": np.where(neg > 0, fp / neg, np.nan),
                "accuracy": np.where(n > 0, (tp + tn) / n, np.nan)}


def largest_difference(point, replicates, metrics, groups) -> tuple:
    """Largest-minus-smallest difference of a metric over groups, and its bootstrap replicates.

    The two groups are picked by their point values and held fixed in every replicate, so the
    replicates scatter around the point difference (and straddle zero when the groups do not
    differ). With two metrics (TPR, FPR: equalized odds) the value is the larger difference and
    each replicate the larger of the two. Fewer than two groups with a defined value give NaN.

    Returns ``(value, replicates, higher_group, lower_group)``.

    >>> point = {"tpr": np.array([0.5, 0.8])}
    >>> v, reps, hi, lo = largest_difference(point, {"tpr": np.array([[0.4, 0.9]])}, ("tpr",), ["a", "b"])
    >>> round(float(v), 3), reps.round(3).tolist(), hi, lo
    (0.3, [0.5], 'b', 'a')
    """
    missing = [m for m in metrics if m not in point or m not in replicates]
    if missing:
        raise ValueError(f"metrics {missing} must be keys of both point and replicates, got {list(point)}")
    parts = []
    for m in metrics:
        p = np.asarray(point[m], dtype=np.float64)
        if np.sum(~np.isnan(p)) < 2:
            return np.nan, np.full(np.asarray(replicates[m]).shape[0], np.nan), "", ""
        hi, lo = int(np.nanargmax(p)), int(np.nanargmin(p))
        parts.append((p[hi] - p[lo], replicates[m][:, hi] - replicates[m][:, lo], groups[hi], groups[lo]))
    best = max(range(len(parts)), key=lambda i: parts[i][0])
    rep = parts[0][1]
    for other in parts[1:]:
        rep = np.fmax(rep, other[1])
    return float(parts[best][0]), rep, parts[best][2], parts[best][3]


def mean_interval(values, level=0.95) -> tuple[float, float]:
    """``(mean, half_width)`` of a Student-t interval over a few seeds' results.

    >>> m, h = mean_interval([0.80, 0.82, 0.81])
    >>> round(m, 3), round(h, 3)
    (0.81, 0.025)
    """
    from scipy.stats import t

    values = check_array("values", values, ndim=1, nonempty=False)
    level = check_number("level", level, 0, 1, low_open=True, high_open=True)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"values must hold at least two seeds' results, got {values.tolist()!r}")
    half = t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return float(values.mean()), float(half)


def percentile_interval(replicates, level=0.95) -> tuple[np.ndarray, np.ndarray]:
    """``(low, high)`` percentile interval over axis 0 of bootstrap replicates (NaNs ignored).

    >>> lo, hi = percentile_interval(np.arange(101.0))
    >>> float(lo), float(hi)
    (2.5, 97.5)
    """
    level = check_number("level", level, 0, 1, low_open=True, high_open=True)
    tail = 50 * (1 - level)
    reps = np.asarray(replicates, dtype=np.float64)
    if reps.ndim == 0 or reps.shape[0] == 0:
        raise ValueError(f"replicates must have at least one row, got shape {reps.shape}")
    all_nan = np.all(np.isnan(reps), axis=0)
    filled = np.where(all_nan, 0.0, reps)
    lo, hi = np.nanpercentile(filled, [tail, 100 - tail], axis=0)
    return np.where(all_nan, np.nan, lo), np.where(all_nan, np.nan, hi)


def _check_scores(scores, positive):
    """``scores`` as finite floats (1-d) and ``positive`` as booleans of the same length."""
    scores = check_array("scores", scores, ndim=1)
    return scores, check_array("positive", positive, kind="bool", ndim=1, length=len(scores), length_name="scores")


def _blocks(scores, positive):
    """Sort by score (ascending) and mark tie blocks: ``(order, block_end, is_pos_sorted)``."""
    order = np.argsort(scores, kind="stable")
    s = np.asarray(scores)[order]
    ends = np.flatnonzero(np.append(s[1:] != s[:-1], True))
    return order, ends, np.asarray(positive, bool)[order]


def _block_sums(weights, mask, order, ends):
    """Weight of the ``mask`` rows in each tie block: ``(..., n_blocks)``."""
    w = np.asarray(weights, dtype=np.float64)[..., order] * mask
    through = np.cumsum(w, axis=-1)[..., ends]
    return np.diff(through, axis=-1, prepend=0.0)


def weighted_auc(scores, positive, weights=None) -> np.ndarray:
    """ROC AUC of "positive if score is high" under row weights (0.5 is chance, 1 perfect).

    Mann-Whitney form with ties counted half; ``weights`` ``(n,)`` or ``(B, n)`` (default 1).
    Equals ``sklearn.metrics.roc_auc_score(positive, scores, sample_weight=weights)``.

    >>> float(weighted_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]))
    0.75
    """
    scores, positive = _check_scores(scores, positive)
    weights = np.ones(len(scores)) if weights is None else weights
    order, ends, pos = _blocks(scores, positive)
    wp, wn = _block_sums(weights, pos, order, ends), _block_sums(weights, ~pos, order, ends)
    below = np.cumsum(wn, axis=-1) - wn
    with np.errstate(invalid="ignore", divide="ignore"):
        return (wp * (below + 0.5 * wn)).sum(axis=-1) / (wp.sum(axis=-1) * wn.sum(axis=-1))


def weighted_tpr_at_fpr(scores, positive, max_fpr, weights=None) -> np.ndarray:
    """The largest TPR whose FPR is at most ``max_fpr``, thresholds between tie blocks, weighted.

    Same convention as :func:`trustlab.attacks.membership.tpr_at_fpr` on scikit-learn's ROC
    curve: "positive if score >= threshold" at each distinct score, plus the empty selection.

    >>> float(weighted_tpr_at_fpr([0.9, 0.8, 0.7, 0.3, 0.2], [1, 1, 0, 1, 0], 0.0))
    0.6666666666666666
    """
    max_fpr = check_number("max_fpr", max_fpr, 0, 1)
    scores, positive = _check_scores(scores, positive)
    scores = -scores  # ascending order of -score = descending score
    weights = np.ones(len(scores)) if weights is None else weights
    order, ends, pos = _blocks(scores, positive)
    tp = np.cumsum(_block_sums(weights, pos, order, ends), axis=-1)
    fp = np.cumsum(_block_sums(weights, ~pos, order, ends), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        tpr, fpr = tp / tp[..., -1:], fp / fp[..., -1:]
    return np.where(fpr <= max_fpr, tpr, 0.0).max(axis=-1)


def _first_within(nt, max_fpr):
    """Smallest integer x with ``(nt - x) / nt <= max_fpr`` in float64 (the FPR test, per row)."""
    x = np.ceil(nt - max_fpr * nt)
    for _ in range(3):  # the float test is monotone in x: step to its exact edge
        x = np.where((nt - (x - 1)) / nt <= max_fpr, x - 1, x)
        x = np.where((nt - x) / nt <= max_fpr, x, x + 1)
    return x


def roc_replicates(scores, positive, weights, max_fprs=(), *, row_of=None, chunk=25):
    """AUC and TPR at each FPR in ``max_fprs`` for every row of ``weights``, sorting only once.

    The same numbers as :func:`weighted_auc` and :func:`weighted_tpr_at_fpr`, for many
    resamples of many scores: ``weights`` is ``(B, m)`` integers and score ``k`` takes the weight
    of column ``row_of[k]`` (default ``k``), so scores of one row under several models share it.
    Positives and negatives are summed apart in integers (exact, so the same on every CPU),
    and the largest TPR within an FPR is found by bisection, not by scanning every threshold.
    Returns ``(auc (B,), tpr (len(max_fprs), B))``.

    >>> auc, tpr = roc_replicates([0.9, 0.8, 0.7, 0.3], [1, 0, 1, 0], np.ones((2, 2), int), (0.5,),
    ...                           row_of=[0, 1, 0, 1])
    >>> auc.tolist(), tpr.tolist()
    ([0.75, 0.75], [[1.0, 1.0]])
    """
    scores, positive = _check_scores(scores, positive)
    max_fprs = [check_number("max_fprs", a, 0, 1) for a in max_fprs]
    chunk = check_int("chunk", chunk, 1)
    order, ends, pos = _blocks(scores, positive)
    cols = order if row_of is None else np.asarray(row_of)[order]
    weights = np.asarray(weights)
    if weights.dtype.kind not in "iub" and not np.array_equal(weights, np.round(weights)):
        raise ValueError("weights must be integer counts (row_weights gives them)")
    if weights.size and (weights.min() < 0 or weights.sum(axis=1).max() * max(len(scores) // weights.shape[1], 1)
                         >= 2**31):
        raise ValueError("weights must be non-negative counts whose totals fit in int32")
    weights = weights.astype(np.int32)  # every partial sum is below 2**31: exact and half the memory
    through_p = np.cumsum(pos)[ends]  # positives (unweighted) up to each tie block's end
    through_n = ends + 1 - through_p
    aucs, tprs = [], []
    for start in range(0, len(weights), chunk):
        w = weights[start:start + chunk]
        zero = np.zeros((len(w), 1), dtype=np.int32)
        # cumulative weight of positives / negatives up to each block's end, and before its start
        P = np.concatenate([zero, np.cumsum(w[:, cols[pos]], axis=1)], axis=1)[:, through_p]
        N = np.concatenate([zero, np.cumsum(w[:, cols[~pos]], axis=1)], axis=1)[:, through_n]
        P0, N0 = np.concatenate([zero, P[:, :-1]], axis=1), np.concatenate([zero, N[:, :-1]], axis=1)
        total_p, total_n = P[:, -1].astype(np.float64), N[:, -1].astype(np.float64)
        # Mann-Whitney with ties counted half: sum over blocks of wp * (N0 + N) / 2 (integers < 2**53)
        twice = np.einsum("ij,ij->i", P - P0, N0 + N, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            aucs.append(0.5 * twice / (total_p * total_n))
            # "member if score >= block j" keeps FPR (total_n - N0_j) / total_n, TPR (total_p - P0_j) / total_p
            rows = []
            for a in max_fprs:
                edge = _first_within(total_n, a)
                j = np.array([np.searchsorted(n0, e, side="left") for n0, e in zip(N0, edge)])
                inside = j < N0.shape[1]
                p0 = P0[np.arange(len(w)), np.minimum(j, N0.shape[1] - 1)]
                rows.append(np.where(inside, (total_p - p0) / total_p, 0.0))
        tprs.append(rows)
    return np.concatenate(aucs), np.concatenate(tprs, axis=1) if max_fprs else np.empty((0, len(weights)))
