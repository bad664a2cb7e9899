"""Benchmarks (not timed tests): `make bench-validate`, `make bench-site`, `make bench-search`.

benchmarks.corpus writes the synthetic site they all measure.
"""
