"""The example resource: rename or replace it with your own."""

from __future__ import annotations

from sqlalchemy import BigInteger, Identity, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin

NAME_MAX_LENGTH = 200


class Item(TimestampMixin, Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    description: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name
