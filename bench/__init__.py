"""The benchmarks behind `make bench` (`python -m bench`).

The package may import any app; no app imports it.
"""
