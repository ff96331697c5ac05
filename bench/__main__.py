"""Run the benchmarks and print their table: ``python -m bench [--only NAME] [--quick]``."""

import argparse
import sys
from collections.abc import Callable

from bench import corpus
from bench.report import Result, format_table, write_json

Benchmark = Callable[[bool], list[Result]]


def benchmarks() -> dict[str, Benchmark]:
    """Return the benchmarks by name, in the order they run."""
    # Imported here so that --help works, and the corpus check runs, before the app is loaded.
    from bench import adaptations, diffs, library, rendering, search, translation

    return {
        "import": library.run,
        "render": rendering.run,
        "diff": diffs.run,
        "adaptation": adaptations.run,
        "translation": translation.run,
        "search": search.run,
    }


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        choices=("import", "render", "diff", "adaptation", "translation", "search"),
        help="run one benchmark",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer documents and runs: a smoke test"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, print the table, save the JSON; return the exit status."""
    options = parse_arguments(argv)
    if not corpus.CORPUS.is_dir():
        print(f"Benchmarks skipped: {corpus.CORPUS} is absent (they read ../shared/corpus).")
        return 0
    results: list[Result] = []
    for name, benchmark in benchmarks().items():
        if options.only in (None, name):
            print(f"running {name}...", file=sys.stderr, flush=True)
            try:
                results.extend(benchmark(options.quick))
            except corpus.CorpusMissing as missing:
                print(f"{name} skipped: {missing}", file=sys.stderr)
    print(format_table(results), flush=True)
    path = write_json(results, vars(options))
    print(f"\nSaved to {path}")
    missed = [r.name for r in results if r.failed]
    return 1 if options.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
