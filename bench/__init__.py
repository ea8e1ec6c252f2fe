"""Benchmarks for `make bench`: each figure is a ratio against a floor measured in the same run."""
