"""The memorization experiment end to end, over seeds, and the cached sweep the explorer reads.

Per seed, a transformer is pre-trained on public text (occupation sentences and a few hundred
assistant commands), then fine-tuned on private assistant commands into which canaries ("my
pin code is …", 4 random digits) are planted ``repetitions`` times, under one of the defenses
of :mod:`trustlab.lm.memorization`. Each canary's exposure (Carlini et al. 2019) and whether beam
search or greedy decoding extracts its secret are measured, with held-out perplexity as the
utility. The pre-trained model is shared by every setting of a seed (memoized), so settings
differ only in the fine-tuning. :func:`memorization_sweep` runs the grid
:data:`REPETITIONS` × defenses × :data:`SEEDS` once and caches it (``python -m
trustlab.lm.make_sweeps`` ships it).
"""

from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlab._random import check_seeds
from trustlab._validate import check_bool, check_choice, check_int
from trustlab.lm._stats import format_ci, mean_ci, run_seeds
from trustlab.lm.corpus import Tokenizer, assistant_corpus, occupation_corpus, plant_canaries
from trustlab.lm.memorization import DEFENSES, fine_tune
from trustlab.lm.memorization import canary_exposure, chance_exposure, extract
from trustlab.lm.model import perplexity
from trustlab.lm.train import train_lm

