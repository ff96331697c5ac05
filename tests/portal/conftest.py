"""The portal tests publish adaptations, so they share the adaptation factories."""

from tests.adaptation.conftest import adaptation, author, guideline_versions  # noqa: F401
from tests.portal.test_portal import publication, publish, reviewer  # noqa: F401
