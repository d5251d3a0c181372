"""A user's journey through the API, over HTTP: the service is up, ready, and an item can be
created, found, changed and deleted. Each run uses its own item name, so runs never collide."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx2 as httpx
import pytest

pytestmark = pytest.mark.smoke

RUN_ID = uuid.uuid4().hex[:12]


@pytest.fixture(scope="module")
def http(base_url: str) -> Iterator[httpx.Client]:
    headers = {"X-Request-ID": f"smoke-{RUN_ID}"}
    with httpx.Client(base_url=base_url, timeout=10, headers=headers) as client:
        yield client


def test_the_service_is_live_and_ready(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["database"] == "ok"


def test_the_openapi_document_is_served(http: httpx.Client) -> None:
    assert "/api/v1/items" in http.get("/openapi.json").json()["paths"]


def test_an_item_goes_through_its_whole_lifecycle(http: httpx.Client) -> None:
    name = f"smoke-{RUN_ID}"
    created = http.post("/api/v1/items", json={"name": name, "description": "smoke test"})
    assert created.status_code == 201, created.text
    item = created.json()
    url = f"/api/v1/items/{item['id']}"
    try:
        assert http.get(url).json()["name"] == name

        renamed = http.patch(url, json={"name": f"{name}-renamed"})
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["updated_at"] >= item["updated_at"]
    finally:
        deleted = http.delete(url)
    assert deleted.status_code == 204
    assert http.get(url).status_code == 404
