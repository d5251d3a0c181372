"""CORS: only the origins listed in CORS_ORIGINS may call the API from a browser."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import TEST_ORIGIN

PREFLIGHT = {"Access-Control-Request-Method": "POST"}


def test_preflight_from_a_configured_origin_is_allowed(client: TestClient) -> None:
    response = client.options("/api/v1/items", headers={"Origin": TEST_ORIGIN, **PREFLIGHT})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == TEST_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]


def test_preflight_from_another_origin_is_refused(client: TestClient) -> None:
    response = client.options(
        "/api/v1/items", headers={"Origin": "https://evil.example.net", **PREFLIGHT}
    )

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_simple_requests_get_the_header_only_for_a_configured_origin(client: TestClient) -> None:
    allowed = client.get("/api/v1/items", headers={"Origin": TEST_ORIGIN})
    other = client.get("/api/v1/items", headers={"Origin": "https://evil.example.net"})

    assert allowed.headers["access-control-allow-origin"] == TEST_ORIGIN
    assert "access-control-allow-origin" not in other.headers
