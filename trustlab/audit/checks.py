"""Input checks of the audit: lengths, 0/1 labels, sensitive features, recipes and their answers.

Each check names the parameter, the value and what is allowed (the kit's rule: never clamp,
never return a wrong number). They are shared by the table loader and the compute functions;
``trustlab._validate`` holds the kit-wide scalar checks they build on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustlab._validate import check_int, check_number

__all__ = ["check_binary", "check_proba", "check_recipe", "check_same_length", "join_columns",
           "recipe_probabilities", "seeded_estimator", "sensitive_frame", "show_values"]


def show_values(values, limit=8) -> str:
    """Up to ``limit`` values as a readable, comma-separated list (for error messages)."""
    if isinstance(values, str) or not np.iterable(values):
        raise TypeError(f"values must be a list of values to show, got {type(values).__name__}")
    limit = check_int("limit", limit, 1)
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    more = f", … ({len(values)} in all)" if len(values) > limit else ""
    return ", ".join(repr(v) for v in values[:limit]) + more


def join_columns(frame, sep=", ") -> np.ndarray:
    """Each row's values joined into one string (the key of an intersectional group), vectorized.

    >>> join_columns(pd.DataFrame({"sex": ["F", "M"], "age": ["<25", "60+"]})).tolist()
    ['F, <25', 'M, 60+']
    """
    if not isinstance(frame, pd.DataFrame) or frame.shape[1] == 0:
        raise TypeError(f"frame must be a pandas DataFrame with at least one column, got {type(frame).__name__}")
    cols = [frame[c].astype(str) for c in frame.columns]
    return cols[0].str.cat(cols[1:], sep=sep).to_numpy(dtype=object) if len(cols) > 1 else \
        cols[0].to_numpy(dtype=object)


def check_same_length(**arrays) -> int:
    """The common length of the named arrays; a ValueError names them and their lengths."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError("misaligned lengths: " + ", ".join(f"{k} has {v}" for k, v in lengths.items())
                         + "; they must describe the same rows")
    n = next(iter(lengths.values()))
    if n == 0:
        raise ValueError(f"{', '.join(lengths)} must not be empty")
    return n


def check_binary(name, values) -> np.ndarray:
    """``values`` as an int64 array of 0/1; a ValueError/TypeError names ``name`` and the values.

    >>> check_binary("y_pred", [True, False, 1]).tolist()
    [1, 0, 1]
    >>> check_binary("y_true", [0, 1, 2])
    Traceback (most recent call last):
    ...
    ValueError: y_true must hold only 0 and 1 (binary), got values 0, 1, 2
    """
    arr = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers 0/1 (or booleans), got dtype {arr.dtype} with "
                        f"values like {show_values(pd.unique(arr)[:3])}; map the labels to 0/1 first")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(f"{name} contains {int(np.isnan(arr).sum())} missing values (NaN)")
    present = np.unique(arr)
    if not set(present.tolist()) <= {0, 1}:
        raise ValueError(f"{name} must hold only 0 and 1 (binary), got values {show_values(present.tolist())}")
    return arr.astype(np.int64)


def sensitive_frame(sensitive_features, n=None) -> pd.DataFrame:
    """Sensitive features as a DataFrame of strings, one column per feature, checked.

    Accepts a 1-d array or Series (one feature), a DataFrame, or a dict of name to array.
    Refuses missing values, a feature with one value and a declared category with no rows.

    >>> sensitive_frame({"sex": ["F", "M"], "age": ["<25", "<25"]})
    Traceback (most recent call last):
    ...
    ValueError: sensitive_features column 'age' has a single value ('<25'); a group needs another
    group to be compared with
    """
    sf = sensitive_features
    if isinstance(sf, pd.Categorical):
        sf = pd.Series(sf, name="group")
    if isinstance(sf, dict):
        sf = pd.DataFrame({str(k): np.asarray(v, dtype=object) if not isinstance(v, pd.Series) else v.to_numpy()
                           for k, v in sf.items()})
    elif isinstance(sf, pd.Series):
        sf = sf.to_frame(name=str(sf.name) if sf.name is not None else "group")
    elif not isinstance(sf, pd.DataFrame):
        arr = np.asarray(sf, dtype=object)
        if arr.ndim != 1:
            raise ValueError("sensitive_features must be 1-d, a DataFrame or a dict of columns, "
                             f"got an array of shape {arr.shape}")
        sf = pd.DataFrame({"group": arr})
    if sf.shape[1] == 0:
        raise ValueError("sensitive_features must have at least one column")
    if n is not None and len(sf) != n:
        raise ValueError(f"misaligned lengths: sensitive_features has {len(sf)} rows, y_true has {n}")
    out = {}
    for name in sf.columns:
        col = sf[name]
        if col.isna().any():
            raise ValueError(f"sensitive_features column {name!r} has {int(col.isna().sum())} "
                             "missing values (NaN/None); drop or fill those rows first")
        declared = list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype) else None
        values = col.astype(str).to_numpy()
        present = pd.unique(values)
        if declared is not None:
            empty = [str(c) for c in declared if str(c) not in set(present)]
            if empty:
                raise ValueError(f"sensitive_features column {name!r} declares groups with zero "
                                 f"examples: {show_values(empty)}; drop them "
                                 "(.cat.remove_unused_categories()) or add their rows")
        if len(present) < 2:
            raise ValueError(f"sensitive_features column {name!r} has a single value "
                             f"({show_values(present)}); a group needs another group to be compared with")
        out[str(name)] = values
    return pd.DataFrame(out)


