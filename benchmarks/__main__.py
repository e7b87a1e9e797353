"""`python -m benchmarks [NAME ...] [-- ARGS]`: run benchmarks/NAME.py's main(), or all of them.

Arguments after `--` are passed to each benchmark's main(argv).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    if any(n in {"-h", "--help"} for n in names):
        print(__doc__)
        print("benchmarks:", ", ".join(available()))
        return 0
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    status = 0
    for name in names or available():
        print(f"\n### benchmark {name}", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.{name}")
        status |= int(module.main(extra) or 0)
        print(f"### {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
