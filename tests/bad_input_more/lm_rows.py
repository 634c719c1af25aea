"""Bad-input rows: lm_rows (see tests/bad_input_cases.py for the row format).

The language-model area (``trustlab.lm``). Every object a row needs (a tokenizer, an untrained
tiny transformer, a canary, hand-made results) is built lazily and cached, and no row trains:
bad input is refused before any work.
"""

import functools
import math

import numpy as np

from tests.bad_input_cases import row

NAN, INF = math.nan, math.inf
A = "lm"


def _m(name):
    import importlib

    return importlib.import_module(f"trustlab.lm.{name}")


@functools.lru_cache(maxsize=None)
def _tok():
    return _m("corpus").Tokenizer.build(["the nurse said that she", "he said", "my pin code is",
                                         "zero one two three four five six seven eight nine"])


@functools.lru_cache(maxsize=None)
def _gpt():
    mo = _m("model")
    return mo.GPT(mo.GPTConfig(len(_tok()), context=16, n_layer=1, n_head=1, d_model=8), seed=0)


@functools.lru_cache(maxsize=None)
def _canary():
    from trustlab.attacks import make_canaries

    return make_canaries(1, seed=0)[0]


def _mem_result(defense="none", repetitions=1):
    return _m("memorization_sweep").MemorizationResult(repetitions, defense, (0, 1), (5.0, 6.0), (0.0, 0.5),
                                                       (0.0, 0.0), (3.0, 3.1))


def _mem_sweep():
    return {(d, r): _mem_result(d, r) for d in ("none", "dp_sgd") for r in (0, 1)}


def _bias_result(mode="teacher", ratio=0.0):
    counts = {o: (3 + i % 5, 7 - i % 5, 1) for i, o in enumerate(("nurse", "carpenter", "editor", "baker"))}
    return _m("bias_sweep").BiasResult(mode, ratio, (0, 1), (counts, counts), (3.0, 3.2))


def _bias_sweep():
    return {(m, r): _bias_result(m, r) for m in ("teacher", "none") for r in (0.0, 1.0)}


def gen(**kw):
    args = {"model": _gpt(), "tokenizer": _tok(), "prompt": "the nurse said", **kw}
    return _m("model").generate(args.pop("model"), args.pop("tokenizer"), args.pop("prompt"), **args)


# --- model.py ------------------------------------------------------------------------------------
row(A, "GPTConfig(vocab_size=2)", "vocab_size", lambda: _m("model").GPTConfig(2))
row(A, "GPTConfig(context=2.5)", "context", lambda: _m("model").GPTConfig(10, context=2.5))
row(A, "GPTConfig(n_layer=0)", "n_layer", lambda: _m("model").GPTConfig(10, n_layer=0))
row(A, "GPTConfig(dtype='float16')", "dtype", lambda: _m("model").GPTConfig(10, dtype="float16"))
row(A, "GPT(config=dict)", "config", lambda: _m("model").GPT({"vocab_size": 10}))
row(A, "GPT(seed=-1)", "seed", lambda: _m("model").GPT(_m("model").GPTConfig(10, d_model=8), seed=-1))
row(A, "generate(model='x')", "model", lambda: gen(model="x"))
row(A, "generate(tokenizer=['he'])", "tokenizer", lambda: gen(tokenizer=["he"]))
row(A, "generate(prompt=5)", "prompt", lambda: gen(prompt=5))
row(A, "generate(prompt with an unknown word)", "prompt", lambda: gen(prompt="the zebra said"))
row(A, "generate(prompt longer than the context)", "prompt", lambda: gen(prompt="he said " * 6))
row(A, "generate(temperature=0)", "temperature", lambda: gen(temperature=0))
row(A, "generate(temperature=-1)", "temperature", lambda: gen(temperature=-1.0))
row(A, "generate(temperature=nan)", "temperature", lambda: gen(temperature=NAN))
row(A, "generate(temperature=inf)", "temperature", lambda: gen(temperature=INF))
row(A, "generate(n_samples=0)", "n_samples", lambda: gen(n_samples=0))
row(A, "generate(n_samples=10**9)", "n_samples", lambda: gen(n_samples=10**9))
row(A, "generate(max_new_tokens=2.0)", "max_new_tokens", lambda: gen(max_new_tokens=2.0))
row(A, "generate(max_new_tokens=True)", "max_new_tokens", lambda: gen(max_new_tokens=True))
row(A, "generate(top_k=0)", "top_k", lambda: gen(top_k=0))
row(A, "generate(top_k=10**6)", "top_k", lambda: gen(top_k=10**6))
row(A, "generate(seed=-1)", "seed", lambda: gen(seed=-1))
row(A, "generate(seed=1.5)", "seed", lambda: gen(seed=1.5))
row(A, "token_nll(batch_size=0)", "batch_size", lambda: _m("model").token_nll(_gpt(), _tok(), ["he said"], batch_size=0))
row(A, "token_nll(texts one string)", "texts", lambda: _m("model").token_nll(_gpt(), _tok(), "he said"))
row(A, "log_likelihood(texts=[])", "texts", lambda: _m("model").log_likelihood(_gpt(), _tok(), []))
row(A, "log_likelihood(model=None)", "model", lambda: _m("model").log_likelihood(None, _tok(), ["he said"]))
row(A, "perplexity(texts with an unknown word)", "texts", lambda: _m("model").perplexity(_gpt(), _tok(), ["the zebra"]))
row(A, "perplexity(texts longer than the context)", "texts",
    lambda: _m("model").perplexity(_gpt(), _tok(), ["he said " * 9]))
