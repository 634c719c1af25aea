"""Re-measure the bad-input probe: run every row of tests/bad_input_cases.py and count outcomes.

Categories as in the probe report of 2026-12-06 (``../shared/reports/bad-input-probe-*.txt``):
GOOD (trustlab's ValueError/TypeError naming the parameter), VAGUE (right type, parameter not
named), WRONG (another exception, or one raised inside a library), SILENT (a value returned for
input that should be refused), HANG/CRASH (timeout or RecursionError). Rows that must return
(``expect="value"``) and do are counted as "legit excluded".

Usage::

    .venv/bin/python scripts/bad_input_probe.py [--area attacks] [--out report.txt]

Every row runs in this process with a SIGALRM timeout (its ``timeout``, 20 s by default), so
run it with ``nice`` on a shared machine. Exit status 1 if any row is not GOOD (or LEGIT).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import bad_input_cases as cases  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", action="append", help="only these areas (repeatable)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    rows = [r for r in cases.ROWS if not args.area or r.area in args.area]
    results = []
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in rows:
            category, what = cases.run(r)
            results.append((r, category, what))
    seconds = time.perf_counter() - start

    counts = collections.defaultdict(collections.Counter)
    for r, category, _ in results:
        counts[r.area][category] += 1
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "?"
    lines = [f"# Bad inputs tried against trustlab's public API (commit {commit}, "
             f"{datetime.date.today()}, {len(rows)} calls in {seconds:.0f} s)",
             "# Rows: tests/bad_input_cases.py; categories: see scripts/bad_input_probe.py", "",
             f"{'area':<28}" + "".join(f"{c:>11}" for c in cases.CATEGORIES) + f"{'total':>7}"]
    total = collections.Counter()
    for area in sorted(counts):
        c = counts[area]
        total.update(c)
        n = sum(v for k, v in c.items() if k != "LEGIT")
        lines.append(f"{area:<28}" + "".join(f"{c[k]:>11}" for k in cases.CATEGORIES) + f"{n:>7}")
    n = sum(v for k, v in total.items() if k != "LEGIT")
    lines.append(f"{'TOTAL':<28}" + "".join(f"{total[k]:>11}" for k in cases.CATEGORIES) + f"{n:>7}")
    lines.append(f"legit excluded: {total['LEGIT']}")
    for category in ("HANG/CRASH", "WRONG", "SILENT", "VAGUE"):
        bad = [(r, what) for r, c, what in results if c == category]
        if bad:
            lines += ["", f"## {category}"] + [f"- [{r.area}] {r.label} -> {what}" for r, what in bad]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.out:
        args.out.write_text(report)
    return 0 if all(c in ("GOOD", "LEGIT") for _, c, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
