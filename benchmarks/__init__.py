"""Reproducible benchmarks. Each prints a ratio against its reference measured in the same run."""
