# Exercise 2: exposure = log2|R| - log2 rank, so rank = |R| / 2**exposure. Turn the sweep's
# exposures back into ranks: they must be whole numbers between 1 and |R| = 10,000.
from trustlab.attacks import exposure_from_rank
from trustlab.attacks.canary_sweep import load_canary_sweep

sweep = load_canary_sweep(0)
all_ranks = {}
for (defense, eps, reps), result in sorted(sweep.items(), key=lambda kv: str(kv[0])):
    n = 2 ** result.max_exposure  # |R|
    ranks = [n / 2 ** e for e in result.exposures]
    all_ranks[defense, eps, reps] = [round(r) for r in ranks]
    for rank, e in zip(ranks, result.exposures):
        assert abs(rank - round(rank)) < 1e-6 and 1 <= round(rank) <= round(n)
        assert abs(exposure_from_rank(round(rank), round(n)) - e) < 1e-9
    if reps in (1, 20):
        label = defense + ("" if eps is None else f" eps={eps:g}")
        print(f"{label:22s} x{reps:2d}: seed 0's ranks {[round(r) for r in ranks[:4]]}")
answer = all_ranks["none", None, 1][:4]  # seed 0's four canaries without a defense, 1 repetition