row(A, "perplexity(tokenizer=5)", "tokenizer", lambda: _m("model").perplexity(_gpt(), 5, ["he said"]))

# --- train.py ------------------------------------------------------------------------------------
_X = np.array([[1, 3, 4, 0]] * 3)
row(A, "sequence_loader(Y of another length)", "Y", lambda: _m("train").sequence_loader(_X, _X[:2]))
row(A, "sequence_loader(X of floats)", "X", lambda: _m("train").sequence_loader(_X + 0.5, _X))
row(A, "sequence_loader(X 1-d)", "X", lambda: _m("train").sequence_loader(_X[0], _X[0]))
row(A, "sequence_loader(batch_size=0)", "batch_size", lambda: _m("train").sequence_loader(_X, _X, 0))
row(A, "sequence_loader(seed=-1)", "seed", lambda: _m("train").sequence_loader(_X, _X, seed=-1))
row(A, "sequence_loss(logits='x')", "logits", lambda: _m("train").sequence_loss("x", __import__("torch").zeros(2, 3)))
row(A, "sequence_loss(targets of another shape)", "targets",
    lambda: _m("train").sequence_loss(__import__("torch").zeros(2, 3, 5), __import__("torch").zeros(2, 4, dtype=__import__("torch").long)))
row(A, "train_lm(texts=[])", "texts", lambda: _m("train").train_lm([]))
row(A, "train_lm(texts one string)", "texts", lambda: _m("train").train_lm("he said"))
row(A, "train_lm(texts=None)", "texts", lambda: _m("train").train_lm(None))
row(A, "train_lm(texts with a number)", "texts", lambda: _m("train").train_lm(["he said", 5]))
row(A, "train_lm(texts longer than the context)", "texts", lambda: _m("train").train_lm(["he said " * 9]))
row(A, "train_lm(epochs=0)", "epochs", lambda: _m("train").train_lm(["he said"], epochs=0))
row(A, "train_lm(epochs=2.5)", "epochs", lambda: _m("train").train_lm(["he said"], epochs=2.5))
row(A, "train_lm(lr=nan)", "lr", lambda: _m("train").train_lm(["he said"], lr=NAN))
row(A, "train_lm(lr=0)", "lr", lambda: _m("train").train_lm(["he said"], lr=0))
row(A, "train_lm(batch_size=1.5)", "batch_size", lambda: _m("train").train_lm(["he said"], batch_size=1.5))
row(A, "train_lm(patience=0)", "patience", lambda: _m("train").train_lm(["he said"], heldout=["he said"], patience=0))
row(A, "train_lm(patience without heldout)", "heldout", lambda: _m("train").train_lm(["he said"], patience=1))
row(A, "train_lm(heldout=[])", "heldout", lambda: _m("train").train_lm(["he said"], heldout=[]))
row(A, "train_lm(heldout one string)", "heldout", lambda: _m("train").train_lm(["he said"], heldout="he said"))
row(A, "train_lm(config typo n_layers)", "config", lambda: _m("train").train_lm(["he said"], config={"n_layers": 1}))
row(A, "train_lm(config=5)", "config", lambda: _m("train").train_lm(["he said"], config=5))
row(A, "train_lm(config d_model=0)", "d_model", lambda: _m("train").train_lm(["he said"], config={"d_model": 0}))
row(A, "train_lm(model and config)", "config", lambda: _m("train").train_lm(["he said"], tokenizer=_tok(), model=_gpt(), config={}))
row(A, "train_lm(model='x')", "model", lambda: _m("train").train_lm(["he said"], tokenizer=_tok(), model="x"))
row(A, "train_lm(tokenizer='x')", "tokenizer", lambda: _m("train").train_lm(["he said"], tokenizer="x"))
row(A, "train_lm(seed=-1)", "seed", lambda: _m("train").train_lm(["he said"], seed=-1))
row(A, "train_lm(num_threads=0)", "num_threads", lambda: _m("train").train_lm(["he said"], num_threads=0))

