"""The database: one engine per app, a session per request, the declarative base of all models.

Models are defined once, in models.py, on `Base`; Alembic (migrations/env.py) compares the
migrations against `Base.metadata`, and a test fails when they disagree (`alembic check`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, MetaData, create_engine, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from . import SERVICE_NAME
from .config import Settings

# Deterministic constraint names, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """created_at / updated_at, set by the database (updated_at on every ORM update)."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


def create_db_engine(settings: Settings) -> Engine:
    """The app's engine; it connects lazily, so creating it never fails on a down database."""
    return create_engine(
        settings.database_url.get_secret_value(),
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": settings.database_connect_timeout,
            "application_name": SERVICE_NAME,
        },
    )


def ping(engine: Engine, timeout: float) -> None:
    """Runs SELECT 1, giving up after `timeout` seconds of statement time; raises on failure."""
    with engine.connect() as conn:
        conn.execute(
            text("SELECT set_config('statement_timeout', :ms, true)"),
            {"ms": str(max(1, int(timeout * 1000)))},
        )
        conn.execute(text("SELECT 1"))


def get_session(request: Request) -> Iterator[Session]:
    """A session per request, closed afterwards; commit explicitly in the route."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
