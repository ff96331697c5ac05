"""The manifest of an archive: what it holds, from which schema, and every member's SHA-256."""

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field

FORMAT = "guidelines-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Fixed member timestamps: the same database gives the same archive members, byte for byte.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class ArchiveError(RuntimeError):
    """An archive that cannot be written or restored; the message says what to do."""


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    """The contents of manifest.json."""

    created_at: str
    alembic_revision: str
    with_secrets: bool
    tables: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    members: dict[str, dict] = field(default_factory=dict)

    def add(self, name: str, data: bytes) -> None:
        """Record member ``name`` with its hash and size."""
        self.members[name] = {"sha256": sha256_bytes(data), "size": len(data)}

    def to_bytes(self) -> bytes:
        """Return manifest.json."""
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "alembic_revision": self.alembic_revision,
            "with_secrets": self.with_secrets,
            "tables": self.tables,
            "counts": self.counts,
            "members": dict(sorted(self.members.items())),
        }
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "Manifest":
        """Read manifest.json, refusing another format or a newer format version."""
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ArchiveError(f"{MANIFEST} is not valid JSON: {error}") from error
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ArchiveError(f"{MANIFEST} does not describe a guidelines archive.")
        if document.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"The archive has format version {document.get('format_version')!r}; this "
                f"version of the workbench reads version {FORMAT_VERSION} only."
            )
        try:
            return cls(
                created_at=str(document["created_at"]),
                alembic_revision=str(document["alembic_revision"]),
                with_secrets=bool(document["with_secrets"]),
                tables=list(document["tables"]),
                counts=dict(document["counts"]),
                members=dict(document["members"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ArchiveError(f"{MANIFEST} lacks a field or has a wrong one: {error}") from error


def write_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Add ``data`` as member ``name`` with a fixed timestamp."""
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def read_verified_members(path: str) -> tuple[Manifest, dict[str, bytes]]:
    """Return the manifest and every member's bytes, each checked against its SHA-256 and size.

    Refuses a file that is not a zip, a member the manifest does not list or lists but is
    missing, and a member whose bytes differ from the manifest, naming the member.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(
            f"{path} is not an archive made by flask archive export (not a readable zip file: "
            f"{error})."
        ) from error
    with archive:
        names = archive.namelist()
        if MANIFEST not in names:
            raise ArchiveError(
                f"{path} has no {MANIFEST}: it was not made by flask archive export."
            )
        manifest = Manifest.from_bytes(_read(archive, MANIFEST))
        unlisted = sorted(set(names) - set(manifest.members) - {MANIFEST})
        if unlisted:
            raise ArchiveError(f"{path} holds {unlisted[0]}, which its manifest does not list.")
        members = {}
        for name, expected in sorted(manifest.members.items()):
            if name not in names:
                raise ArchiveError(
                    f"{path} lacks {name}, which its manifest lists: it is incomplete."
                )
            data = _read(archive, name)
            if len(data) != expected.get("size") or sha256_bytes(data) != expected.get("sha256"):
                raise ArchiveError(
                    f"{name} in {path} is corrupted: its size or SHA-256 differs from the manifest."
                )
            members[name] = data
    return manifest, members


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
        raise ArchiveError(
            f"{name} in {archive.filename} cannot be read ({error}): the archive is damaged."
        ) from error
