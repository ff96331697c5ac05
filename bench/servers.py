"""Gunicorn servers for the load benchmark: start on a free port, watch the workers, stop."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import REPO

WORKERS = 2


def free_port() -> int:
    """Return a loopback TCP port that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn: its address, its process and its log."""

    process: subprocess.Popen
    port: int
    log: Path
    peak_kb: dict[int, int] = field(default_factory=dict)
    peak_private_kb: dict[int, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Return the root URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """Return the process ids of the master's workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def sample_memory(self) -> None:
        """Record each worker's peak resident set (VmHWM) seen so far, in kilobytes, and the
        largest private part of it sampled (the pages no other process shares)."""
        for pid in self.workers():
            peak = _status_kb(pid, "VmHWM")
            if peak is not None:
                self.peak_kb[pid] = max(peak, self.peak_kb.get(pid, 0))
            private = _private_kb(pid)
            if private is not None:
                self.peak_private_kb[pid] = max(private, self.peak_private_kb.get(pid, 0))

    def peak_worker_mb(self) -> float:
        """Return the largest peak resident set of any worker, in megabytes."""
        self.sample_memory()
        return max(self.peak_kb.values(), default=0) / 1024

    def peak_private_mb(self) -> float:
        """Return the largest private memory sampled of any worker, in megabytes."""
        self.sample_memory()
        return max(self.peak_private_kb.values(), default=0) / 1024


def _private_kb(pid: int) -> int | None:
    """Return the private (unshared) resident memory of ``pid`` in kilobytes (USS)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in lines if ":" in line and "-" not in line[:20])
    try:
        return sum(int(fields[name].split()[0]) for name in ("Private_Clean", "Private_Dirty"))
    except (KeyError, ValueError):
        return None


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], worker_class: str, threads: int, log: Path
) -> Iterator[Server]:
    """Run ``app`` (module:name) under gunicorn with two workers until the block ends."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--workers={WORKERS}",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        "--keep-alive=5",
        app,
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    watcher = _MemoryWatcher(server)
    try:
        _wait_until_up(server)
        watcher.start()
        yield server
    finally:
        watcher.stop()
        server.sample_memory()
        _stop(process)


class _MemoryWatcher(threading.Thread):
    """Sample the workers' peak memory every half second (workers may be replaced)."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.server.sample_memory()

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join()


def _wait_until_up(server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {server.log}")
        try:
            with urllib.request.urlopen(server.url + "/", timeout=5):
                pass
        except urllib.error.HTTPError:
            pass  # it answers: that is all this waits for
        except OSError:
            time.sleep(0.2)
            continue
        if len(server.workers()) == WORKERS:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s; see {server.log}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the master (it stops its workers); kill the group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
