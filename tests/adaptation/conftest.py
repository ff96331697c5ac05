"""Factories for adaptations: a guideline with two versions and an author of its network."""

import pytest

from guidelines.adaptation.operations import start_adaptation
from guidelines.extensions import db

V1 = """# Bone care

## Scans

::: recommendation R1 strength=strong certainty=low direction=for
Scan the spine every 2 years.
:::

## Treatment

::: recommendation R2 strength=conditional certainty=moderate direction=for
Offer bisphosphonates to adults with fractures.
:::

::: recommendation R3 strength=strong certainty=high direction=for
Refer to an expert centre.
:::
"""

# Upstream: R1's interval changed; R2 untouched; R3 reworded.
V2 = V1.replace("every 2 years", "every 12 months").replace(
    "Refer to an expert centre.", "Refer every adult to an expert centre."
)


@pytest.fixture
def author(make_user):
    """Return an author of the network 'bot'."""
    return make_user(role="author", networks=("bot",))


@pytest.fixture
def guideline_versions(import_text):
    """Return the two versions of the guideline 'bone-care' (ERN BOND, followed by 'bot')."""
    first = import_text(V1, slug="bone-care", label="1.0", ern="BOND")
    second = import_text(V2, slug="bone-care", label="2.0")
    return first, second


@pytest.fixture
def adaptation(guideline_versions, author):
    """Return an adaptation of version 1.0 by the network 'bot'."""
    first, _second = guideline_versions
    network = next(n for n in author.networks if n.code == "bot")
    adaptation = start_adaptation(first.guideline, network, user=author, version=first)
    db.session.commit()
    return adaptation
