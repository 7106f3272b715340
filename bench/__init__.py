"""The benchmark harness: `python -m bench` (or `make bench`).

Generates its own data (fixed seeds, under bench/data/), runs B1–B5 (issue 8) and B6 (issue 14), prints every
figure beside its baseline and target, writes bench/results.json and rewrites the results table
in BENCHMARKS.md. Each measured subject runs in a fresh subprocess, interleaved with its
baseline, and the medians are compared: the machine is shared, so only ratios measured side by
side mean anything.
"""