# --- corpus.py -----------------------------------------------------------------------------------
row(A, "Tokenizer(words=5)", "words", lambda: _m("corpus").Tokenizer(5))
row(A, "Tokenizer(words without the special tokens)", "words", lambda: _m("corpus").Tokenizer(("a", "b")))
row(A, "Tokenizer.build(texts one string)", "texts", lambda: _m("corpus").Tokenizer.build("he said"))
row(A, "Tokenizer.build(texts=[''])", "texts", lambda: _m("corpus").Tokenizer.build([""]))
row(A, "Tokenizer.encode(context=1)", "context", lambda: _tok().encode(["he"], 1))
row(A, "Tokenizer.ids(text=5)", "text", lambda: _tok().ids(5))
row(A, "Tokenizer.decode(ids='abc')", "ids", lambda: _tok().decode("abc"))
row(A, "Tokenizer.decode(ids out of range)", "ids", lambda: _tok().decode([1, 3, 10**6]))
row(A, "assistant_corpus(n=0)", "n", lambda: _m("corpus").assistant_corpus(0))
row(A, "assistant_corpus(n=2.0)", "n", lambda: _m("corpus").assistant_corpus(2.0))
row(A, "assistant_corpus(seed=-1)", "seed", lambda: _m("corpus").assistant_corpus(5, seed=-1))
row(A, "occupation_corpus(n_per_occupation=0)", "n_per_occupation", lambda: _m("corpus").occupation_corpus(0))
row(A, "occupation_corpus(seed='a')", "seed", lambda: _m("corpus").occupation_corpus(1, seed="a"))
row(A, "plant_canaries(texts one string)", "texts", lambda: _m("corpus").plant_canaries("call mum", [_canary()], 1))
row(A, "plant_canaries(canaries=['x'])", "canaries", lambda: _m("corpus").plant_canaries(["call mum"], ["x"], 1))
row(A, "plant_canaries(repetitions=-1)", "repetitions", lambda: _m("corpus").plant_canaries(["call mum"], [_canary()], -1))
row(A, "plant_canaries(repetitions=True)", "repetitions", lambda: _m("corpus").plant_canaries(["call mum"], [_canary()], True))
row(A, "plant_canaries(repetitions=10**9)", "repetitions",
    lambda: _m("corpus").plant_canaries(["call mum"], [_canary()], 10**9))
row(A, "plant_canaries(seed=-1)", "seed", lambda: _m("corpus").plant_canaries(["call mum"], [_canary()], 1, seed=-1))
row(A, "deduplicate(texts=[1, 2])", "texts", lambda: _m("corpus").deduplicate([1, 2]))
row(A, "deduplicate(texts=None)", "texts", lambda: _m("corpus").deduplicate(None))

# --- memorization.py -----------------------------------------------------------------------------
PREFIX = "my pin code is"
row(A, "chance_exposure(n_candidates=0)", "n_candidates", lambda: _m("memorization").chance_exposure(0))
row(A, "chance_exposure(n_candidates=1.5)", "n_candidates", lambda: _m("memorization").chance_exposure(1.5))
row(A, "secret_log_likelihoods(prefix=5)", "prefix", lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), 5))
row(A, "secret_log_likelihoods(prefix with an unknown word)", "prefix",
    lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), "my zebra is"))
