"""Load benchmark: gunicorn with two workers on PostgreSQL, loaded by wrk over loopback.

``python -m bench.load [--quick] [--reuse] [--strict]``. It builds the database
``guidelines_bench_load`` (the whole search corpus, the demo with its published guideline, a
search index), then loads, one after the other: the published guideline page, a portal search,
the guideline API, and the page again while authors save revisions through the API. The page
takes turns with a bare Flask app serving its bytes from memory (the ceiling it is compared
with), so that both share alike whatever else the machine runs meanwhile.
"""

import argparse
import secrets
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench import corpus
from bench.authors import Authors, Check
from bench.library import make_app
from bench.load_data import Site, prepare
from bench.report import RESULTS_DIR, Result, format_table, write_json
from bench.servers import Server, gunicorn
from bench.wrk import Load, Outcome, WrkMissing, combine, require_wrk, run_wrk

SECONDS, QUICK_SECONDS = 30, 5
# A Dutch word of the published demo guideline (the portal searches publications only).
SEARCH_WORDS = "aorta"
AUTHORS = 4
# The page and the bare app take turns in slices of SECONDS / TURNS.
TURNS = 3
TARGET_PAGE_RATE = 800.0
TARGET_PAGE_P99_MS = 50.0
TARGET_SHARE_OF_BARE = 0.5
TARGET_SEARCH_RATE = 200.0
TARGET_WORKER_MB = 200.0


@dataclass(frozen=True)
class Measured:
    """Every wrk run of one benchmark, the memory of the app's workers, and the writes."""

    page: Outcome
    search: Outcome
    api: Outcome
    page_while_writing: Outcome
    bare: Outcome
    worker_mb: float
    private_mb: float
    memory_after: dict[str, float]
    writes: Check
    page_bytes: int
    server: str


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="200 documents and 5 s per URL: a smoke test"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database and index of the previous run"
    )
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread"),
        default="sync",
        help="sync, as `make serve` runs (default); gthread keeps connections open",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--seconds", type=int, help="seconds per URL (default 30, quick 5)")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Prepare the site, load it, print the table and save the JSON; return the exit status."""
    options = parse_arguments(argv)
    try:
        require_wrk()
    except WrkMissing as missing:
        print(f"Load benchmark skipped: {missing}.")
        return 1 if options.strict else 0
    if not options.reuse and not corpus.SEARCH.is_dir():
        print(f"Load benchmark skipped: {corpus.SEARCH} is absent.")
        return 0
    seconds = options.seconds or (QUICK_SECONDS if options.quick else SECONDS)
    load = Load(threads=2, connections=options.connections, seconds=seconds)
    _progress("preparing the database and the index...")
    start = time.perf_counter()
    site = prepare(options.quick, options.reuse)
    setup_seconds = time.perf_counter() - start
    before = _load_average()
    measured = measure(site, load, options.worker_class, options.threads)
    results = rows(site, measured, setup_seconds, load)
    print(format_table(results), flush=True)
    print(f"\nload average (1, 5, 15 min) before: {before}; after: {_load_average()}")
    path = write_json(results, vars(options), RESULTS_DIR / "load.json")
    print(f"Saved to {path}")
    return 1 if options.strict and any(r.failed for r in results) else 0


def measure(site: Site, load: Load, worker_class: str, threads: int) -> Measured:
    """Load the page and the bare baseline by turns, then the rest; check the authors' saves."""
    env = {
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": site.database_url,
        "SEARCH_INDEX_DIR": site.index_dir,
    }
    page_path = f"/portal/publications/{site.publication_id}"
    search_path = f"/portal/search?q={quote(SEARCH_WORDS)}"
    api_path = f"/api/v1/guidelines/{site.guideline_slug}/versions/{site.version_label}"
    html_file = RESULTS_DIR / "load-page.html"
    log = RESULTS_DIR / "load-gunicorn.log"
    with gunicorn("wsgi:app", env, worker_class, threads, log) as server:
        page = warm_up(server, page_path, search_path, api_path)
        html_file.write_bytes(page)
        memory = {"start": server.peak_worker_mb()}
        bare_env = {"BENCH_BARE_HTML": str(html_file)}
        bare_log = RESULTS_DIR / "load-bare.log"
        with gunicorn("bench.bare_app:app", bare_env, worker_class, threads, bare_log) as bare:
            warm_up(bare, page_path)
            _progress(f"loading page {page_path} and the bare Flask app, by turns")
            outcomes = dict(
                zip(("page", "bare"), by_turns(server.url, bare.url, page_path, load), strict=True)
            )
        memory["page"] = server.peak_worker_mb()
        for name, path in (("search", search_path), ("api", api_path)):
            _progress(f"loading {name}: {path}")
            outcomes[name] = run_wrk(server.url + path, load)
            memory[name] = server.peak_worker_mb()
        _progress(f"loading page while {AUTHORS} authors save revisions")
        with Authors(server.url, site.adaptation_id, site.token, AUTHORS) as authors:
            outcomes["writing"] = run_wrk(server.url + page_path, load)
        memory["writes"] = worker_mb = server.peak_worker_mb()
        private_mb = server.peak_private_mb()
    writes = authors.check(make_app(site.database_url), site.adaptation_id)
    return Measured(
        page=outcomes["page"],
        search=outcomes["search"],
        api=outcomes["api"],
        page_while_writing=outcomes["writing"],
        bare=outcomes["bare"],
        worker_mb=worker_mb,
        private_mb=private_mb,
        memory_after=memory,
        writes=writes,
        page_bytes=len(page),
        server=f"gunicorn {worker_class}" + (f" ×{threads} threads" if threads > 1 else ""),
    )


