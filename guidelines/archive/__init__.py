"""Portable archives of the whole database: ``flask archive export`` and ``flask archive import``.

An archive is a zip file: ``manifest.json`` (format, alembic revision, and the SHA-256 and size
of every other member), one JSON file per table under ``tables/``, and every text as Markdown
under ``texts/``, named by the SHA-256 of its UTF-8 bytes. See ``guidelines/archive/tables.py``
for which tables are archived and which are derived.
"""