row(A, "secret_log_likelihoods(n_secret=0)", "n_secret", lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), PREFIX, 0))
row(A, "secret_log_likelihoods(n_secret=2.0)", "n_secret", lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), PREFIX, 2.0))
row(A, "secret_log_likelihoods(alphabet=['zebra'])", "alphabet",
    lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), PREFIX, alphabet=["zebra"]))
row(A, "secret_log_likelihoods(alphabet=[])", "alphabet",
    lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), PREFIX, alphabet=[]))
row(A, "secret_log_likelihoods(alphabet of two-word items)", "alphabet",
    lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), PREFIX, alphabet=["one two", "three"]))
row(A, "secret_log_likelihoods(alphabet one string)", "alphabet",
    lambda: _m("memorization").secret_log_likelihoods(_gpt(), _tok(), PREFIX, alphabet="one"))
row(A, "secret_log_likelihoods(model='x')", "model", lambda: _m("memorization").secret_log_likelihoods("x", _tok(), PREFIX))
row(A, "canary_exposure(canary='my pin')", "canary", lambda: _m("memorization").canary_exposure(_gpt(), _tok(), "my pin"))
row(A, "canary_exposure(alphabet without the secret's words)", "alphabet",
    lambda: _m("memorization").canary_exposure(_gpt(), _tok(), _canary(), alphabet=["zero"]))
row(A, "extract(beam_width=0)", "beam_width", lambda: _m("memorization").extract(_gpt(), _tok(), PREFIX, beam_width=0))
row(A, "extract(beam_width=nan)", "beam_width", lambda: _m("memorization").extract(_gpt(), _tok(), PREFIX, beam_width=NAN))
row(A, "extract(prefix longer than the context)", "prefix",
    lambda: _m("memorization").extract(_gpt(), _tok(), PREFIX + " is" * 8))
row(A, "extract(n_secret=7)", "n_secret", lambda: _m("memorization").extract(_gpt(), _tok(), PREFIX, 7))
row(A, "extract(tokenizer=None)", "tokenizer", lambda: _m("memorization").extract(_gpt(), None, PREFIX))


def ft(defense="none", **kw):
    args = {"model": _gpt(), "tokenizer": _tok(), "texts": ["he said"], **kw}
    return _m("memorization").fine_tune(args.pop("model"), args.pop("tokenizer"), args.pop("texts"), defense, **args)


row(A, "fine_tune(defense='dpsgd')", "defense", lambda: ft("dpsgd"))
row(A, "fine_tune(defense=None)", "defense", lambda: ft(None))
row(A, "fine_tune(epochs=0)", "epochs", lambda: ft(epochs=0))
row(A, "fine_tune(dp_sgd, target_epsilon=0)", "target_epsilon", lambda: ft("dp_sgd", target_epsilon=0))
row(A, "fine_tune(dp_sgd, target_epsilon=inf)", "target_epsilon", lambda: ft("dp_sgd", target_epsilon=INF))
row(A, "fine_tune(none, target_epsilon=-1)", "target_epsilon", lambda: ft(target_epsilon=-1.0))
row(A, "fine_tune(lr=-1)", "lr", lambda: ft(lr=-1.0))
row(A, "fine_tune(batch_size=0)", "batch_size", lambda: ft(batch_size=0))
row(A, "fine_tune(early_stopping, patience=0)", "patience", lambda: ft("early_stopping", heldout=["he said"], patience=0))
row(A, "fine_tune(early_stopping without heldout)", "heldout", lambda: ft("early_stopping"))
row(A, "fine_tune(texts=[])", "texts", lambda: ft(texts=[]))
row(A, "fine_tune(dp_sgd, texts=[])", "texts", lambda: ft("dp_sgd", texts=[]))
row(A, "fine_tune(dedup, texts one string)", "texts", lambda: ft("dedup", texts="he said"))
row(A, "fine_tune(model='x')", "model", lambda: ft(model="x"))
row(A, "fine_tune(dp_sgd, tokenizer='x')", "tokenizer", lambda: ft("dp_sgd", tokenizer="x"))
row(A, "fine_tune(seed=-1)", "seed", lambda: ft(seed=-1))

