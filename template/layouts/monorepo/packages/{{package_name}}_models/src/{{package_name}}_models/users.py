"""People who sign in (today: the back office). Passwords are stored only as a hash."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Identity, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, validates

from .base import Base, TimestampMixin

# RFC 5321 limits an address to 254 characters.
EMAIL_MAX_LENGTH = 254


class User(TimestampMixin, Base):
    __tablename__ = "users"
    # Stored lower-cased, so the unique constraint is case-insensitive; the check keeps raw SQL
    # writes honest too.
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    # A password hash in PHC string format ($argon2id$...), never the password.
    # Never part of a response schema built from the columns (info "private").
    password_hash: Mapped[str] = mapped_column(Text, info={"private": True})
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())

    @validates("email")
    def _normalize_email(self, _key: str, email: str) -> str:
        return normalize_email(email)

    def __str__(self) -> str:
        return self.email


def normalize_email(email: str) -> str:
    """The form an address is stored and looked up in: trimmed and lower-cased."""
    return email.strip().lower()
