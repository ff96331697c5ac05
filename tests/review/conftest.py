"""The audit tests drive operations of every feature, so they share those features' factories."""

from tests.adaptation.conftest import adaptation, author, guideline_versions  # noqa: F401
from tests.translation.conftest import _fresh_memory_index, translator, versions  # noqa: F401