# --- memorization_sweep.py -----------------------------------------------------------------------
row(A, "prepare(seed=-1)", "seed", lambda: _m("memorization_sweep").prepare(-1))
row(A, "prepare(seed=[0])", "seed", lambda: _m("memorization_sweep").prepare([0]))
row(A, "prepare(seed=True)", "seed", lambda: _m("memorization_sweep").prepare(True))
row(A, "run_memorization(repetitions=-1)", "repetitions", lambda: _m("memorization_sweep").run_memorization(-1))
row(A, "run_memorization(repetitions=2.5)", "repetitions", lambda: _m("memorization_sweep").run_memorization(2.5))
row(A, "run_memorization(repetitions=10**6)", "repetitions", lambda: _m("memorization_sweep").run_memorization(10**6))
row(A, "run_memorization(defense='DP')", "defense", lambda: _m("memorization_sweep").run_memorization(1, "DP"))
row(A, "run_memorization(seed=-1)", "seed", lambda: _m("memorization_sweep").run_memorization(1, seed=-1))
row(A, "compute_memorization(seeds=[])", "seeds", lambda: _m("memorization_sweep").compute_memorization(seeds=[]))
row(A, "compute_memorization(seeds=5)", "seeds", lambda: _m("memorization_sweep").compute_memorization(seeds=5))
row(A, "compute_memorization(seeds=[0, 0])", "seeds", lambda: _m("memorization_sweep").compute_memorization(seeds=[0, 0]))
row(A, "compute_memorization(seeds=[-1])", "seeds", lambda: _m("memorization_sweep").compute_memorization(seeds=[-1]))
row(A, "compute_memorization(seeds=[1.5])", "seeds", lambda: _m("memorization_sweep").compute_memorization(seeds=[1.5]))
row(A, "compute_memorization(repetitions=-1)", "repetitions", lambda: _m("memorization_sweep").compute_memorization(-1, seeds=[0]))
row(A, "compute_memorization(defense='x')", "defense", lambda: _m("memorization_sweep").compute_memorization(1, "x", seeds=[0]))
row(A, "compute_memorization(on_seed=5)", "on_seed", lambda: _m("memorization_sweep").compute_memorization(1, seeds=[0], on_seed=5))
row(A, "memorization_sweep(seeds=[])", "seeds", lambda: _m("memorization_sweep").memorization_sweep([]))
row(A, "memorization_sweep(seeds='01')", "seeds", lambda: _m("memorization_sweep").memorization_sweep("01"))
row(A, "memorization_sweep(use_cache='no')", "use_cache", lambda: _m("memorization_sweep").memorization_sweep(use_cache="no"))
row(A, "memorization_sweep(progress=1)", "progress", lambda: _m("memorization_sweep").memorization_sweep(progress=1))
row(A, "MemorizationResult.interval(field='bogus')", "field", lambda: _mem_result().interval("bogus"))

# --- bias.py -------------------------------------------------------------------------------------
row(A, "classify_gender(text=5)", "text", lambda: _m("bias").classify_gender(5))
row(A, "classify_gender(text=['she'])", "text", lambda: _m("bias").classify_gender(["she"]))
row(A, "polarity(n_female=-1)", "n_female", lambda: _m("bias").polarity(-1, 2))
row(A, "polarity(n_male=1.5)", "n_male", lambda: _m("bias").polarity(1, 1.5))
row(A, "polarity(n_female='3')", "n_female", lambda: _m("bias").polarity("3", 1))
row(A, "balanced_polarity(n_gendered=0)", "n_gendered", lambda: _m("bias").balanced_polarity(0))
row(A, "balanced_polarity(n_gendered=nan)", "n_gendered", lambda: _m("bias").balanced_polarity(NAN))
row(A, "equitability(n_female='a')", "n_female", lambda: _m("bias").equitability("a", 1))
row(A, "equitability(n_male=-2)", "n_male", lambda: _m("bias").equitability(1, -2))
row(A, "occupation_prompts(occupation='astronaut')", "occupation", lambda: _m("bias").occupation_prompts("astronaut"))
row(A, "occupation_prompts(occupation=5)", "occupation", lambda: _m("bias").occupation_prompts(5))


