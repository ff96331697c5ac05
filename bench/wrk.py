"""Drive ``wrk`` (the Debian package) against a URL and read its summary."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPORT_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
INSTALL_HINT = "wrk is not installed: run `sudo apt-get install wrk` (Debian package)"
_MARK = "WRK_JSON "


class WrkMissing(RuntimeError):
    """The ``wrk`` command is not on the PATH."""


@dataclass(frozen=True)
class Load:
    """How hard to load: wrk threads, open connections, and seconds."""

    threads: int
    connections: int
    seconds: int


@dataclass(frozen=True)
class Outcome:
    """What wrk measured for one URL."""

    url: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    bytes: int

    @property
    def rate(self) -> float:
        """Return the completed requests per second."""
        return self.requests / self.seconds

    @property
    def error_count(self) -> int:
        """Return every failed request: socket errors, timeouts and non-2xx/3xx answers."""
        return sum(self.errors.values())

    def describe_errors(self) -> str:
        """Return the error counts by kind, or ``none``."""
        parts = [f"{kind} {count}" for kind, count in self.errors.items() if count]
        return ", ".join(parts) or "none"


def require_wrk() -> str:
    """Return the path of ``wrk``, or raise WrkMissing saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing(INSTALL_HINT)
    return path


def run_wrk(url: str, load: Load, headers: dict[str, str] | None = None) -> Outcome:
    """Load ``url`` with wrk and return its summary."""
    command = [
        require_wrk(),
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={load.seconds}s",
        "--timeout=10s",
        f"--script={REPORT_SCRIPT}",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    finished = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=load.seconds + 60
    )
    return parse(url, finished.stdout)


def combine(parts: list[Outcome]) -> Outcome:
    """Return one outcome for runs of the same URL: rates summed over the whole time, the
    median of their medians, and the worst of their 99th percentiles and maxima."""
    if len(parts) == 1:
        return parts[0]
    p50s = sorted(part.p50_ms for part in parts)
    return Outcome(
        url=parts[0].url,
        requests=sum(part.requests for part in parts),
        seconds=sum(part.seconds for part in parts),
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(part.p99_ms for part in parts),
        max_ms=max(part.max_ms for part in parts),
        errors={kind: sum(part.errors[kind] for part in parts) for kind in parts[0].errors},
        bytes=sum(part.bytes for part in parts),
    )


def parse(url: str, output: str) -> Outcome:
    """Read the JSON line that ``wrk_report.lua`` printed at the end of a run."""
    line = next((x for x in output.splitlines() if x.startswith(_MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary for {url}:\n{output}")
    data = json.loads(line[len(_MARK) :])
    return Outcome(
        url=url,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1e3,
        p99_ms=data["p99_us"] / 1e3,
        max_ms=data["max_us"] / 1e3,
        errors={kind: data[kind] for kind in ("connect", "read", "write", "status", "timeout")},
        bytes=data["bytes"],
    )
