"""Diff benchmarks: consecutive corpus versions through ``diff_versions``, and ``make_patch``."""

import random

from bench import corpus
from bench.report import Result
from bench.timing import median, peak_rss_result, percentile, repeat_call
from guidelines.text.diff import diff_versions
from guidelines.text.patches import apply_patch, make_patch
from guidelines.text.structure import clear_units_cache

DIFF_TARGET_MS = 20.0
PATCH_TARGET_MS = 10.0
SYNTHETIC_BYTES = 100_000
CHANGED_SHARE = 0.05
SEED = 20261123


def cold_diff(old: str, new: str):
    """Compare two texts with every cache emptied first, as for texts never seen before."""
    clear_units_cache()
    return diff_versions(old, new)


def pair_durations(runs: int, *, cold: bool = True) -> dict[str, float]:
    """Return the median time of ``diff_versions`` per pair of consecutive versions, in seconds.

    Cold runs empty the units cache before each call; warm runs let repeated texts hit it, as
    a running server does for versions it has compared before.
    """
    compare = cold_diff if cold else diff_versions
    durations: dict[str, float] = {}
    for old_path, new_path in corpus.consecutive_pairs():
        old, new = corpus.read(old_path), corpus.read(new_path)
        name = f"{old_path.parent.name} {old_path.stem}->{new_path.stem}"
        durations[name] = median(repeat_call(lambda o=old, n=new: compare(o, n), runs))
    return durations


def synthetic_document(size: int = SYNTHETIC_BYTES) -> str:
    """Return about ``size`` characters of corpus lines, in a fixed order (the same every run)."""
    lines: list[str] = []
    length = 0
    for path in corpus.search_documents():
        for line in corpus.read(path).splitlines(keepends=True):
            if length + len(line) > size:
                return "".join(lines)
            lines.append(line)
            length += len(line)
    return "".join(lines)


def edit_lines(text: str, share: float = CHANGED_SHARE, seed: int = SEED) -> str:
    """Return ``text`` with ``share`` of its lines changed: a word replaced, deleted or added."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    # Edit lines with words in them: changing a blank line tests nothing.
    candidates = [number for number, line in enumerate(lines) if line.strip()]
    chosen = set(rng.sample(candidates, max(1, round(len(lines) * share))))
    edited: list[str] = []
    for number, line in enumerate(lines):
        if number not in chosen:
            edited.append(line)
            continue
        action = rng.random()
        if action < 0.6:
            words = line.split(" ")
            words[rng.randrange(len(words))] = rng.choice(["not", "12.5 mg", "weekly", "children"])
            edited.append(" ".join(words))
        elif action < 0.8:
            continue  # the line is deleted
        else:
            edited.extend([line, f"Added line {number}: seek specialist advice first.\n"])
    return "".join(edited)


def run_version_diffs(quick: bool) -> list[Result]:
    """Time ``diff_versions`` on every pair of consecutive versions in the corpus."""
    runs = 1 if quick else 5
    durations = pair_durations(runs, cold=True)
    values = [d * 1e3 for d in durations.values()]
    slowest = max(durations, key=durations.__getitem__)
    pairs = f"{len(values)} pairs, cold: no cache"
    warm = [d * 1e3 for d in pair_durations(runs, cold=False).values()]
    return [
        Result("diff_versions per pair, cold p50", median(values), "ms", note=pairs),
        Result("diff_versions per pair, cold p95", percentile(values, 0.95), "ms", DIFF_TARGET_MS),
        Result("diff_versions per pair, cold max", max(values), "ms", note=slowest),
        Result(
            "diff_versions per pair, warm p95",
            percentile(warm, 0.95),
            "ms",
            note="units cached by SHA-256",
        ),
    ]


def run_synthetic_patch(quick: bool) -> list[Result]:
    """Time ``make_patch`` on a 100 KB document with 5% of its lines changed."""
    old = synthetic_document()
    new = edit_lines(old)
    patch = make_patch(old, new)
    exact = apply_patch(old, patch) == new
    durations = [d * 1e3 for d in repeat_call(lambda: make_patch(old, new), 5 if quick else 30)]
    note = f"{len(old) / 1000:.0f} KB, patch {len(patch) / 1000:.0f} KB"
    if not exact:
        note += ", PATCH DOES NOT REPRODUCE THE TEXT"
    return [
        Result("make_patch 100 KB, 5% lines, p50", median(durations), "ms", note=note),
        Result(
            "make_patch 100 KB, 5% lines, p95",
            percentile(durations, 0.95),
            "ms",
            PATCH_TARGET_MS,
            complete=exact,
        ),
    ]


def run(quick: bool) -> list[Result]:
    """Run both diff benchmarks."""
    results = run_version_diffs(quick) + run_synthetic_patch(quick)
    results.append(peak_rss_result("diff"))
    return results
