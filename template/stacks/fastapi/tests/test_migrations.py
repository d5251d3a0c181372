"""The migrations build exactly the schema the models describe, and can be rolled back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from tests.conftest import alembic_config


def test_models_and_migrations_agree(fresh_database: Callable[[], Any]) -> None:
    with fresh_database() as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        # Fails with the differences when a model changed without a migration.
        command.check(config)


def test_downgrade_to_base_and_upgrade_again(fresh_database: Callable[[], Any]) -> None:
    with fresh_database() as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        engine = create_engine(url, poolclass=NullPool)
        try:
            assert "items" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
