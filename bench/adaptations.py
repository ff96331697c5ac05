"""Adaptation benchmarks: revision storage against a full copy, and rebase onto real versions."""

import difflib
import random
import zlib

from bench import corpus
from bench.diffs import edit_lines
from bench.report import Result
from bench.timing import median, percentile, repeat_call
from guidelines.adaptation.models import Revision
from guidelines.text import make_patch, rebase

STORAGE_SHARES = (0.01, 0.05, 0.20)
STORAGE_TARGET = 1.5  # stored revision / zlib-compressed line diff
REBASE_TARGET_MS = 50.0
REBASE_HUNKS = 20
SEED = 20261123


def zlib_line_diff_size(old: str, new: str) -> int:
    """Return the size of a zero-context unified line diff, zlib-compressed: the yardstick."""
    diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), n=0))
    return len(zlib.compress(diff.encode("utf-8"), 9))


def run_storage(_quick: bool) -> list[Result]:
    """Measure what a revision stores for 1%, 5% and 20% of the largest document's lines."""
    path = corpus.largest_document()
    text = corpus.read(path)
    full = len(text.encode("utf-8"))
    results = []
    for share in STORAGE_SHARES:
        local = edit_lines(text, share, seed=SEED)
        stored = len(Revision.pack_patch(make_patch(text, local)))
        yardstick = zlib_line_diff_size(text, local)
        label = f"{share:.0%} of lines"
        results.append(
            Result(
                f"revision storage, {label}, share of copy",
                100 * stored / full,
                "%",
                note=f"{stored:,} of {full:,} bytes ({path.name})",
            )
        )
        results.append(
            Result(
                f"revision storage, {label}, x zlib line diff",
                stored / yardstick,
                "x",
                STORAGE_TARGET,
                note=f"zlib line diff {yardstick:,} bytes",
            )
        )
    return results


def adapt_lines(text: str, hunks: int, seed: int) -> str:
    """Return ``text`` with one word changed on ``hunks`` distinct lines, spread by a seed."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    candidates = [n for n, line in enumerate(lines) if len(line.split()) > 3]
    for number in rng.sample(candidates, min(hunks, len(candidates))):
        words = lines[number].split(" ")
        position = rng.randrange(len(words))
        words[position] = rng.choice(["Flemish", "RIZIV", "12.5 mg", "not", "locally"])
        lines[number] = " ".join(words)
    return "".join(lines)


def run_rebase(quick: bool) -> list[Result]:
    """Time the rebase of a 20-hunk adaptation onto each next real version of the methodology."""
    paths = corpus.version_chains()["hl7-cpg-methodology"]
    runs = 1 if quick else 5
    durations, outcomes = [], {"applied": 0, "needs_confirmation": 0, "conflict": 0}
    for index, (old_path, new_path) in enumerate(zip(paths, paths[1:], strict=False)):
        old, new = corpus.read(old_path), corpus.read(new_path)
        local = adapt_lines(old, REBASE_HUNKS, SEED + index)
        durations.append(
            median(repeat_call(lambda o=old, mine=local, n=new: rebase(o, mine, n), runs))
        )
        for hunk in rebase(old, local, new).hunks:
            outcomes[hunk.outcome] += 1
    values = [d * 1e3 for d in durations]
    spread = ", ".join(f"{count} {name}" for name, count in outcomes.items())
    return [
        Result(
            "rebase 20 hunks onto next version, p50",
            median(values),
            "ms",
            note=f"{len(values)} methodology pairs",
        ),
        Result(
            "rebase 20 hunks onto next version, p95",
            percentile(values, 0.95),
            "ms",
            REBASE_TARGET_MS,
            note=spread,
        ),
    ]


def run(quick: bool) -> list[Result]:
    """Run the adaptation benchmarks."""
    return run_storage(quick) + run_rebase(quick)
