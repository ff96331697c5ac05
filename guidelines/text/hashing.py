"""Content addresses: every document text is named by the SHA-256 of its UTF-8 bytes."""

import hashlib


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of the exact UTF-8 bytes of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
