"""The benchmark suite: synthetic data at scale, load on gunicorn, query plans.

Run it with `python -m bench --reports 100000` (see docs/performance.md).
"""
