"""Benchmarks: ``python bench/run.py`` (see docs/performance.md). Never imported by the app."""
