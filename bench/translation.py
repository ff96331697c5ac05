"""Translation memory benchmark: fuzzy suggestions for a whole document against 50,000 entries.

The memory holds the segments of the largest document's earlier versions (what a memory built
while translating them would hold) and then real corpus segments, near-duplicates included;
targets are synthetic (the source's words reversed): only the sources matter to the index.
"""

import difflib
import gc
import re
import resource
import time
from pathlib import Path

from bench import corpus
from bench.report import Result
from bench.timing import median, peak_rss_result, percentile, time_call
from guidelines.translation.memory_index import (
    MemoryIndex,
    Suggestion,
    normalise,
    similarity,
    tokenise,
)

MEMORY_SIZE = 50_000
QUICK_MEMORY_SIZE = 10_000
SUGGEST_TARGET_S = 2.0
THRESHOLD = 0.7
LIMIT = 5
BASELINE_SEGMENTS = 5
QUICK_BASELINE_SEGMENTS = 2

# Leading Markdown markers, possibly nested: headings, quotes, bullets, numbered items.
_MARKERS = re.compile(r"^(?:\s*(?:#{1,6}|>|[*+-]|\d+[.)])(?:\s+|$))*")
_WORD = re.compile(r"\w")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"])")


def segments(text: str) -> list[str]:
    """Return a Markdown text's non-empty lines, stripped of front matter and line markers."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---" and "---" in lines[1:]:
        lines = lines[lines.index("---", 1) + 1 :]
    stripped = (_MARKERS.sub("", line).strip() for line in lines)
    return [line for line in stripped if _WORD.search(line)]


def earlier_versions(document: Path) -> list[Path]:
    """Return the versions before ``document`` in its version chain (none outside a chain)."""
    chain = corpus.version_chains().get(document.parent.name, [])
    return chain[: chain.index(document)] if document in chain else []


def sentences(segment: str) -> list[str]:
    """Return the sentences of a segment that has several, else nothing."""
    found = _SENTENCE_END.split(segment)
    return found if len(found) > 1 else []


def memory_pairs(document: Path, size: int) -> list[tuple[str, str]]:
    """Return ``size`` (source, target) pairs: earlier versions first, then the search corpus.

    Each line is a source, and so is each sentence of a line that has several (a memory holds
    both, from documents segmented either way). A source is taken once: the application adds
    no pair it holds already, and a synthetic target is a function of its source.
    """
    paths = earlier_versions(document) + corpus.search_documents()
    seen: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for path in paths:
        for line in segments(corpus.read(path)):
            for source in [line, *sentences(line)]:
                if normalise(source) in seen:
                    continue
                seen.add(normalise(source))
                pairs.append((source, " ".join(reversed(source.split()))))
                if len(pairs) == size:
                    return pairs
    raise corpus.CorpusMissing(f"the corpus has {len(pairs):,} segments, fewer than {size:,}")


def current_rss_mb() -> float:
    """Return this process's resident set size now, in megabytes (Linux; 0 elsewhere)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return 0.0
    return int(fields[1]) * resource.getpagesize() / (1024 * 1024)


def build_index(pairs: list[tuple[str, str]]) -> MemoryIndex:
    """Return an index of ``pairs``, entry ids counted from 1."""
    index = MemoryIndex()
    for entry_id, (source, target) in enumerate(pairs, start=1):
        index.add(entry_id, source, target)
    return index


def brute_force(
    pairs: list[tuple[str, str]], query: str, limit: int = LIMIT, threshold: float = THRESHOLD
) -> list[tuple[int, float]]:
    """Return what ``suggest`` must return, by scoring every entry: the correctness check."""
    scores: dict[str, float] = {}
    scored = []
    for entry_id, (source, _) in enumerate(pairs, start=1):
        text = normalise(source)
        if text not in scores:
            scores[text] = similarity(query, source)
        if scores[text] >= threshold:
            scored.append((-scores[text], entry_id))
    return [(entry_id, -negative) for negative, entry_id in sorted(scored)[:limit]]


