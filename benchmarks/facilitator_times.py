"""Write the generated blocks of ``docs/facilitator.md``: run times, agendas, "try this" presets.

Usage::

    python benchmarks/facilitator_times.py [--check] [--times-only]

Nothing is benchmarked here: run times and peak memory come from ``benchmarks/results.json``
(written by ``make benchmarks``, which also calls this script), read with the helpers of
``readme_map.py``. Each block replaces what lies between its marker lines in the guide:

``<!-- facilitator-times:start -->`` ... ``:end``
    one row per notebook: learner time stated in the notebook, measured run time, peak memory,
    its explorers (``trustlab.gallery``), and the machine and date of the measurement;
``<!-- facilitator-agenda-90:start -->``, ``<!-- facilitator-agenda-halfday:start -->``
    the agendas of :data:`AGENDAS` with clock times and each notebook's measured run time;
``<!-- facilitator-try-<notebook stem>:start -->``
    the "try this" states of :data:`TRY_THIS`: each preset is built with
    ``trustlab.gallery.build`` and the explorer's one-line summary printed under it, so every
    preset shown in the guide is one that builds (``--times-only`` skips these blocks).

A notebook in ``notebooks/`` without a measured time (or whose benchmark failed) is an error,
unless it is listed in :data:`PENDING`, where it shows as "pending". ``--check`` writes nothing
and exits 1 if any block is stale (``tests/consistency/test_generated_docs.py`` runs it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from readme_map import (RESULTS, ROOT, format_seconds, measured_on, notebook_rows,  # noqa: E402
                        notebook_topic, sync_block)

GUIDE = ROOT / "docs" / "facilitator.md"
NOTEBOOKS = ROOT / "notebooks"

#: Notebooks that may lack a measured time for now (being written); the lead empties this set
#: once ``make benchmarks`` has measured them.
PENDING: frozenset = frozenset()

__all__ = ["PENDING", "TRY_THIS", "AGENDAS", "TryThis", "stated_minutes", "run_times",
           "times_table", "agenda_table", "try_block", "render_blocks", "update_facilitator"]


@dataclass(frozen=True)
class TryThis:
    """A state of an explorer worth showing: the notebook, the gallery name and the preset.

    Attributes
    ----------
    notebook : str
        The notebook whose section shows it.
    explorer : str
        Name in ``trustlab.gallery``.
    preset : dict
        Control values (every value a str, int or float), passed as ``preset=``.
    look_for : str
        One or two sentences: what to point out once it is on screen.
    expect_error : bool
        True if the explorer is expected to refuse the state (its ``error`` is then printed).
    """

    notebook: str
    explorer: str
    preset: dict = field(default_factory=dict)
    look_for: str = ""
    expect_error: bool = False


TRY_THIS: tuple = (
    TryThis("00_start_here.ipynb", "randomized_response",
            {"p_truth": 0.6, "n_respondents": 1000, "true_rate": 0.3},
            "Less truth-telling spends less ε and widens the margin of error; ask how many "
            "respondents would buy the margin back."),
    TryThis("10_privacy_what_is_dp.ipynb", "mechanism",
            {"mechanism": "analytic_gaussian", "epsilon": 0.5, "sensitivity": 1.0, "delta": 1e-05},
            "The loss crosses ε only in the tail, and it lands there far more often than δ "
            "(about 29 times): δ is the expected overshoot E[(1 − e^(ε − L))₊], not the tail's "
            "probability."),
    TryThis("10_privacy_what_is_dp.ipynb", "mechanism",
            {"mechanism": "gaussian", "epsilon": 2.0, "sensitivity": 1.0, "delta": 1e-05},
            "The explorer refuses instead of giving an unproven guarantee: the classic "
            "calibration holds only for ε < 1.", expect_error=True),
    TryThis("10_privacy_what_is_dp.ipynb", "epsilon_planner",
            {"mode": "noise_multiplier", "noise_multiplier": 1.0, "target_epsilon": 1.0,
             "sample_rate": 0.01, "epochs": 10, "delta": 1e-05},
            "Planning backwards: the smallest noise multiplier that keeps 10 epochs within ε = 1."),
    TryThis("11_privacy_dp_sgd.ipynb", "dp_sgd",
            {"noise_multiplier": 0.8, "max_grad_norm": 1.0, "batch_size": 256, "epochs": 40},
            "Less noise and twice the epochs: ε explodes while accuracy rises by about two "
            "points. Compare the intervals (5 seeds) with the default state printed in the "
            "notebook."),
    TryThis("12_privacy_membership_inference.ipynb", "membership",
            {"noise_multiplier": 2.0, "attack": "lira_online", "n_shadows": 32},
            "The accountant's ε (upper bound) next to what the attack proves (lower bound, five "
            "seeds): at σ = 2 the proven interval reaches 0 while the accountant allows ε ≈ 10. A "
            "large gap is normal; a proven ε above the accountant's would be a bug."),
    TryThis("12_privacy_membership_inference.ipynb", "risk_audit",
            {"noise_multiplier": 0.5, "sample_rate": 0.05, "epochs": 20},
            "Little noise: the DP bound allows nearly any attack, the measured canary attack stays far "
            "below it, and one run per seed proves ε_lb around 0.5. Move σ up and watch bound, ROC and "
            "ε_lb fall together."),
    TryThis("13_privacy_canaries.ipynb", "canaries",
            {"repetitions": 1, "defense": "dp_sgd", "target_epsilon": 1.0},
            "One copy, DP-SGD at ε ≈ 1: exposure collapses and so does intent accuracy. Then move "
            "repetitions to 20: exposure rises beyond the seeds' spread (the per-record guarantee "
            "covers one copy, not twenty), yet no PIN is extracted at this ε."),
    TryThis("14_privacy_text_rewriting.ipynb", "text_rewriting",
            {"epsilon": 40, "sentence": "Order a pizza with sausage to my place in Boston",
             "word": "pizza"},
            "Follow another word: how often is it kept, how much of the rest lands near it "
            "(d < 1.2) and how much far away (d ≥ 1.5)?"),
    TryThis("20_federated_fedavg.ipynb", "federated",
            {"num_clients": 10, "alpha": 0.1, "local_epochs": 1, "num_rounds": 10,
             "fraction_fit": 0.5, "strategy": "fedavg", "n_seeds": 5},
            "Strong label skew, half the clients per round, 5 seeds: read the worst client, not "
            "only the global accuracy, and the bytes sent per round. Then set the client fraction "
            "to 1.0: the bands separate (the notebook's question)."),
    TryThis("21_federated_flower.ipynb", "dp_federated",
            {"noise_multiplier": 1.0, "clipping_norm": 3.0, "clipping": "client", "n_seeds": 5},
            "A large clipping norm at the same σ: the noise σ·C/m grows with C and accuracy "
            "drops (compare the default C = 1 with 5 seeds); ε does not move (it depends on σ and "
            "the rounds, not on C)."),
    TryThis("30_fairness_biased_data.ipynb", "sampling_bias",
            {"skew": 30.0, "n_sample": 200, "oversampled": "Male"},
            "A tiny, very skewed sample: only a handful of women are left, and reweighting has "
            "almost nothing to reweight."),
    TryThis("30_fairness_biased_data.ipynb", "disparate_impact",
            {"dataset": "adult", "setting": "clip only"},
            "Clipping alone, no noise and no privacy: women's true-positive rate already pays. "
            "Then step through ε = 8, 3, 1: the noise adds nothing measurable on Adult."),
    TryThis("31_fairness_role_reversal.ipynb", "role_reversal",
            {"mode": "mean", "swap_ratio": 1.0},
            "Both interventions together: polarity near 0, perplexity a little up. Ask whether "
            "the TPR gap must follow."),
    TryThis("32_fairness_measuring_bias.ipynb", "intrinsic_extrinsic",
            {"strength": 1.0, "corpus_skew": 2.0, "extrinsic": "aps", "intrinsic": "weat"},
            "Full mitigation of the vectors: direct bias is 0 by construction, WEAT flips sign, "
            "and the TPR gap stays within its seed interval; APS goes up."),
    TryThis("33_fairness_knowledge_graphs.ipynb", "kg_bias",
            {"kl_weight": 10.0, "counterfactual_share": 1.0, "occupation": "Craft-repair"},
            "Fisher et al.'s KL term with the CDA-style twins: the twins' small b_p spread, and a "
            "probe that still finds gender above the majority baseline."),
    TryThis("34_generative_memorization_and_bias.ipynb", "lm_memorization",
            {"repetitions": 50, "defense": "dp_sgd"},
            "Fifty copies under DP-SGD at ε = 8 per sentence: the group guarantee is 400, and the "
            "exposure shows it. Then pick deduplication at the same repetitions."),
    TryThis("34_generative_memorization_and_bias.ipynb", "lm_bias",
            {"swap_ratio": 1.0, "mode": "mean"},
            "Both mitigations together: generated shares sit on the 0.5 line. Compare perplexity "
            "with the teacher at swap ratio 0, and ask which goal the product needs."),
    TryThis("40_capstone_tradeoffs.ipynb", "capstone",
            {"noise_multiplier": 8.0, "num_clients": 10, "alpha": 100.0, "group_resample": 0.0},
            "Ten clients at σ = 8: the five seeds range from collapse to a useful model, and the "
            "mean accuracy sits below always answering ≤50K. Switch to 100 clients: the same ε, "
            "and the accuracy intervals separate. Then try skewed labels."),
    TryThis("50_practice_audit_your_model.ipynb", "audit",
            {"dataset": "german_credit", "sensitive": "age_group"},
            "German credit by age group: the largest gap is decided by a group of 15 held-out "
            "rows, and the warnings say so. Then upload a CSV of your own below the plot."),
    TryThis("50_practice_audit_your_model.ipynb", "mitigation",
            {"dataset": "adult", "method": "exponentiated_gradient", "constraint": "equalized_odds"},
            "Both methods bring Adult's equalized-odds difference below 0.05; compare their accuracy "
            "intervals, then switch to German credit, where no change can be told apart from zero."),
)

#: Agendas: key -> (title, total minutes, [(minutes, activity, notebook or None), ...]).
AGENDAS: dict = {
    "90": ("90-minute session", 90, [
        (10, "Welcome; everyone opens Binder or `make lab`; run the start page top to bottom "
             "(environment check, randomized response)", "00_start_here.ipynb"),
        (25, "What ε means: neighbouring datasets, Laplace and Gaussian, "
             "\"ε is not a probability\", the mechanism explorer", "10_privacy_what_is_dp.ipynb"),
        (15, "DP-SGD: the precomputed explorer and the privacy–utility curve "
             "(skip the timing cells)", "11_privacy_dp_sgd.ipynb"),
        (15, "FedAvg by hand, non-IID clients, what is sent", "20_federated_fedavg.ipynb"),
        (20, "Biased data: group metrics that conflict, DP's disparate impact",
         "30_fairness_biased_data.ipynb"),
        (5, "Wrap-up on the capstone explorer, projected: the session's knobs on one figure; "
            "the five misconceptions", "40_capstone_tradeoffs.ipynb"),
    ]),
    "halfday": ("Half-day session (3.5 h)", 210, [
        (15, "Welcome, setup check, randomized response", "00_start_here.ipynb"),
        (30, "What ε means; mechanisms; the ε planner", "10_privacy_what_is_dp.ipynb"),
        (25, "DP-SGD with Opacus: accuracy and time", "11_privacy_dp_sgd.ipynb"),
        (15, "Membership inference and auditing: the attack that motivates DP",
         "12_privacy_membership_inference.ipynb"),
        (15, "Break", None),
        (20, "Metric-DP text rewriting: a different ε", "14_privacy_text_rewriting.ipynb"),
        (25, "Federated averaging, non-IID clients, what is sent", "20_federated_fedavg.ipynb"),
        (15, "Demo on the facilitator's machine: Flower's simulation engine, DP-FL, SecAgg+",
         "21_federated_flower.ipynb"),
        (20, "Biased data, conflicting group metrics, DP's disparate impact",
         "30_fairness_biased_data.ipynb"),
        (15, "Capstone: privacy × fairness × utility in one view", "40_capstone_tradeoffs.ipynb"),
        (15, "Wrap-up: misconceptions quiz, take-home notebooks (13, 31, 32, 33)", None),
    ]),
}

_MINUTES = re.compile(r"about (\d+) minutes")


def stated_minutes(path) -> int | None:
    """The learner time a notebook states in its introduction ("about N minutes"), or None.

    Parameters
    ----------
    path : pathlib.Path
        An ``.ipynb`` file; only markdown cells before its first code cell are read.
    """
    import nbformat

    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            return None
        if cell.cell_type == "markdown" and (m := _MINUTES.search(cell.source)):
            return int(m.group(1))
    return None


def run_times(results: dict, notebooks_dir=NOTEBOOKS, pending=PENDING) -> dict:
    """Measured run time and peak memory of every notebook, as display strings.

    Parameters
    ----------
    results : dict
        Contents of ``benchmarks/results.json``.
    notebooks_dir : pathlib.Path
        Every ``*.ipynb`` there needs a measured time, unless its name is in ``pending``.
    pending : set of str
        Notebook names that may lack a time; they are listed even if not yet in ``notebooks_dir``.

    Returns
    -------
    dict
        ``{notebook: (seconds, peak_mb)}`` in notebook order, e.g. ``("27", "1779")``, or
        ``("pending", "pending")``.

    Raises
    ------
    ValueError
        If a notebook outside ``pending`` has no measured time or its benchmark failed.
    """
    rows = notebook_rows(results)
    names = sorted({p.name for p in Path(notebooks_dir).glob("*.ipynb")} | set(pending))
    out, missing = {}, []
    for name in names:
        row = rows.get(name)
        if row is None or row.get("error"):
            if name not in pending:
                why = "no measured time" if row is None else f"its benchmark failed ({row['error']})"
                missing.append(f"{name}: {why}")
            out[name] = ("pending", "pending")
        else:
            out[name] = (format_seconds(row), f"{row.get('memory_mb', row['peak_rss_mb']):.0f}")
    if missing:
        raise ValueError("notebooks without a measured time in benchmarks/results.json: "
                         + "; ".join(missing) + ". Run `make benchmarks` (or `python "
                         "benchmarks/run.py --notebooks`), or add the notebook to PENDING in "
                         "benchmarks/facilitator_times.py while it is being written.")
    return out


def _measured_line(results: dict) -> str:
    return (f"Run times from `make benchmarks` on {measured_on(results)} "
            f"([benchmarks/RESULTS.md](../benchmarks/RESULTS.md)); generated from "
            f"`benchmarks/results.json` by `benchmarks/facilitator_times.py`, not typed by hand.")


def times_table(results: dict, notebooks_dir=NOTEBOOKS, pending=PENDING) -> str:
    """The per-notebook table: learner time, run time, peak memory, explorers."""
    from trustlab.gallery import GALLERY

    times = run_times(results, notebooks_dir, pending)
    lines = ["| Notebook | Topic | Learner time (stated in the notebook) | Run time (s) | "
             "Peak memory (MB) | Explorers (`trustlab.gallery`) |", "|---|---|---:|---:|---:|---|"]
    for name, (seconds, peak) in times.items():
        path = Path(notebooks_dir) / name
        exists = path.exists()
        topic = notebook_topic(path).replace("|", "\\|") if exists else "(being written)"
        minutes = stated_minutes(path) if exists else None
        explorers = ", ".join(f"`{e.name}`" for e in GALLERY if e.notebook == name) or "–"
        lines.append(f"| [{name}](../notebooks/{name}) | {topic} | "
                     f"{f'about {minutes} min' if minutes else '–'} | {seconds} | {peak} | "
                     f"{explorers} |")
    return "\n".join(lines + ["", "Run time: top to bottom in a fresh kernel, kernel start "
                               "included. Peak memory: the kernel's peak RSS; for notebooks that "
                               "start child processes (21: Ray), kernel and children together at "
                               "one instant, each shared page counted once (PSS). "
                               + _measured_line(results)])


def agenda_table(key: str, results: dict, notebooks_dir=NOTEBOOKS, pending=PENDING) -> str:
    """One agenda of :data:`AGENDAS` as a table with clock times and measured run times.

    Raises
    ------
    ValueError
        If the slots do not add up to the agenda's length, or a slot names a notebook that
        is neither in ``notebooks_dir`` nor in ``pending``.
    """
    if key not in AGENDAS:
        raise ValueError(f"agenda must be one of {sorted(AGENDAS)}, got {key!r}")
    _title, total, slots = AGENDAS[key]
    if sum(m for m, _, _ in slots) != total:
        raise ValueError(f"agenda {key!r}: slots add up to {sum(m for m, _, _ in slots)} min, "
                         f"not {total}")
    times = run_times(results, notebooks_dir, pending)
    lines = ["| Time | Min | Activity | Notebook | Run time (s) |", "|---|---:|---|---|---:|"]
    start = 0
    for minutes, activity, notebook in slots:
        if notebook is not None and notebook not in times:
            raise ValueError(f"agenda {key!r} names {notebook}, which is neither in "
                             f"{notebooks_dir} nor in PENDING")
        clock = f"{start // 60}:{start % 60:02d}–{(start + minutes) // 60}:{(start + minutes) % 60:02d}"
        nb = f"[{notebook[:2]}](../notebooks/{notebook})" if notebook else ""
        seconds = times[notebook][0] if notebook else ""
        lines.append(f"| {clock} | {minutes} | {activity} | {nb} | {seconds} |")
        start += minutes
    return "\n".join(lines + ["", f"Total: {total} minutes. {_measured_line(results)}"])


def _literal(value) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    raise TypeError(f"preset values must be str, int or float, got {value!r} ({type(value).__name__})")


def _preset_literal(preset: dict) -> str:
    return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in preset.items()) + "}"


def try_block(notebook: str) -> str:
    """The "try this" states of ``notebook``: code that builds each preset, and what it prints.

    Every preset is built with ``trustlab.gallery.build``; the printed line is the explorer's
    ``result.summary()`` (or its ``error`` when ``expect_error``).

    Raises
    ------
    ValueError
        If ``notebook`` has no entry in :data:`TRY_THIS`, a preset does not build, the built
        explorer's ``preset()`` differs from the one requested, or the error expectation fails.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trustlab import gallery

    entries = [t for t in TRY_THIS if t.notebook == notebook]
    if not entries:
        raise ValueError(f"notebook must be one of {sorted({t.notebook for t in TRY_THIS})}, "
                         f"got {notebook!r}")
    parts = []
    for t in entries:
        module, func = gallery.entry(t.explorer).builder.split(":")
        try:
            explorer = gallery.build(t.explorer, preset=t.preset)
        except ValueError as exc:
            # A builder refuses a state it cannot compute (issue 17): that is the expected
            # error of an ``expect_error`` entry, and a broken preset otherwise.
            if not t.expect_error:
                raise ValueError(f"preset {t.preset} of {t.explorer!r} ({notebook}) does not "
                                 f"build: {type(exc).__name__}: {exc}") from exc
            explorer, refused = None, str(exc)
        except Exception as exc:  # report which preset of the guide is broken
            raise ValueError(f"preset {t.preset} of {t.explorer!r} ({notebook}) does not build: "
                             f"{type(exc).__name__}: {exc}") from exc
        finally:
            plt.close("all")
        if explorer is None:
            shown = f"error: {refused}"
        else:
            if explorer.preset() != t.preset:
                raise ValueError(f"{t.explorer!r} built from {t.preset} reports preset "
                                 f"{explorer.preset()}: a control rejected or changed a value")
            if t.expect_error != bool(explorer.error):
                raise ValueError(f"{t.explorer!r} with {t.preset}: expected "
                                 f"{'an error' if t.expect_error else 'no error'}, got "
                                 f"{explorer.error!r}")
            shown = f"error: {explorer.error}" if t.expect_error else explorer.result.summary()
        parts += [f"**Try this** (`{t.explorer}`): {t.look_for}", "",
                  "```python", f"from {module} import {func}",
                  f"{func}(preset={_preset_literal(t.preset)})", "```", "",
                  "```text", shown.strip(), "```", ""]
    return "\n".join(parts).rstrip()


