"""Benchmark results: one row per measurement, printed as a table and saved as JSON."""

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"

PASS = "pass"
FAIL = "FAIL"
INFO = "-"


@dataclass(frozen=True)
class Result:
    """One measured value; when it has a target, lower is better and the target is a ceiling.

    With ``floor``, higher is better and the target is the least acceptable value.
    """

    name: str
    value: float
    unit: str
    target: float | None = None
    note: str = ""
    # False when the measured operation did not do its whole job (a fast wrong answer fails).
    complete: bool = True
    floor: bool = False

    @property
    def status(self) -> str:
        """Return pass or FAIL against the target, or ``-`` for a value without one."""
        if not self.complete:
            return FAIL
        if self.target is None:
            return INFO
        if self.floor:
            return PASS if self.value >= self.target else FAIL
        return PASS if self.value < self.target else FAIL

    @property
    def failed(self) -> bool:
        """Tell whether the value misses its target."""
        return self.status == FAIL


def format_value(value: float | None, unit: str) -> str:
    """Format ``value`` with a precision that suits its size, followed by its unit."""
    if value is None:
        return ""
    if value >= 100 or value == int(value):
        number = f"{value:,.0f}"
    elif value >= 10:
        number = f"{value:.1f}"
    else:
        number = f"{value:.2f}"
    return f"{number} {unit}"


def _target_text(result: Result) -> str:
    if result.target is None:
        return ""
    return ("≥ " if result.floor else "< ") + format_value(result.target, result.unit)


def format_table(results: list[Result]) -> str:
    """Return the results as a plain-text table with aligned columns."""
    header = ("benchmark", "measured", "target", "status", "note")
    rows = [
        (
            r.name,
            format_value(r.value, r.unit),
            _target_text(r),
            r.status,
            r.note,
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    right = {1, 2}  # numbers line up on the right

    def line(cells: tuple[str, ...]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells[:-1])
        ]
        return "  ".join([*padded, cells[-1]]).rstrip()

    rule = "  ".join("-" * w for w in widths) + "  " + "-" * len(header[-1])
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def environment() -> dict[str, str | int | None]:
    """Describe the machine and interpreter the results were measured on."""
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def write_json(results: list[Result], options: dict[str, object], path: Path | None = None) -> Path:
    """Write the results, the options and the environment to ``path`` (default: latest.json)."""
    path = path or RESULTS_DIR / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": options,
        "environment": environment(),
        "results": [{**asdict(r), "status": r.status} for r in results],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path