def seeded_estimator(estimator, seed):
    """A clone of a scikit-learn ``estimator`` whose unset ``random_state`` parameters are ``seed``.

    Repeated calls with the same seed fit the same model (the caller's estimator is untouched).
    """
    from sklearn.base import clone

    from trustlab._random import check_seed

    if not (hasattr(estimator, "get_params") and hasattr(estimator, "fit")):
        raise TypeError(f"estimator must be a scikit-learn estimator (with fit and get_params), got "
                        f"{type(estimator).__name__}")
    if not isinstance(seed, np.random.RandomState):
        check_seed(seed)
    est = clone(estimator)
    params = est.get_params(deep=True)
    for name, value in params.items():  # every random_state left unset gets a derived seed
        if (name == "random_state" or name.endswith("__random_state")) and value is None:
            est.set_params(**{name: seed})
    return est

def check_recipe(module, epochs, lr, batch_size, target_epsilon, delta, max_grad_norm):
    """Check a torch recipe's settings (:func:`trustlab.audit.private.torch_fit_predict`)."""
    from torch import nn

    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module returning logits, got {type(module).__name__}")
    check_int("epochs", epochs, 1, 10_000)
    check_number("lr", lr, 0, None, low_open=True)
    check_int("batch_size", batch_size, 1)
    if target_epsilon is not None:
        check_number("target_epsilon", target_epsilon, 0, 1e3, low_open=True)
    check_number("delta", delta, 0, 1, low_open=True, high_open=True)
    check_number("max_grad_norm", max_grad_norm, 0, None, low_open=True)


def check_proba(proba, n):
    """``fit_predict``'s answer as P(class 1) ``(n,)``; a ValueError if it is not n probabilities."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 2 and proba.shape[1] == 2:
        proba = proba[:, 1]
    if proba.shape != (n,) or not np.all((proba >= 0) & (proba <= 1)):
        raise ValueError(f"fit_predict must return probabilities in [0, 1], one row per example "
                         f"(shape ({n},) or ({n}, 2)), got shape {proba.shape}")
    return proba


def recipe_probabilities(fit_predict, X, y, in_mask, seeds):
    """Probability of class 1 for every row ``(models, n)``; model m trained on the rows ``in_mask[m]``.

    ``fit_predict`` is a scikit-learn estimator, a function ``fit_predict(X_train, y_train,
    X_eval, seed=...)`` or an object with ``fit_predict_many(X, y, in_mask, seeds)`` (a
    :class:`~trustlab.audit.private.TorchRecipe`, which trains all models at once).
    """
    n = len(y)
    if hasattr(fit_predict, "fit_predict_many"):  # a TorchRecipe: all models in one batched call
        proba = np.asarray(fit_predict.fit_predict_many(np.asarray(X), y, in_mask, seeds), dtype=np.float64)
        return np.stack([check_proba(p, n) for p in proba])
    is_estimator = hasattr(fit_predict, "fit") and hasattr(fit_predict, "predict_proba")
    if not is_estimator and not callable(fit_predict):
        raise TypeError("fit_predict must be a scikit-learn estimator with predict_proba or a function "
                        f"fit_predict(X_train, y_train, X_eval, seed=...), got {type(fit_predict).__name__}")
    in_mask = np.asarray(in_mask)
    if in_mask.ndim != 2 or in_mask.shape[1] != n or len(in_mask) != len(seeds):
        raise ValueError(f"in_mask must have shape (len(seeds), len(y)) = ({len(seeds)}, {n}), got {in_mask.shape}")
    out = np.empty(in_mask.shape)
    for m, seed in enumerate(seeds):
        rows = np.flatnonzero(in_mask[m])
        part = X.iloc[rows] if isinstance(X, (pd.DataFrame, pd.Series)) else np.asarray(X)[rows]
        if is_estimator:
            proba = seeded_estimator(fit_predict, seed).fit(part, y[rows]).predict_proba(X)
        else:
            proba = fit_predict(part, y[rows], X, seed=seed)
        out[m] = check_proba(proba, n)
    return out
