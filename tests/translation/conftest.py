"""Factories for translations: an English guideline with two versions, and a translator."""

import pytest

from guidelines.translation import memory

DOC_V1 = """# Bone care

Adults with brittle bones need [regular checks](https://example.org/checks).

## Scans

- Scan the spine every 2 years.
- Use `DXA` for bone density.

::: recommendation R1 strength=strong certainty=low direction=for
Give 5 mg of vitamin D daily.
:::
"""

DOC_V2 = DOC_V1.replace("Give 5 mg", "Give 10 mg").replace(
    "Use `DXA` for bone density.", "Use `DXA` for bone density in adults."
)


def dutch(source: str) -> str:
    """Return a stand-in Dutch translation that keeps every placeholder."""
    return f"NL {source}"


@pytest.fixture(autouse=True)
def _fresh_memory_index():
    # The in-process index must not keep entries of tests whose transaction was rolled back.
    memory.forget_indexes()
    yield
    memory.forget_indexes()


@pytest.fixture
def translator(make_user):
    return make_user(role="translator", networks=("bot",))


@pytest.fixture
def versions(import_text):
    first = import_text(DOC_V1, slug="bone-care", label="1", ern="BOND")
    second = import_text(DOC_V2, slug="bone-care", label="2")
    return first, second
