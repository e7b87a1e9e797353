"""The library stands alone: importing and running it loads no part of Django, and not the
reference package sortition-algorithms (a test-only dependency, for the benchmark)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_coproduce_sortition_imports_neither_django_nor_the_reference_package() -> None:
    code = ("import sys, random\n"
            "import coproduce.sortition as s\n"
            "s.select([s.Person('a', {'x': 'y'}), s.Person('b', {'x': 'y'})], [s.Quota('x', 'y', 0, 1)], 1,\n"
            "         rng=random.Random(0))\n"
            "import coproduce.sortition.cli\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'sortition_algorithms'))\n"
            "print(','.join(loaded) or 'none')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"
