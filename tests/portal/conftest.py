"""The portal tests publish adaptations, so they share the adaptation factories."""

from tests.adaptation.conftest import adaptation, author, guideline_versions  # noqa: F401