def difflib_seconds(sources: list[str], queries: list[str]) -> float:
    """Return the time difflib's get_close_matches (what Babel uses) takes per query, in s."""
    start = time.perf_counter()
    for query in queries:
        difflib.get_close_matches(query, sources, n=LIMIT, cutoff=THRESHOLD)
    return (time.perf_counter() - start) / len(queries)


def spread(items: list[str], count: int) -> list[str]:
    """Return ``count`` items taken at even steps through ``items``."""
    step = max(len(items) // count, 1)
    return items[::step][:count]


def run(quick: bool) -> list[Result]:
    """Build the memory, time suggestions for every segment of the largest document."""
    document = corpus.largest_document()
    queries = segments(corpus.read(document))
    pairs = memory_pairs(document, QUICK_MEMORY_SIZE if quick else MEMORY_SIZE)
    memory = f"{len(pairs):,} entries"

    gc.collect()
    before = current_rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    index = build_index(pairs)
    build_seconds, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.collect()
    index_mb = current_rss_mb() - before

    index.suggest(queries[0])  # warm: the first call pays for nothing the others do not
    found: list[list[Suggestion]] = []
    cpu = time.process_time()
    durations = [time_call(lambda q=q: found.append(index.suggest(q))) for q in queries]
    total, total_cpu = sum(durations), time.process_time() - cpu
    per_segment = [d * 1e3 for d in durations]
    with_any = sum(1 for hits in found if hits)
    with_exact = sum(1 for hits in found if hits and hits[0].similarity == 1.0)
    with_fuzzy = sum(1 for hits in found if any(hit.similarity < 1.0 for hit in hits))
    only_fuzzy = sum(1 for hits in found if hits and hits[0].similarity < 1.0)
    tokens = sorted(len(tokenise(q)) for q in queries)

    checked = spread(queries, QUICK_BASELINE_SEGMENTS if quick else BASELINE_SEGMENTS)
    expected = [brute_force(pairs, q) for q in checked]
    actual = [[(s.entry_id, s.similarity) for s in index.suggest(q)] for q in checked]
    correct = expected == actual
    baseline = difflib_seconds([source for source, _ in pairs], checked) * len(queries)
    where = f"{document.parent.name}/{document.name}"
    return [
        Result("memory index build", build_seconds, "s", note=f"{memory}, CPU {build_cpu:.2f} s"),
        Result("memory index size (RSS delta)", index_mb, "MB", note="sources held by caller"),
        Result(
            "suggest, all segments of largest doc",
            total,
            "s",
            SUGGEST_TARGET_S,
            note=f"{len(queries)} segments of {where}, after one query, CPU {total_cpu:.2f} s",
            complete=correct,
        ),
        Result("suggest per segment p50", median(per_segment), "ms"),
        Result("suggest per segment p95", percentile(per_segment, 0.95), "ms"),
        Result("suggest per segment max", max(per_segment), "ms", note=f"max {tokens[-1]} tokens"),
        Result(
            f"segments with a suggestion >= {THRESHOLD}",
            with_any,
            "segments",
            note=f"of {len(queries)}: {with_exact} exact, {only_fuzzy} fuzzy only",
        ),
        Result(
            "segments with a fuzzy suggestion",
            with_fuzzy,
            "segments",
            note=f"similarity in [{THRESHOLD}, 1), exact match or not",
        ),
        Result(
            "suggest matches brute force",
            len(checked),
            "segments",
            note="identical" if correct else "DIFFERENT FROM A FULL SCAN",
            complete=correct,
        ),
        Result(
            "difflib get_close_matches, all segments",
            baseline,
            "s",
            note=f"extrapolated from {len(checked)}: {baseline / total:,.0f}x the index",
        ),
        peak_rss_result("translation"),
    ]