def _markers(name: str) -> tuple:
    return f"<!-- facilitator-{name}:start -->", f"<!-- facilitator-{name}:end -->"


def render_blocks(results: dict, notebooks_dir=NOTEBOOKS, pending=PENDING, *, presets=True) -> dict:
    """Every generated block of the guide: ``{(start_marker, end_marker): text}``."""
    blocks = {_markers("times"): times_table(results, notebooks_dir, pending)}
    for key in AGENDAS:
        blocks[_markers(f"agenda-{key}")] = agenda_table(key, results, notebooks_dir, pending)
    if presets:
        for notebook in dict.fromkeys(t.notebook for t in TRY_THIS):
            blocks[_markers(f"try-{Path(notebook).stem}")] = try_block(notebook)
    return blocks


def update_facilitator(guide=GUIDE, results_path=RESULTS, notebooks_dir=NOTEBOOKS, pending=PENDING,
                       *, check=False, presets=True) -> list:
    """Regenerate (or with ``check=True`` compare) the generated blocks of the facilitator guide.

    Returns
    -------
    list of str
        Start markers of the blocks that were stale (rewritten unless ``check``).

    Raises
    ------
    FileNotFoundError, ValueError
        The guide or a marker is missing, a notebook has no measured time (see
        :func:`run_times`), an agenda does not add up, or a preset does not build.
    """
    results = json.loads(Path(results_path).read_text())
    measured = notebook_rows(results)
    for name in sorted(pending):
        if name in measured and not measured[name].get("error"):
            print(f"note: {name} is measured now; remove it from PENDING in "
                  f"benchmarks/facilitator_times.py", file=sys.stderr)
    blocks = render_blocks(results, notebooks_dir, pending, presets=presets)
    return sync_block(guide, blocks, check=check)


def main(argv=None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--times-only", action="store_true",
                        help="only the blocks made from results.json (no explorer is built)")
    args = parser.parse_args(argv)
    try:
        stale = update_facilitator(check=args.check, presets=not args.times_only)
    except (FileNotFoundError, ValueError) as err:
        print(f"docs/facilitator.md not generated: {err}", file=sys.stderr)
        return 1
    if stale and args.check:
        print(f"{GUIDE} is stale in {', '.join(stale)}; run `python "
              f"benchmarks/facilitator_times.py`", file=sys.stderr)
        return 1
    print(f"{GUIDE.relative_to(ROOT)}: " + (f"rewrote {len(stale)} block(s)" if stale else "up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
