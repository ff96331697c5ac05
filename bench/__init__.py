"""Benchmarks of the guideline workbench on the shared corpus: ``python -m bench``."""
