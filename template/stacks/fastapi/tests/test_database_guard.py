"""The tests refuse any database that is not on this machine."""

from __future__ import annotations

import pytest

from tests.conftest import NonLocalDatabaseError, require_local_database


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:app@localhost:5432/app",
        "postgresql://app:app@127.0.0.1:5432/app",
        "postgresql+psycopg://app:app@[::1]:5432/app",
        "postgres://app@/app?host=/var/run/postgresql",
        "postgresql://app@/app",
    ],
)
def test_local_databases_are_accepted(url: str) -> None:
    assert require_local_database(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app@db.internal.example.com:5432/app",
        "postgresql://app@10.0.0.5:5432/app",
        "postgresql://app@prod-db/app",
        "postgresql://app@/app?host=db.example.com",
        "postgresql://app@localhost,db.example.com/app",
    ],
)
def test_other_hosts_are_refused(url: str) -> None:
    with pytest.raises(NonLocalDatabaseError, match="refusing to run the tests"):
        require_local_database(url)
