"""The shared test corpus beside the repository: where it is and what the benchmarks read."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SEARCH = CORPUS / "search"
VERSIONS = CORPUS / "versions"

_VERSION_NUMBER = re.compile(r"v(\d+)\.md")


class CorpusMissing(RuntimeError):
    """The shared corpus, or the part of it a benchmark needs, is not there."""


def require(path: Path) -> Path:
    """Return ``path``, or raise CorpusMissing naming it when it does not exist."""
    if not path.exists():
        raise CorpusMissing(f"{path} is absent: the benchmarks read ../shared/corpus")
    return path


def search_documents() -> list[Path]:
    """Return the Markdown documents of the search corpus, sorted (``_index.json`` left out)."""
    return sorted(require(SEARCH).glob("*.md"))


def version_chains() -> dict[str, list[Path]]:
    """Return each versioned document's files, oldest first (by the number in ``vNN.md``)."""
    chains: dict[str, list[Path]] = {}
    for folder in sorted(p for p in require(VERSIONS).iterdir() if p.is_dir()):
        files = [p for p in folder.glob("v*.md") if _version_number(p) is not None]
        chains[folder.name] = sorted(files, key=_version_number)
    return chains


def _version_number(path: Path) -> int | None:
    match = _VERSION_NUMBER.fullmatch(path.name)
    return int(match.group(1)) if match else None


def consecutive_pairs() -> list[tuple[Path, Path]]:
    """Return every pair of consecutive versions, across all versioned documents."""
    pairs: list[tuple[Path, Path]] = []
    for files in version_chains().values():
        pairs.extend(zip(files, files[1:], strict=False))
    return pairs


def largest_document() -> Path:
    """Return the largest Markdown file (by bytes) of the search and versions corpora."""
    candidates = search_documents() + [p for chain in version_chains().values() for p in chain]
    return max(candidates, key=lambda p: (p.stat().st_size, p.name))


def read(path: Path) -> str:
    """Return the text of a corpus file."""
    return path.read_text(encoding="utf-8")
