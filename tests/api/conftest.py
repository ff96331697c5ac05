"""The API tests use the adaptation factories too."""

from tests.adaptation.conftest import adaptation, author, guideline_versions  # noqa: F401