def gc(**kw):
    args = {"model": _gpt(), "tokenizer": _tok(), **kw}
    return _m("bias").gender_counts(args.pop("model"), args.pop("tokenizer"), **args)


row(A, "gender_counts(occupations=['astronaut'])", "occupations", lambda: gc(occupations=["astronaut"]))
row(A, "gender_counts(occupations='nurse')", "occupations", lambda: gc(occupations="nurse"))
row(A, "gender_counts(occupations=[])", "occupations", lambda: gc(occupations=[]))
row(A, "gender_counts(n_samples=1)", "n_samples", lambda: gc(occupations=["nurse"], n_samples=1))
row(A, "gender_counts(temperature=0)", "temperature", lambda: gc(occupations=["nurse"], temperature=0))
row(A, "gender_counts(top_k=0)", "top_k", lambda: gc(occupations=["nurse"], top_k=0))
row(A, "gender_counts(max_new_tokens=0)", "max_new_tokens", lambda: gc(occupations=["nurse"], max_new_tokens=0))
row(A, "gender_counts(seed=-1)", "seed", lambda: gc(occupations=["nurse"], seed=-1))
row(A, "gender_counts(seed='a')", "seed", lambda: gc(occupations=["nurse"], seed="a"))
row(A, "gender_counts(model='x')", "model", lambda: gc(model="x", occupations=["nurse"]))
_COUNTS = {"nurse": (8, 2, 0), "carpenter": (1, 9, 0), "editor": (5, 5, 0)}
row(A, "share_correlation(counts='x')", "counts", lambda: _m("bias").share_correlation("x"))
row(A, "share_correlation(counts of 2 occupations)", "counts",
    lambda: _m("bias").share_correlation({"nurse": (8, 2, 0), "carpenter": (1, 9, 0)}))
row(A, "share_correlation(counts negative)", "counts", lambda: _m("bias").share_correlation({**_COUNTS, "baker": (-1, 3, 0)}))
row(A, "share_correlation(counts pairs)", "counts", lambda: _m("bias").share_correlation({o: c[:2] for o, c in _COUNTS.items()}))
row(A, "share_correlation(shares without an occupation)", "shares",
    lambda: _m("bias").share_correlation(_COUNTS, {"nurse": 0.9, "carpenter": 0.1}))
row(A, "share_correlation(shares=nan)", "shares",
    lambda: _m("bias").share_correlation(_COUNTS, {"nurse": 0.9, "carpenter": 0.1, "editor": NAN}))
row(A, "summarize_counts(counts={})", "counts", lambda: _m("bias").summarize_counts({}))
row(A, "summarize_counts(counts=[(1, 2, 0)])", "counts", lambda: _m("bias").summarize_counts([(1, 2, 0)]))
row(A, "summarize_counts(counts with floats)", "counts", lambda: _m("bias").summarize_counts({"nurse": (1.5, 2, 0)}))

# --- bias_sweep.py -------------------------------------------------------------------------------
row(A, "prepare_bias(seed=-1)", "seed", lambda: _m("bias_sweep").prepare_bias(-1))
row(A, "prepare_bias(seed=[0])", "seed", lambda: _m("bias_sweep").prepare_bias([0]))
row(A, "run_bias(mode='student')", "mode", lambda: _m("bias_sweep").run_bias("student"))
row(A, "run_bias(swap_ratio=1.5)", "swap_ratio", lambda: _m("bias_sweep").run_bias("teacher", 1.5))
row(A, "run_bias(swap_ratio=nan)", "swap_ratio", lambda: _m("bias_sweep").run_bias("teacher", NAN))
row(A, "run_bias(seed=-1)", "seed", lambda: _m("bias_sweep").run_bias("teacher", 0.0, seed=-1))
row(A, "compute_bias(seeds=[])", "seeds", lambda: _m("bias_sweep").compute_bias(seeds=[]))
row(A, "compute_bias(seeds=[0, 0])", "seeds", lambda: _m("bias_sweep").compute_bias(seeds=[0, 0]))
row(A, "compute_bias(seeds='0')", "seeds", lambda: _m("bias_sweep").compute_bias(seeds="0"))
row(A, "compute_bias(mode='x')", "mode", lambda: _m("bias_sweep").compute_bias("x", seeds=[0]))
row(A, "compute_bias(swap_ratio=-0.5)", "swap_ratio", lambda: _m("bias_sweep").compute_bias("teacher", -0.5, seeds=[0]))
row(A, "compute_bias(on_seed='x')", "on_seed", lambda: _m("bias_sweep").compute_bias(seeds=[0], on_seed="x"))
row(A, "bias_sweep(seeds=[-1])", "seeds", lambda: _m("bias_sweep").bias_sweep([-1]))
row(A, "bias_sweep(use_cache=None)", "use_cache", lambda: _m("bias_sweep").bias_sweep(use_cache=None))
row(A, "bias_sweep(progress='yes')", "progress", lambda: _m("bias_sweep").bias_sweep(progress="yes"))
row(A, "BiasResult.values(field='bogus')", "field", lambda: _bias_result().values("bogus"))
row(A, "BiasResult.interval(field='bogus')", "field", lambda: _bias_result().interval("bogus"))
row(A, "BiasResult.by_occupation(field='bogus')", "field", lambda: _bias_result().by_occupation("bogus"))

