"""Benchmarks of the ticket server: `python -m bench.run_all` (what `make bench` runs).

Each benchmark starts its own server subprocess on a free port with a fresh temporary
database, measures a baseline in the same run, and prints its figures with the machine it
ran on. See bench/README.md.
"""
