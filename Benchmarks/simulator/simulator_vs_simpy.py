#!/usr/bin/env python3
"""Clearway's simulation engine against SimPy on the same M/M/c model, in the same run.

Runs the M/M/c model (5 servers, load 0.867: Scenarios/mmc-erlang.json) in SimPy (port_simpy.py) and with
`clearway bench simulator` (release build), counting the same events (an arrival and a departure per customer), and
prints both rates and their ratio. Needs `pip install simpy` and `swift build -c release --product clearway` first.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import port_simpy  # noqa: E402

here = os.path.dirname(__file__)
parser = argparse.ArgumentParser()
parser.add_argument("--simpy-customers", type=int, default=300_000)
parser.add_argument("--clearway-customers", type=int, default=5_000_000)
parser.add_argument("--clearway", default=os.path.join(here, "../../.build/release/clearway"))
args = parser.parse_args()

import json  # noqa: E402

with open(os.path.join(here, "../../Scenarios/mmc-erlang.json")) as f:
    parameters = json.load(f)["parameters"]
parameters["warmup"] = 0
start = time.perf_counter()
measures, simpy_events = port_simpy.mmc(parameters, seed=1, customers=args.simpy_customers)
simpy_seconds = time.perf_counter() - start
simpy_rate = simpy_events / simpy_seconds

out = subprocess.run([args.clearway, "bench", "simulator", "--customers", str(args.clearway_customers)],
                     check=True, capture_output=True, text=True).stdout
lines = dict(line.split(": ", 1) for line in out.strip().splitlines())
clearway_rate = float(lines["simulator"].split()[0])
floor_rate = float(lines["floor"].split()[0])

print(f"{'engine':<10} {'customers':>10} {'events':>10} {'seconds':>8} {'events/s':>12}")
print(f"{'SimPy':<10} {args.simpy_customers:>10} {simpy_events:>10} {simpy_seconds:>8.3f} {simpy_rate:>12,.0f}")
print(f"{'Clearway':<10} {args.clearway_customers:>10} {int(lines['events']):>10} {float(lines['seconds']):>8.3f} {clearway_rate:>12,.0f}")
print(f"floor (same draws and agenda, no model): {floor_rate:,.0f} events/s")
print(f"SimPy mean wait {measures['mean wait']:.3f} min; {lines['model']}")
print(f"ratio: {clearway_rate / simpy_rate:.1f} (target ≥ 50; and ≥ 5,000,000 events/s)")
