"""``make doctor`` (``python -m trustlab.doctor``): is this machine ready for a trustlab session?

Prints one verdict per item (checks in :mod:`trustlab.envcheck`), the fix after each failure,
and a last line with the outcome. Exits 1 when any item fails; "warn" items (a port already
taken, no Chromium for the browser tests) do not fail it.
"""

from __future__ import annotations

import sys

from trustlab.envcheck import run_checks

__all__ = ["main"]


def main(argv=None) -> int:
    """Run every check, print the report, return the exit status (0: ready, 1: not ready)."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        print(f"usage: python -m trustlab.doctor (no arguments; got {' '.join(args)})", file=sys.stderr)
        return 2
    checks = run_checks()
    for check in checks:
        print(check.line())
    failed = [c.item for c in checks if c.status == "FAIL"]
    warned = [c.item for c in checks if c.status == "warn"]
    if failed:
        print(f"doctor: NOT READY: {len(failed)} of {len(checks)} checks failed ({', '.join(failed)}); "
              "apply the fixes above and run make doctor again")
        return 1
    note = f", {len(warned)} warning{'s' * (len(warned) > 1)} ({', '.join(warned)})" if warned else ""
    print(f"doctor: ready: {len(checks) - len(warned)} of {len(checks)} checks ok{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
