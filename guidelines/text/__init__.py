"""The pure text core: Markdown, recommendation blocks, units, diffs and patches.

Strings in, strings out: nothing here knows Flask or the database.
"""

from guidelines.text.diff import DiffRow, UnitChange, VersionDiff, diff_versions
from guidelines.text.frontmatter import FrontMatterError, split_front_matter
from guidelines.text.hashing import sha256_text
from guidelines.text.markdown import RenderedDocument, render_fragment, render_markdown
from guidelines.text.patches import PatchError, apply_patch, make_patch
from guidelines.text.rebase import RebaseHunk, RebaseResult, rebase
from guidelines.text.significance import clinical_flags
from guidelines.text.structure import (
    Recommendation,
    RecommendationError,
    Unit,
    parse_recommendations,
    split_units,
)

__all__ = [
    "DiffRow",
    "FrontMatterError",
    "PatchError",
    "Recommendation",
    "RebaseHunk",
    "RebaseResult",
    "RecommendationError",
    "RenderedDocument",
    "Unit",
    "UnitChange",
    "VersionDiff",
    "apply_patch",
    "clinical_flags",
    "diff_versions",
    "make_patch",
    "parse_recommendations",
    "rebase",
    "render_fragment",
    "render_markdown",
    "sha256_text",
    "split_front_matter",
    "split_units",
]
