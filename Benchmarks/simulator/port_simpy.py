#!/usr/bin/env python3
"""The simulator's models written again with SimPy, from the same scenario files, as an independent check.

    python3 port_simpy.py SCENARIO.json [--seeds 1,2,3] [--customers N]

Supports the `mmc` and `pickup` models of Clearway's scenario format (see Scenarios/ and
Sources/ClearwaySim/Port/PickupModel.swift: the rules here are the ones ClearwayCore enforces for those procedures,
restated by hand). Prints one JSON line per seed: the headline measures, the model's own event count (arrivals,
departures, discharges … — the same events Clearway counts) and the wall time. Needs `pip install simpy`.
"""
import argparse
import json
import math
import random
import sys
import time

import simpy


def sampler(rng, spec):
    """Minutes drawn from a scenario distribution, with the same parameterisation as Distribution.swift."""
    kind = spec["kind"]
    if kind == "constant":
        return lambda: spec["mean"]
    if kind == "exponential":
        return lambda: rng.expovariate(1 / spec["mean"])
    if kind == "uniform":
        return lambda: rng.uniform(spec["min"], spec["max"])
    if kind == "triangular":
        return lambda: rng.triangular(spec["min"], spec["max"], spec["mode"])
    if kind == "lognormal":
        m, s = spec["mean"], spec.get("sd", 0)
        var = math.log(1 + (s * s) / (m * m))
        mu = math.log(m) - var / 2
        return lambda: rng.lognormvariate(mu, math.sqrt(var))
    raise ValueError(f"unknown distribution kind {kind}")


def mmc(p, seed, customers=None):
    customers = customers or p["customers"]
    warmup = p.get("warmup", 0)
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=p["servers"])
    gap, service = 60 / p["arrivalsPerHour"], p["serviceMinutes"]
    waits = []
    events = [0]

    def customer(index):
        arrived = env.now
        with servers.request() as request:
            yield request
            if index >= warmup:
                waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1 / service))
            events[0] += 1  # departure

    def source():
        for index in range(customers):
            yield env.timeout(rng.expovariate(1 / gap))
            events[0] += 1  # arrival
            env.process(customer(index))

    env.process(source())
    env.run()
    return {"mean wait": sum(waits) / len(waits), "customers measured": len(waits)}, events[0]


def pickup(p, seed):
    rng = random.Random(seed)
    draw = {k: sampler(rng, v) for k, v in p.items() if isinstance(v, dict)}
    env = simpy.Environment()
    berths = simpy.Resource(env, capacity=p["berths"])
    officers = simpy.Resource(env, capacity=p["officers"])
    lanes = simpy.Resource(env, capacity=p["inspectionLanes"])
    yard = simpy.Resource(env, capacity=p["yardCranes"])
    gates = simpy.Resource(env, capacity=p["gateLanes"])
    serial = p["procedure"] == "serial"
    vessels = int(p["days"] * 24 / p["vesselEveryHours"])
    dwell, ship_side = [], [0]
    events = [0]

    def vessel(arrival, berthed, cranes, landings):
        yield env.timeout(arrival - env.now)
        with berths.request() as r:
            yield r
            berthed.succeed()
            yield env.all_of(landings)  # the berth is free once the last box is discharged

    def box(arrival, berthed, cranes):
        u = rng.random()
        lane = "inspection" if u < p["inspectionShare"] else "documentary" if u < p["inspectionShare"] + p["documentaryShare"] else "green"
        lodged_at = arrival + draw["declaredAfterArrival"]() if serial else max(0, arrival - draw["declaredBeforeArrival"]())
        discharged = env.event()
        released = env.event()

        def customs():
            yield env.timeout(max(lodged_at - env.now, 0))
            events[0] += 1  # lodgement
            pending = [env.timeout(draw["dutyPayment"]())]
            if lane == "documentary":
                def review():
                    with officers.request() as r:
                        yield r
                        yield env.timeout(draw["documentReview"]())
                pending.append(env.process(review()))
            elif lane == "inspection":
                def inspect():
                    yield discharged  # goods are inspected once on the quay
                    with lanes.request() as r:
                        yield r
                        yield env.timeout(draw["inspection"]())
                pending.append(env.process(inspect()))
            yield env.all_of(pending)
            released.succeed()

        def quay():
            yield berthed
            with cranes.request() as r:
                yield r
                yield env.timeout(draw["craneMove"]())
            events[0] += 1  # discharge
            landed = env.now
            discharged.succeed()
            if not serial:
                yield env.timeout(draw["shipSideTruck"]())
                if released.triggered:
                    ship_side[0] += 1
                    dwell.append(env.now - landed)
                    return
            yield released
            yield env.timeout(draw["truckAfterRelease"]())
            with yard.request() as r:
                yield r
                yield env.timeout(draw["yardRetrieval"]())
            with gates.request() as r:
                yield r
                yield env.timeout(draw["gate"]())
            events[0] += 1  # gate-out
            dwell.append(env.now - landed)

        env.process(customs())
        env.process(quay())
        return discharged

    for index in range(vessels):
        arrival = (index + 0.5) * p["vesselEveryHours"] * 60
        berthed = env.event()
        cranes = simpy.Resource(env, capacity=p["cranes"])  # the gang of the berth the vessel gets
        landings = [box(arrival, berthed, cranes) for _ in range(p["boxesPerVessel"])]
        env.process(vessel(arrival, berthed, cranes, landings))
    env.run()
    dwell.sort()
    return {
        "mean discharge to gate-out": sum(dwell) / len(dwell),
        "median discharge to gate-out": dwell[math.ceil(0.5 * len(dwell)) - 1],
        "picked up at ship side": 100 * ship_side[0] / len(dwell),
        "boxes out of the gate": len(dwell),
    }, events[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--customers", type=int, help="mmc: customers instead of the scenario's")
    args = parser.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)
    for seed in (int(s) for s in args.seeds.split(",")):
        start = time.perf_counter()
        if scenario["model"] == "mmc":
            measures, events = mmc(scenario["parameters"], seed, args.customers)
        elif scenario["model"] == "pickup":
            measures, events = pickup(scenario["parameters"], seed)
        else:
            sys.exit(f"{args.scenario}: model {scenario['model']} is not written in SimPy here (mmc and pickup are)")
        seconds = time.perf_counter() - start
        print(json.dumps({"seed": seed, "measures": measures, "events": events, "seconds": seconds}))


if __name__ == "__main__":
    main()
