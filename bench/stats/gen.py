#!/usr/bin/env python3
"""Generates the statistics benchmark data: N double-rated sessions on a 1-7 adherence scale.

Each session has a latent quality; raters A and B see it with their own bias and noise and
round to the scale. The same rows are written three times under the column names each
`kvalab stats` form expects (icc: subject,rater,score; kappa: subject,rater,category; alpha:
unit,coder,value), plus a wide file for R. Those files list sessions in id order, two rows
each, as an export sorted by session does; *_shuffled.csv hold the same rows in random order,
to time kvalab on files that are neither sorted nor grouped. Deterministic for a given --seed.
"""
import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sessions", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default="bench/out/stats")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    bias = {"A": 0.0, "B": 0.3}
    rows = []
    for s in range(1, a.sessions + 1):
        latent = rng.gauss(4.0, 1.2)
        pair = []
        for r in ("A", "B"):
            v = round(latent + bias[r] + rng.gauss(0, 0.7))
            pair.append(min(7, max(1, v)))
        rows.append((f"S{s:06d}", pair))
    lines = [f"{sid},{r},{v}\n" for sid, pair in rows for r, v in zip(("A", "B"), pair)]
    shuffled = lines[:]
    rng.shuffle(shuffled)
    for name, header in (("icc", "subject,rater,score"), ("kappa", "subject,rater,category"),
                         ("alpha", "unit,coder,value")):
        for suffix, body in (("", lines), ("_shuffled", shuffled)):
            with open(os.path.join(a.out, f"{name}{suffix}.csv"), "w") as f:
                f.write(header + "\n")
                f.writelines(body)
    with open(os.path.join(a.out, "wide.csv"), "w") as f:
        f.write("session,A,B\n")
        for sid, (x, y) in rows:
            f.write(f"{sid},{x},{y}\n")


if __name__ == "__main__":
    main()
