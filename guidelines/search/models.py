"""The search outbox: every change the index must see, written in the changing transaction."""

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from guidelines.accounts.models import utcnow
from guidelines.extensions import db

#: What a row asks the indexer to refresh.
ENTITIES = ("guideline", "translation", "adaptation", "everything")


class SearchOutboxEntry(db.Model):
    """One change to index: refresh this entity's documents from the database.

    ``seq`` orders the changes; each node's index records how far it has applied them.
    Rows are never updated, so the indexer may read them again at no risk.
    """

    __tablename__ = "search_outbox"
    # Without AUTOINCREMENT, SQLite could hand out a number again after a delete.
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
