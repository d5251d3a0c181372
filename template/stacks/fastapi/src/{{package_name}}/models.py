"""The tables, each defined once. A change here needs a migration: `alembic revision
--autogenerate -m "..."`, then review it for zero-downtime safety (see CONTRIBUTING.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    String,
    Text,
    Uuid,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from .db import Base, TimestampMixin

NAME_MAX_LENGTH = 200
# RFC 5321 limits an address to 254 characters.
EMAIL_MAX_LENGTH = 254


class Item(TimestampMixin, Base):
    """The example resource: rename or replace it with your own."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class User(TimestampMixin, Base):
    """People who sign in. Passwords are stored only as a hash."""

    __tablename__ = "users"
    # Stored lower-cased, so the unique constraint is case-insensitive; the check keeps raw SQL
    # writes honest too.
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    # A password hash in PHC string format ($argon2id$...), never the password.
    password_hash: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())

    @validates("email")
    def _normalize_email(self, _key: str, email: str) -> str:
        return normalize_email(email)


class RefreshToken(TimestampMixin, Base):
    """One refresh token, stored as its SHA-256 only. Each use rotates it: the row is marked
    used and a new one joins the same family. A used token presented again means it leaked,
    so the whole family (every session descending from that login) is revoked."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def normalize_email(email: str) -> str:
    """The form an address is stored and looked up in: trimmed and lower-cased."""
    return email.strip().lower()
