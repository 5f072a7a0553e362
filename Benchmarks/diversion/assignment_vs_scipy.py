#!/usr/bin/env python3
"""Clearway's assignment solver against scipy's linear_sum_assignment on the same cost matrices.

Writes random integer-valued n×n matrices (n = 200, 1000, 2000 by default), solves each with scipy and with
`clearway bench assign` (release build), checks the optimal costs are identical, and prints both times and
their ratio. Needs `pip install numpy scipy` and `swift build -c release --product clearway` first.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

parser = argparse.ArgumentParser()
parser.add_argument("--sizes", default="200,1000,2000")
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--clearway", default=os.path.join(os.path.dirname(__file__), "../../.build/release/clearway"))
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
sizes = [int(s) for s in args.sizes.split(",")]
rows = []
with tempfile.TemporaryDirectory() as tmp:
    files = []
    for n in sizes:
        costs = rng.integers(0, 1_000_000, size=(n, n)).astype(np.float64)
        path = os.path.join(tmp, f"cost-{n}.f64")
        costs.astype("<f8").tofile(path)
        files.append(path)
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            r, c = linear_sum_assignment(costs)
            best = min(best, time.perf_counter() - start)
        rows.append({"n": n, "scipy_cost": costs[r, c].sum(), "scipy_s": best})
    out = subprocess.run([args.clearway, "bench", "assign", "--repeats", str(args.repeats), *files],
                         check=True, capture_output=True, text=True).stdout
    for row, line in zip(rows, out.strip().splitlines()[1:]):
        _, n, cost, seconds = line.split("\t")
        assert int(n) == row["n"]
        row["clearway_cost"] = float(cost)
        row["clearway_s"] = float(seconds)

print(f"{'n':>6} {'optimal cost (scipy)':>22} {'same in Clearway':>17} {'scipy s':>9} {'Clearway s':>11} {'ratio':>6}")
ok = True
for row in rows:
    same = row["scipy_cost"] == row["clearway_cost"]
    ok &= same
    ratio = row["clearway_s"] / row["scipy_s"]
    print(f"{row['n']:>6} {row['scipy_cost']:>22.0f} {str(same):>17} {row['scipy_s']:>9.4f} {row['clearway_s']:>11.4f} {ratio:>6.2f}")
target = next((r for r in rows if r["n"] == 1000), None)
if target:
    print(f"ratio at n=1000: {target['clearway_s'] / target['scipy_s']:.2f} (target ≤ 2)")
sys.exit(0 if ok else 1)