def by_turns(app_url: str, bare_url: str, path: str, load: Load) -> tuple[Outcome, Outcome]:
    """Load the app and the bare app by turns, a slice at a time, so that both see the same
    share of whatever else the machine runs; return each one's combined outcome."""
    turns = TURNS if load.seconds >= 3 * TURNS else 1
    part = Load(load.threads, load.connections, load.seconds // turns)
    app_parts, bare_parts = [], []
    for _ in range(turns):
        app_parts.append(run_wrk(app_url + path, part))
        bare_parts.append(run_wrk(bare_url + path, part))
    return combine(app_parts), combine(bare_parts)


def warm_up(server: Server, *paths: str) -> bytes:
    """Request each path a few times, so every worker has loaded it; return the first's body."""
    first = b""
    for path in reversed(paths):
        for _ in range(10):
            with urllib.request.urlopen(server.url + path, timeout=30) as response:
                first = response.read()
    return first


def rows(site: Site, m: Measured, setup_seconds: float, load: Load) -> list[Result]:
    """Return the table rows: each load's rate, latency and errors against its target."""
    share = m.page.rate / m.bare.rate
    w = m.writes
    return [
        Result(
            "load: prepare database and index",
            setup_seconds,
            "s",
            note=f"{site.import_summary}; demo; reindex",
            complete=site.imported,
        ),
        Result(
            "page: requests/s",
            m.page.rate,
            "req/s",
            TARGET_PAGE_RATE,
            f"{m.page_bytes / 1024:.0f} KB; {_latency(m.page)}; {m.server}; "
            f"wrk -t{load.threads} -c{load.connections}, {load.seconds} s, by turns with bare",
            floor=True,
        ),
        Result("page: p99 latency", m.page.p99_ms, "ms", TARGET_PAGE_P99_MS),
        Result("page: errors", m.page.error_count, "", 1, m.page.describe_errors()),
        Result(
            "page: share of the bare app's rate",
            share,
            "×",
            TARGET_SHARE_OF_BARE,
            f"bare Flask: {m.bare.rate:,.0f} req/s, {_latency(m.bare)}",
            floor=True,
        ),
        _rate_row("search", m.search, TARGET_SEARCH_RATE),
        _rate_row("api: guideline version", m.api, None),
        _rate_row("page while authors write", m.page_while_writing, None),
        Result(
            "writes: saves accepted",
            w.saved,
            "",
            note=f"{AUTHORS} authors saving back to back; {w.conflicts} refused with 409, "
            f"{w.stale_sent} of them sent stale on purpose; stale accepted: {w.stale_accepted}",
            complete=not w.failures and not w.stale_accepted,
        ),
        Result(
            "writes: lost or changed",
            w.lost,
            "",
            1,
            "revision chain intact" if not w.broken_chain else "revision chain BROKEN",
            complete=not w.broken_chain,
        ),
        Result(
            "workers: peak memory",
            m.worker_mb,
            "MB",
            TARGET_WORKER_MB,
            "largest VmHWM, after "
            + ", ".join(f"{phase} {mb:.0f}" for phase, mb in m.memory_after.items()),
        ),
        Result(
            "workers: peak private memory",
            m.private_mb,
            "MB",
            note="largest USS sampled: the resident set less the pages shared with other "
            "processes (such as the code the workers inherit from the master)",
        ),
    ] + [Result("writes: failure", 0, "", note=failure, complete=False) for failure in w.failures]


def _rate_row(name: str, outcome: Outcome, target: float | None) -> Result:
    return Result(
        f"{name}: requests/s",
        outcome.rate,
        "req/s",
        target,
        f"{_latency(outcome)}; errors: {outcome.describe_errors()}",
        complete=outcome.error_count == 0,
        floor=True,
    )


def _latency(outcome: Outcome) -> str:
    return f"p50 {outcome.p50_ms:.1f} ms, p99 {outcome.p99_ms:.1f} ms"


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