__all__ = ["REPETITIONS", "SEEDS", "SETTINGS", "MemorizationResult", "compute_memorization",
           "memorization_sweep", "prepare", "run_memorization"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
REPETITIONS = (0, 1, 2, 5, 10, 20, 50)
SEEDS = (0, 1, 2, 3, 4)
SETTINGS = {"public_commands": 300, "public_per_occupation": 30, "private": 1500, "heldout": 300,
            "pretrain_epochs": 8, "finetune_epochs": 8, "n_canaries": 4, "target_epsilon": 8.0,
            "beam_width": 10}


@dataclass(frozen=True)
class MemorizationResult:
    """Exposure, extraction and perplexity of one setting, one value per seed."""

    repetitions: int
    defense: str
    seeds: tuple
    exposure: tuple  # bits, mean over the canaries of each seed's model
    extracted: tuple  # share of canaries whose secret beam search recovers
    greedy: tuple  # share recovered by greedy decoding
    perplexity: tuple  # held-out perplexity
    epsilon: float = math.inf  # ε spent by DP-SGD fine-tuning (inf: no DP)
    max_exposure: float = math.log2(10**4)

    @property
    def chance(self) -> float:
        """Expected exposure of a canary the model never saw (bits)."""
        return chance_exposure(round(2 ** self.max_exposure))

    def interval(self, field="exposure") -> tuple:
        """``(mean, half-width)`` of the 95 % t-interval over seeds of ``field``."""
        check_choice("field", field, ("exposure", "extracted", "greedy", "perplexity"))
        return mean_ci(getattr(self, field))

    def summary(self) -> str:
        """One rounded line with mean ± 95 % interval over seeds."""
        eps = "" if math.isinf(self.epsilon) else f" (epsilon={self.epsilon:.1f})"
        return (f"repetitions={self.repetitions}  defense={self.defense}{eps}  exposure="
                f"{format_ci(self.exposure, 1)} of {self.max_exposure:.1f} bits (chance "
                f"{self.chance:.1f})  extracted={format_ci(self.extracted, 2)}  perplexity="
                f"{format_ci(self.perplexity, 2)}  ({len(self.seeds)} seeds)")


def prepare(seed=0) -> tuple:
    """``(tokenizer, pre-trained model, private commands, held-out commands, canaries)`` of a seed.

    Memoized: every setting of a seed fine-tunes a copy of the same pre-trained model.
    """
    return _prepare(check_int("seed", seed, 0))


@functools.lru_cache(maxsize=8)
def _prepare(seed):
    from trustlab.attacks import make_canaries
    from trustlab.attacks.canaries import PREFIXES
    from trustlab.attacks.utterances import DIGITS

    s = SETTINGS
    public = (occupation_corpus(s["public_per_occupation"], seed=seed)
              + assistant_corpus(s["public_commands"], seed=seed + 1000))
    private = assistant_corpus(s["private"], seed=seed + 2000)
    heldout = assistant_corpus(s["heldout"], seed=seed + 3000)
    canaries = make_canaries(s["n_canaries"], seed=seed)
    tokenizer = Tokenizer.build(public + private + heldout + list(DIGITS) + list(PREFIXES))
    base = train_lm(public, tokenizer=tokenizer, epochs=s["pretrain_epochs"], seed=seed)
    return tokenizer, base.model, private, heldout, canaries


def run_memorization(repetitions=10, defense="none", *, seed=0) -> dict:
    """One seed of one setting: plant, fine-tune with ``defense``, attack; a JSON-able record."""
    r = check_int("repetitions", repetitions, 0, 1000)
    check_choice("defense", defense, DEFENSES)
    tokenizer, base, private, heldout, canaries = prepare(seed)
    model = copy.deepcopy(base)
    texts = plant_canaries(private, canaries, r, seed=seed)
    tuned = fine_tune(model, tokenizer, texts, defense, heldout=heldout,
                      epochs=SETTINGS["finetune_epochs"], target_epsilon=SETTINGS["target_epsilon"],
                      seed=seed)
    width = SETTINGS["beam_width"]
    return {
        "seed": seed, "repetitions": r, "defense": defense,
        "exposures": [canary_exposure(model, tokenizer, c) for c in canaries],
        "beam": [extract(model, tokenizer, c.prefix, len(c.secret), beam_width=width) == c.secret
                 for c in canaries],
        "greedy": [extract(model, tokenizer, c.prefix, len(c.secret)) == c.secret for c in canaries],
        "perplexity": perplexity(model, tokenizer, heldout),
        "epsilon": None if math.isinf(tuned.epsilon) else tuned.epsilon,
        "epochs": tuned.epochs, "n_train": tuned.n_train,
    }


def _result(records) -> MemorizationResult:
    first = records[0]
    eps = [r["epsilon"] for r in records if r["epsilon"] is not None]
    return MemorizationResult(
        first["repetitions"], first["defense"], tuple(r["seed"] for r in records),
        tuple(float(np.mean(r["exposures"])) for r in records),
        tuple(float(np.mean(r["beam"])) for r in records),
        tuple(float(np.mean(r["greedy"])) for r in records),
        tuple(r["perplexity"] for r in records), max(eps) if eps else math.inf)


def compute_memorization(repetitions=10, defense="none", *, seeds=SEEDS, on_seed=None
                         ) -> MemorizationResult:
    """Exposure, extraction and perplexity of one setting over ``seeds`` (computed now).

    ``on_seed(i)`` is called after each seed (progress bars). Each seed costs a pre-training
    (once per process) and a fine-tuning: about 5–15 s of one core.
    """
    seeds = check_seeds(seeds)
    check_int("repetitions", repetitions, 0, 1000)
    check_choice("defense", defense, DEFENSES)
    return _result(run_seeds(lambda seed: run_memorization(repetitions, defense, seed=seed), seeds, on_seed))


def sweep_params(seeds=SEEDS) -> dict:
    """What the memorization sweep depends on (its cache key hashes this and the trustlab version)."""
    from trustlab.lm.memorization import DP_SETTINGS
    from trustlab.lm.train import DEFAULT_CONFIG

    return {"repetitions": list(REPETITIONS), "defenses": list(DEFENSES), "seeds": list(seeds),
            "settings": SETTINGS, "dp": DP_SETTINGS, "model": DEFAULT_CONFIG}


def memorization_sweep(seeds=SEEDS, *, use_cache=True, progress=False) -> dict:
    """``{(defense, repetitions): MemorizationResult}`` over the grid, from the shipped sweep or cache.

    Computing it takes about 15–30 minutes of one core (140 fine-tunings).
    """
    from trustlab.cache import cached

    seeds = check_seeds(seeds)
    check_bool("use_cache", use_cache)
    check_bool("progress", progress)

    def compute():
        from tqdm.auto import tqdm

        jobs = [(s, d, r) for s in seeds for d in DEFENSES for r in REPETITIONS]
        return [run_memorization(r, d, seed=s)
                for s, d, r in tqdm(jobs, desc="memorization", disable=not progress)]

    rows = cached("lm_memorization", sweep_params(seeds), compute, shipped_dir=SWEEP_DIR,
                  use_cache=use_cache)
    out = {}
    for d in DEFENSES:
        for r in REPETITIONS:
            out[d, r] = _result([row for row in rows if row["defense"] == d and row["repetitions"] == r])
    return out

