"""Intrinsic bias of word embeddings: WEAT, gender-direction projections, projection-based mitigation.

WEAT: Caliskan, Bryson & Narayanan (2017, Science). Gender direction, direct bias and the
"neutralize" step of projection-based mitigation: Bolukbasi et al. (2016, NeurIPS). Pure numpy:
every function takes arrays of unit word vectors and returns numbers or arrays.
"""

from __future__ import annotations

import numpy as np

from trustlab._validate import check_number

__all__ = ["direct_bias", "gender_direction", "mitigate_projection", "project", "weat_association",
           "weat_effect_size", "weat_test"]


def _matrix(name, x, dim=None):
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 2-d array of numbers (words x dims), got "
                        f"{np.asarray(x).dtype} values like {str(np.asarray(x).ravel()[:2])[:40]}") from None
    if arr.ndim != 2 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty 2-d array (words x dims), got shape {arr.shape}")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"{name} must have {dim} columns like the other word sets, got {arr.shape[1]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers")
    return arr


def _unit(x, name="vectors"):
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    if np.any(norm == 0):
        raise ValueError(f"{name} must be non-zero (cosine similarity is undefined for 0)")
    return x / norm


def weat_association(W, A, B) -> np.ndarray:
    """s(w, A, B) = mean cos(w, a) − mean cos(w, b) for each row w of ``W``.

    0 means the word is as close to attribute set A as to B.

    >>> weat_association([[1.0, 0.0]], [[1.0, 0.0]], [[0.0, 1.0]]).tolist()
    [1.0]
    """
    W = _matrix("W", W)
    A, B = _matrix("A", A, W.shape[1]), _matrix("B", B, W.shape[1])
    W, A, B = _unit(W), _unit(A), _unit(B)
    return (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)


def weat_effect_size(X, Y, A, B) -> float:
    """WEAT effect size d: how much more target set X associates with A (vs B) than Y does.

    d = (mean_x s(x, A, B) − mean_y s(y, A, B)) / std_{w in X ∪ Y} s(w, A, B), with the sample
    standard deviation (ddof=1). 0 means no differential association; |d| ≤ 2 for equal set sizes;
    Caliskan et al. report d = 1.81 for career/family vs male/female names (on GloVe).

    Examples
    --------
    >>> X, Y = [[1.0, 0.0], [1.0, 0.2]], [[0.0, 1.0], [0.2, 1.0]]
    >>> round(weat_effect_size(X, Y, [[1.0, 0.0]], [[0.0, 1.0]]), 3)
    1.72
    """
    X = _matrix("X", X)
    Y = _matrix("Y", Y, X.shape[1])
    s = weat_association(np.vstack([X, Y]), A, B)
    sx, sy = s[: len(X)], s[len(X):]
    spread = np.std(s, ddof=1)
    if spread == 0:
        raise ValueError("every target word has the same association: the effect size is undefined")
    return float((sx.mean() - sy.mean()) / spread)


def weat_test(vectors_of, test) -> float:
    """Effect size of a WEAT test given as four word sets, looked up with ``vectors_of(words)``.

    >>> from trustlab.fairness.text.words import load_gender_words
    >>> gw = load_gender_words()
    >>> round(weat_test(gw.vec, gw.weat["career_family"]), 2)
    1.19
    """
    if not callable(vectors_of):
        raise TypeError(f"vectors_of must be a function words -> vectors, got {type(vectors_of).__name__}")
    if not isinstance(test, (tuple, list)) or len(test) != 4:
        raise TypeError(f"test must be four word sets (X, Y, A, B), got {test!r:.60}")
    X, Y, A, B = (vectors_of(part["words"]) for part in test)
    return weat_effect_size(X, Y, A, B)


def gender_direction(female, male) -> np.ndarray:
    """Unit gender direction g: first principal component of the centred definitional pairs.

    Each pair (f, m) contributes f − μ and m − μ with μ their mean (Bolukbasi et al. 2016); g is
    signed so that female words project positively.

    >>> g = gender_direction([[1.0, 1.0], [1.0, -1.0]], [[-1.0, 1.0], [-1.0, -1.0]])
    >>> np.round(g, 6).tolist()
    [1.0, 0.0]
    """
    F = _matrix("female", female)
    M = _matrix("male", male, F.shape[1])
    if len(F) != len(M):
        raise ValueError(f"female and male must pair up, got {len(F)} and {len(M)} rows")
    F, M = _unit(F), _unit(M)
    mu = (F + M) / 2
    centred = np.vstack([F - mu, M - mu])
    g = np.linalg.svd(centred, full_matrices=False)[2][0]
    return g if g @ (F - M).sum(axis=0) >= 0 else -g


def project(vectors, direction) -> np.ndarray:
    """Cosine of each word vector with ``direction`` (+ toward the female side of g).

    >>> project([[3.0, 4.0]], [1.0, 0.0]).tolist()
    [0.6]
    """
    V = _unit(_matrix("vectors", vectors))
    g = _unit(_matrix("direction", np.reshape(direction, (1, -1))), "direction")[0]
    if g.shape[0] != V.shape[1]:
        raise ValueError(f"direction has {g.shape[0]} dims, vectors have {V.shape[1]}")
    return V @ g


def direct_bias(vectors, direction, c=1.0) -> float:
    """Bolukbasi's direct bias: mean |cos(w, g)|^c over (gender-neutral) words. 0 means none.

    >>> direct_bias([[1.0, 0.0], [0.0, 1.0]], [1.0, 0.0])
    0.5
    """
    c = check_number("c", c, 0, None, low_open=True)
    return float(np.mean(np.abs(project(vectors, direction)) ** c))


def mitigate_projection(vectors, direction, strength=1.0) -> np.ndarray:
    """Projection-based mitigation ("neutralize"): remove ``strength`` of each row's g-component.

    w' = (w − strength · (w·g) g) / ‖·‖. ``strength=1`` is Bolukbasi et al.'s neutralize step
    (cos(w', g) = 0 for every row); 0 leaves the vectors unchanged. Apply it to gender-neutral
    words only; definitional words keep their gender. The "equalize" step is not applied.

    >>> out = mitigate_projection([[0.6, 0.8]], [1.0, 0.0], strength=1.0)
    >>> np.round(out, 6).tolist()
    [[0.0, 1.0]]
    """
    strength = check_number("strength", strength, 0, 1)
    V = _unit(_matrix("vectors", vectors))
    g = _unit(np.asarray(direction, dtype=np.float64).reshape(1, -1))[0]
    if g.shape[0] != V.shape[1]:
        raise ValueError(f"direction has {g.shape[0]} dims, vectors have {V.shape[1]}")
    out = V - strength * np.outer(V @ g, g)
    return _unit(out)