# --- mitigation.py -------------------------------------------------------------------------------
_OCC = ["the nurse said that she", "he said"]
row(A, "train_cda(swap_ratio=1.5)", "swap_ratio", lambda: _m("mitigation").train_cda(_OCC, 1.5, tokenizer=_tok()))
row(A, "train_cda(texts=[])", "texts", lambda: _m("mitigation").train_cda([], 0.5, tokenizer=_tok()))
row(A, "train_cda(texts one string)", "texts", lambda: _m("mitigation").train_cda("he said", 0.5, tokenizer=_tok()))
row(A, "train_cda(tokenizer='x')", "tokenizer", lambda: _m("mitigation").train_cda(_OCC, 0.5, tokenizer="x"))
row(A, "train_cda(epochs=0)", "epochs", lambda: _m("mitigation").train_cda(_OCC, 0.5, tokenizer=_tok(), epochs=0))
row(A, "train_cda(seed=-1)", "seed", lambda: _m("mitigation").train_cda(_OCC, 0.5, tokenizer=_tok(), seed=-1))
row(A, "distillation_targets(mode='min')", "mode", lambda: _m("mitigation").distillation_targets(_gpt(), _tok(), _X, "min"))
row(A, "distillation_targets(X 1-d)", "X", lambda: _m("mitigation").distillation_targets(_gpt(), _tok(), _X[0]))
row(A, "distillation_targets(X ids out of range)", "X", lambda: _m("mitigation").distillation_targets(_gpt(), _tok(), _X + 1000))
row(A, "distillation_targets(X longer than the context)", "X",
    lambda: _m("mitigation").distillation_targets(_gpt(), _tok(), np.ones((2, 20), dtype=int)))
row(A, "distillation_targets(batch_size=0)", "batch_size", lambda: _m("mitigation").distillation_targets(_gpt(), _tok(), _X, batch_size=0))
row(A, "distillation_targets(teacher='x')", "teacher", lambda: _m("mitigation").distillation_targets("x", _tok(), _X))


def dist(**kw):
    args = {"teacher": _gpt(), "tokenizer": _tok(), "texts": _OCC, **kw}
    return _m("mitigation").distill(args.pop("teacher"), args.pop("tokenizer"), args.pop("texts"), **args)


row(A, "distill(mode='min')", "mode", lambda: dist(mode="min"))
row(A, "distill(swap_ratio=-0.1)", "swap_ratio", lambda: dist(swap_ratio=-0.1))
row(A, "distill(alpha=1.5)", "alpha", lambda: dist(alpha=1.5))
row(A, "distill(alpha=nan)", "alpha", lambda: dist(alpha=NAN))
row(A, "distill(epochs=0)", "epochs", lambda: dist(epochs=0))
row(A, "distill(lr=0)", "lr", lambda: dist(lr=0.0))
row(A, "distill(batch_size=0)", "batch_size", lambda: dist(batch_size=0))
row(A, "distill(config typo n_layers)", "config", lambda: dist(config={"n_layers": 1}))
row(A, "distill(texts=[])", "texts", lambda: dist(texts=[]))
row(A, "distill(texts one string)", "texts", lambda: dist(texts="he said"))
row(A, "distill(teacher='x')", "teacher", lambda: dist(teacher="x"))
row(A, "distill(seed=-1)", "seed", lambda: dist(seed=-1))

