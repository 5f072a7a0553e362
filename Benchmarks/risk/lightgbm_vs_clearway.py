#!/usr/bin/env python3
"""Clearway's risk model beside LightGBM on the same split and the same features.

Trains both on the Korea Customs Service synthetic 2020 declarations and scores the 2021 Q1 file neither saw.
The features are built here exactly as ClearwayCore's RiskSchema.standard builds them (profiles learnt out of
fold, five folds by row index, smoothing 10), so the comparison is of the learners, not of feature engineering.

    pip install lightgbm numpy
    swift build -c release --product clearway
    python3 Benchmarks/risk/lightgbm_vs_clearway.py [--data ../shared/data/customs-risk] [--clearway .build/release/clearway]

Prints precision@1/2/5/10%, AUC and training seconds for each, and the ratios.
"""
import argparse, csv, math, os, subprocess, sys, tempfile, time

import numpy as np
import lightgbm as lgb

FIELDS = {"Office ID": "office", "Process Type": "processType", "Import Type": "supervisionMode",
          "Import Use": "usage", "Payment Type": "paymentType", "Mode of Transport": "transportMode",
          "Declarant ID": "declarant", "Importer ID": "importer", "Seller ID": "seller", "Courier ID": "courier",
          "HS6 Code": "commodity", "Country of Departure": "departureCountry", "Country of Origin": "originCountry",
          "Tax Rate": "taxRate", "Tax Type": "taxType", "Country of Origin Indicator": "originIndicator",
          "Net Mass": "netMass", "Item Price": "itemPrice"}
PROFILES = [("declarant", [("declarant", 0)]), ("importer", [("importer", 0)]), ("seller", [("seller", 0)]),
            ("courier", [("courier", 0)]), ("commodity", [("commodity", 0)]), ("heading", [("commodity", 4)]),
            ("chapter", [("commodity", 2)]), ("importer and heading", [("importer", 0), ("commodity", 4)]),
            ("declarant and chapter", [("declarant", 0), ("commodity", 2)])]
CATEGORIES = ["office", "processType", "supervisionMode", "usage", "paymentType", "transportMode",
              "departureCountry", "originCountry", "taxType", "originIndicator"]
SMOOTHING, FOLDS = 10.0, 5


def load(path):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rec = {FIELDS[k]: v for k, v in r.items() if k in FIELDS and v != ""}
            rec["label"] = int(r["Fraud"])
            rows.append(rec)
    return rows


def key(rec, parts):
    out = []
    for field, prefix in parts:
        if field not in rec:
            return None
        out.append(rec[field][:prefix] if prefix else rec[field])
    return "|".join(out)


def tally(rows, parts):
    t = {}
    for r in rows:
        k = key(r, parts)
        if k is None:
            continue
        h, c = t.get(k, (0, 0))
        t[k] = (h + r["label"], c + 1)
    return t


def number(rec, field):
    try:
        v = float(rec[field])
        return v if math.isfinite(v) else None
    except (KeyError, ValueError):
        return None


def encode(rec, profiles, prior, cats):
    mass, price, tax = number(rec, "netMass"), number(rec, "itemPrice"), number(rec, "taxRate")
    row = [tax if tax is not None else np.nan,
           math.log1p(max(mass, 0)) if mass is not None else np.nan,
           math.log1p(max(price, 0)) if price is not None else np.nan,
           math.log1p(max(price, 0) / (1 + max(mass, 0))) if mass is not None and price is not None else np.nan]
    for name, parts in PROFILES:
        k = key(rec, parts)
        if k is None:
            row += [np.nan, np.nan]
        else:
            h, c = profiles[name].get(k, (0, 0))
            row += [(h + SMOOTHING * prior) / (c + SMOOTHING), math.log1p(c)]
    for field in CATEGORIES:
        row.append(cats[field].get(rec.get(field), 0))
    return row


