"""Time the offline build as a user runs it: `python -m etl build` in a fresh interpreter.

    python bench/bench_build.py [--repeat 5]

Copies data/raw to a temporary folder, then times (a) a full build from nothing and
(b) a no-change rebuild, each `--repeat` times, and prints the median and the worst.
Targets (issue 3, on the 2-core reference machine): full build <= 5 s, no-change <= 1 s.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"full build": 5.0, "no-change rebuild": 1.0}


def timed_build(data_dir: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "etl", "--data-dir", str(data_dir), "build", "--quiet", *extra],
                   cwd=REPO, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = {"full build": [], "no-change rebuild": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            data = Path(tmp) / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(REPO / "data" / "raw", data / "raw")
            results["full build"].append(timed_build(data))
            results["no-change rebuild"].append(timed_build(data))
    failed = False
    for name, times in results.items():
        median, worst = statistics.median(times), max(times)
        ok = median <= TARGETS[name]
        failed |= not ok
        print(f"{name:<18} median {median:5.2f} s  worst {worst:5.2f} s  target <= {TARGETS[name]:.1f} s  "
              f"{'ok' if ok else 'OVER TARGET'}  (n={len(times)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
