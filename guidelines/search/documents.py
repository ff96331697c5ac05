"""The index documents of each record: one per section, with what facets and filters need."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select

from guidelines.adaptation.models import Adaptation
from guidelines.extensions import db
from guidelines.library.models import Guideline, SourceVersion
from guidelines.portal.models import Publication
from guidelines.review.submissions import PUBLISHED, SUPERSEDED
from guidelines.review.workflow import status_of
from guidelines.search.schema import COMPOUNDING, LANGUAGES
from guidelines.text.sections import split_sections
from guidelines.translation.models import Translation
from guidelines.translation.operations import translated_text

#: Who may see a document: everyone, or the members of one network, or translators.
PUBLIC = "public"
TRANSLATORS = "translators"


def network_audience(network_id: int) -> str:
    """Return the audience term of a network's members."""
    return f"net:{network_id}"


def guideline_documents(guideline: Guideline) -> Iterator[dict]:
    """Yield the documents of a guideline: versions, translations, adaptations, publications."""
    for version in guideline.versions:
        yield from source_documents(version)
        translations = db.session.scalars(
            select(Translation).where(Translation.source_version_id == version.id)
        )
        for translation in translations:
            yield from translation_documents(translation)
    adaptations = db.session.scalars(
        select(Adaptation).where(Adaptation.guideline_id == guideline.id).order_by(Adaptation.id)
    )
    for adaptation in adaptations:
        yield from adaptation_documents(adaptation)


def source_documents(version: SourceVersion) -> Iterator[dict]:
    """Yield the sections of a European source version, public to all."""
    guideline = version.guideline
    latest = guideline.latest_version is version
    yield from _sections(
        version.markdown,
        key=f"source:{version.id}",
        owner=f"source:{version.id}",
        guideline=guideline,
        kind="source",
        title=guideline.title,
        version=version.label,
        locale=guideline.source_language,
        networks=_following(guideline),
        status="latest" if latest else "earlier",
        current=latest,
        audience=[PUBLIC],
        url=_path("library.version", slug=guideline.slug, label=version.label),
        moment=version.published_on or version.imported_at,
    )


def translation_documents(translation: Translation) -> Iterator[dict]:
    """Yield the sections of a translation: for translators and the networks that follow it."""
    version = translation.source_version
    guideline = version.guideline
    text = (
        translation.frozen_text.verified_markdown()
        if translation.frozen
        else translated_text(translation)
    )
    following = list(guideline.ern.networks) if guideline.ern else []
    yield from _sections(
        text,
        key=f"translation:{translation.id}",
        owner=f"translation:{translation.id}",
        guideline=guideline,
        kind="translation",
        title=guideline.title,
        version=version.label,
        locale=translation.language,
        networks=[network.code for network in following],
        status="frozen" if translation.frozen else "in_progress",
        current=guideline.latest_version is version,
        audience=[TRANSLATORS, *(network_audience(network.id) for network in following)],
        url=_path(
            "translation.document",
            slug=guideline.slug,
            label=version.label,
            language=translation.language,
        ),
        moment=translation.frozen_at or translation.created_at,
    )


def adaptation_documents(adaptation: Adaptation) -> Iterator[dict]:
    """Yield an adaptation's draft (for its network) and its newest publication (public)."""
    guideline = adaptation.guideline
    common = {
        "owner": f"adaptation:{adaptation.id}",
        "guideline": guideline,
        "title": adaptation.title,
        "locale": adaptation.locale,
        "networks": [adaptation.network.code],
    }
    if not adaptation.revisions:
        return
    revision = adaptation.current_revision
    status = status_of(revision)
    if status not in (PUBLISHED, SUPERSEDED):
        yield from _sections(
            revision.text(),
            key=f"draft:{adaptation.id}",
            kind="draft",
            version=revision.base_version.label if revision.base_version else "",
            text_language=revision.text_language(adaptation),
            status=status,
            current=True,
            audience=[network_audience(adaptation.network_id)],
            url=_path("adaptation.adaptation", adaptation_id=adaptation.id),
            moment=revision.created_at,
            **common,
        )
    publication = db.session.scalar(
        select(Publication)
        .where(Publication.adaptation_id == adaptation.id)
        .order_by(Publication.id.desc())
        .limit(1)
    )
    if publication is not None:
        yield from _sections(
            publication.markdown,
            key=f"publication:{publication.id}",
            kind="publication",
            version=publication.source_version.label,
            text_language=publication.text_language,
            status="published",
            current=True,
            audience=[PUBLIC],
            url=_path("portal.publication", publication_id=publication.id),
            moment=publication.published_at,
            **common,
        )


def _sections(
    text: str,
    *,
    key: str,
    owner: str,
    guideline: Guideline,
    kind: str,
    title: str,
    version: str,
    locale: str,
    networks: list[str],
    status: str,
    current: bool,
    audience: list[str],
    url: str,
    moment: date | datetime,
    text_language: str | None = None,
) -> Iterator[dict]:
    language = (text_language or locale).split("-")[0].lower()
    field = language if language in LANGUAGES else "en"
    common = {
        "owner": owner,
        "guideline_id": str(guideline.id),
        "kind": kind,
        "guideline": guideline.slug,
        "title": title,
        "version": version,
        "locale": locale,
        "language": language,
        "network": ",".join(networks),
        "ern": guideline.ern.code if guideline.ern else "",
        "orpha": ",".join(disease.orpha_code for disease in guideline.diseases),
        "status": status,
        "current": "yes" if current else "no",
        "audience": ",".join(audience),
        "url": url,
        "date": _naive_utc(moment),
    }
    for number, section in enumerate(split_sections(text, title=title)):
        searchable = section.text + "\n" + " ".join(section.path)
        document = common | {
            "id": f"{key}#{number}",
            "strength": ",".join(section.strengths),
            "certainty": ",".join(section.certainties),
            "heading": section.heading,
            "path": " › ".join(section.path),
            "anchor": section.anchor,
            "body": section.text,
            # The headings after the body: the stored body keeps its character positions.
            f"text_{field}": searchable,
        }
        if field in COMPOUNDING:
            document[f"parts_{field}"] = searchable
        yield document


def _following(guideline: Guideline) -> list[str]:
    return [network.code for network in guideline.ern.networks] if guideline.ern else []


def _path(endpoint: str, **values) -> str:
    """Return the path of a page relative to the app's root (the index outlives requests)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _naive_utc(moment: date | datetime) -> datetime:
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None)