def features(train, valid):
    prior = sum(r["label"] for r in train) / len(train)
    cats = {}
    for field in CATEGORIES:
        counts = {}
        for r in train:
            if field in r:
                counts[r[field]] = counts.get(r[field], 0) + 1
        kept = sorted(((c, v) for v, c in counts.items() if c >= 5), key=lambda cv: (-cv[0], cv[1]))[:250]
        cats[field] = {v: i + 1 for i, (c, v) in enumerate(kept)}
    xtr = [None] * len(train)
    for fold in range(FOLDS):
        others = [r for i, r in enumerate(train) if i % FOLDS != fold]
        profiles = {name: tally(others, parts) for name, parts in PROFILES}
        for i in range(fold, len(train), FOLDS):
            xtr[i] = encode(train[i], profiles, prior, cats)
    full = {name: tally(train, parts) for name, parts in PROFILES}
    xva = [encode(r, full, prior, cats) for r in valid]
    categorical = list(range(4 + 2 * len(PROFILES), 4 + 2 * len(PROFILES) + len(CATEGORIES)))
    return np.array(xtr, dtype=float), np.array(xva, dtype=float), categorical


def precision_at(scores, labels, pct):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    n = max(1, int(len(scores) * pct / 100))
    return sum(labels[i] for i in order[:n]) / n


def auc(scores, labels):
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    pos = sum(labels)
    neg = len(labels) - pos
    return (sum(r for r, l in zip(ranks, labels) if l) - pos * (pos + 1) / 2) / (pos * neg)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(root, "..", "shared", "data", "customs-risk"))
    p.add_argument("--clearway", default=os.path.join(root, ".build", "release", "clearway"))
    p.add_argument("--rounds", type=int, default=300)
    a = p.parse_args()
    train_csv = os.path.join(a.data, "df_syn_train_eng.csv")
    valid_csv = os.path.join(a.data, "df_syn_valid_eng.csv")
    train, valid = load(train_csv), load(valid_csv)
    ytr = np.array([r["label"] for r in train])
    yva = [r["label"] for r in valid]

    xtr, xva, categorical = features(train, valid)
    params = dict(objective="binary", learning_rate=0.05, num_leaves=63, min_data_in_leaf=20, lambda_l2=1.0,
                  cat_l2=10.0, cat_smooth=10.0, max_cat_threshold=32, min_data_per_group=50, max_bin=255,
                  num_threads=os.cpu_count(), verbose=-1, seed=1)
    started = time.perf_counter()
    booster = lgb.train(params, lgb.Dataset(xtr, ytr, categorical_feature=categorical), num_boost_round=a.rounds)
    lgb_seconds = time.perf_counter() - started
    lgb_scores = list(booster.predict(xva))

    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "model.json")
        started = time.perf_counter()
        out = subprocess.run([a.clearway, "risk", "train", "--data", train_csv, "--out", model,
                              "--rounds", str(a.rounds)], check=True, capture_output=True, text=True).stdout
        wall = time.perf_counter() - started
        cw_seconds = float(next(l.split(": ")[1] for l in out.splitlines() if l.startswith("training seconds")))
        ev = subprocess.run([a.clearway, "risk", "eval", "--model", model, "--data", valid_csv],
                            check=True, capture_output=True, text=True).stdout
    cw = dict(l.split(": ", 1) for l in ev.splitlines())

    print(f"split: train {len(train)} rows (2020), evaluate {len(valid)} rows (2021 Q1), {a.rounds} rounds")
    print(f"{'figure':<16}{'clearway':>10}{'lightgbm':>10}")
    for pct in (1, 2, 5, 10):
        print(f"{'precision@%d%%' % pct:<16}{float(cw['precision@%d%%' % pct]):>10.3f}"
              f"{precision_at(lgb_scores, yva, pct):>10.3f}")
    print(f"{'auc':<16}{float(cw['auc']):>10.3f}{auc(lgb_scores, yva):>10.3f}")
    print(f"{'train seconds':<16}{cw_seconds:>10.2f}{lgb_seconds:>10.2f}   (clearway wall incl. CSV and features: {wall:.2f})")
    print(f"precision@5% ratio (clearway / lightgbm): {float(cw['precision@5%']) / precision_at(lgb_scores, yva, 5):.3f}")
    print(f"training time ratio (clearway / lightgbm): {cw_seconds / lgb_seconds:.2f}")


if __name__ == "__main__":
    sys.exit(main())
