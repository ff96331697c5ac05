"""Fixtures for the text core tests: the real texts in the shared corpus beside the repository."""

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Return the shared corpus folder, or skip the test when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent: this test reads real texts from {CORPUS}")
    return CORPUS
