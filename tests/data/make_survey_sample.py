#!/usr/bin/env python3
"""Generate datasets/samples/survey-synthetic-department-2024.csv.

SYNTHETIC data for demonstrations and tests: a made-up department survey
in the SIPAS layout (5 elements, 16 criteria, 1-5 answers, some blanks),
120 respondents. Deterministic (Python's random with a fixed seed). Not a
real survey; no real person answered it.
"""
import random
import sys

rng = random.Random(20240601)
elements = {
    "E1": ["E1.1", "E1.2", "E1.3"],
    "E2": ["E2.1", "E2.2", "E2.3"],
    "E3": ["E3.1", "E3.2", "E3.3", "E3.4"],
    "E4": ["E4.1", "E4.2", "E4.3"],
    "E5": ["E5.1", "E5.2", "E5.3"],
}
# element-level propensity to be satisfied, so elements differ
base = {"E1": 0.85, "E2": 0.78, "E3": 0.88, "E4": 0.82, "E5": 0.64}
out = sys.stdout
out.write("ma_phieu,yeu_to,tieu_chi,tra_loi\n")
for i in range(1, 121):
    mood = rng.gauss(0, 0.08)
    for e, crits in elements.items():
        for c in crits:
            if rng.random() < 0.03:
                out.write(f"P{i:03d},{e},{c},\n")  # no answer
                continue
            p = min(0.98, max(0.05, base[e] + mood))
            if rng.random() < p:
                a = 5 if rng.random() < 0.35 else 4
            else:
                a = rng.choice([1, 2, 3, 3, 3])
            out.write(f"P{i:03d},{e},{c},{a}\n")