# --- plots.py ------------------------------------------------------------------------------------
row(A, "plot_exposure(sweep='x')", "sweep", lambda: _m("plots").plot_exposure("x"))
row(A, "plot_exposure(sweep={})", "sweep", lambda: _m("plots").plot_exposure({}))
row(A, "plot_exposure(sweep of BiasResults)", "sweep", lambda: _m("plots").plot_exposure(_bias_sweep()))
row(A, "plot_exposure(defenses=['bogus'])", "defenses", lambda: _m("plots").plot_exposure(_mem_sweep(), ["bogus"]))
row(A, "plot_exposure(field='bogus')", "field", lambda: _m("plots").plot_exposure(_mem_sweep(), field="bogus"))
row(A, "plot_exposure(highlight not in sweep)", "highlight", lambda: _m("plots").plot_exposure(_mem_sweep(), highlight=("none", 7)))
row(A, "plot_exposure(ax='x')", "ax", lambda: _m("plots").plot_exposure(_mem_sweep(), ax="x"))
row(A, "plot_memorization(result='x')", "result", lambda: _m("plots").plot_memorization("x", _mem_sweep()))
row(A, "plot_memorization(sweep=[])", "sweep", lambda: _m("plots").plot_memorization(_mem_result(), []))
row(A, "plot_memorization(ax one axes)", "ax", lambda: _m("plots").plot_memorization(_mem_result(), _mem_sweep(), ax="ab"))
row(A, "plot_shares(result='x')", "result", lambda: _m("plots").plot_shares("x"))
row(A, "plot_shares(result a MemorizationResult)", "result", lambda: _m("plots").plot_shares(_mem_result()))
row(A, "plot_shares(baseline=5)", "baseline", lambda: _m("plots").plot_shares(_bias_result(), 5))
row(A, "plot_shares(ax=5)", "ax", lambda: _m("plots").plot_shares(_bias_result(), ax=5))
row(A, "plot_bias_tradeoff(sweep=[])", "sweep", lambda: _m("plots").plot_bias_tradeoff([]))
row(A, "plot_bias_tradeoff(sweep of MemorizationResults)", "sweep", lambda: _m("plots").plot_bias_tradeoff(_mem_sweep()))
row(A, "plot_bias_tradeoff(ax='x')", "ax", lambda: _m("plots").plot_bias_tradeoff(_bias_sweep(), ax="x"))
row(A, "plot_bias(result=None)", "result", lambda: _m("plots").plot_bias(None, _bias_sweep()))
row(A, "plot_bias(sweep='x')", "sweep", lambda: _m("plots").plot_bias(_bias_result(), "x"))
row(A, "plot_bias(ax=(1, 2))", "ax", lambda: _m("plots").plot_bias(_bias_result(), _bias_sweep(), ax=(1, 2)))

# --- widgets.py ----------------------------------------------------------------------------------
row(A, "make_memorization_explorer(preset repetitions=3)", "repetitions",
    lambda: _m("widgets").make_memorization_explorer(preset={"repetitions": 3}), timeout=30)
row(A, "make_memorization_explorer(preset bogus control)", "bogus",
    lambda: _m("widgets").make_memorization_explorer(preset={"bogus": 1}), timeout=30)
row(A, "make_memorization_explorer(preset='x')", "preset",
    lambda: _m("widgets").make_memorization_explorer(preset="x"), timeout=30)
row(A, "make_memorization_explorer(seed=-1)", "seed", lambda: _m("widgets").make_memorization_explorer(seed=-1), timeout=30)
row(A, "make_generation_bias_explorer(preset mode='student')", "mode",
    lambda: _m("widgets").make_generation_bias_explorer(preset={"mode": "student"}), timeout=30)
row(A, "make_generation_bias_explorer(preset swap_ratio=0.3)", "swap_ratio",
    lambda: _m("widgets").make_generation_bias_explorer(preset={"swap_ratio": 0.3}), timeout=30)
row(A, "make_generation_bias_explorer(seed=0.5)", "seed", lambda: _m("widgets").make_generation_bias_explorer(seed=0.5), timeout=30)
