"""The plan of a PO import: per entry, updated, unchanged, or rejected with the reason."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from guidelines.translation.po import PoEntry


@dataclass(frozen=True)
class EntryOutcome:
    """What importing one PO entry does: updated, unchanged or rejected (with the reason)."""

    key: str
    status: str
    reason: str = ""
    target: str = ""
    fuzzy: bool = False


def _edges(text: str) -> tuple[bool, bool]:
    """Return whether ``text`` starts and ends with a line break."""
    return text.startswith("\n"), text.endswith("\n")


def _judge(
    entry: PoEntry,
    sources: Mapping[str, str],
    current: Mapping[str, tuple[str, bool]],
    placeholder_problems: Callable[[str, str], list[str]],
) -> EntryOutcome:
    """Return the outcome of one current entry."""
    key = entry.key

    def rejected(reason: str) -> EntryOutcome:
        return EntryOutcome(key, "rejected", reason, entry.target, entry.fuzzy)

    if entry.plural:
        return rejected("plural entries are not used")
    if key not in sources:
        return rejected("unknown key")
    if entry.source != sources[key]:
        return rejected("the source text differs from this version")
    now_target, now_fuzzy = current.get(key, ("", False))
    if not entry.target:
        note = "an empty msgstr keeps the current translation" if now_target else ""
        return EntryOutcome(key, "unchanged", note, now_target, now_fuzzy)
    problems = placeholder_problems(key, entry.target)
    if problems:
        return rejected("broken placeholder: " + "; ".join(problems))
    if _edges(entry.target) != _edges(entry.source):
        return rejected(
            "the translation must start and end with a line break where the source does"
        )
    if (entry.target, entry.fuzzy) == (now_target, now_fuzzy):
        return EntryOutcome(key, "unchanged", "", now_target, now_fuzzy)
    return EntryOutcome(key, "updated", "", entry.target, entry.fuzzy)


def plan_import(
    entries: Iterable[PoEntry],
    sources: Mapping[str, str],
    current: Mapping[str, tuple[str, bool]],
    placeholder_problems: Callable[[str, str], list[str]],
) -> list[EntryOutcome]:
    """Return one outcome per current entry of a translator's file; change nothing.

    An empty msgstr never erases a translation: it is "unchanged" (with a note when a
    translation exists). Obsolete entries and a header are not reported. A key that comes back
    after it was already accepted is rejected, so one segment never gets two translations.
    """
    outcomes, accepted = [], set()
    for entry in entries:
        if entry.obsolete or (not entry.key and not entry.source):
            continue
        outcome = _judge(entry, sources, current, placeholder_problems)
        if entry.key in accepted:
            outcome = EntryOutcome(
                entry.key,
                "rejected",
                "the key appears twice in the file",
                entry.target,
                entry.fuzzy,
            )
        elif outcome.status != "rejected":
            accepted.add(entry.key)
        outcomes.append(outcome)
    return outcomes
