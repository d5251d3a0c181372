"""The example resource, end to end through the API and a real PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

ITEMS = "/api/v1/items"


def create(client: TestClient, name: str = "first", **fields: object) -> dict[str, object]:
    response = client.post(ITEMS, json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_returns_the_item_and_its_location(client: TestClient) -> None:
    response = client.post(ITEMS, json={"name": "widget", "description": "a test widget"})

    assert response.status_code == 201
    item = response.json()
    assert item["name"] == "widget"
    assert item["description"] == "a test widget"
    assert response.headers["location"].endswith(f"{ITEMS}/{item['id']}")


def test_create_sets_both_timestamps(client: TestClient) -> None:
    item = create(client)

    created = datetime.fromisoformat(item["created_at"])
    updated = datetime.fromisoformat(item["updated_at"])
    assert created.tzinfo is not None
    assert created == updated


def test_get_returns_a_created_item(client: TestClient) -> None:
    item = create(client)

    response = client.get(f"{ITEMS}/{item['id']}")

    assert response.status_code == 200
    assert response.json() == item


def test_get_of_an_unknown_id_is_404(client: TestClient) -> None:
    response = client.get(f"{ITEMS}/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "item 999999 not found"}


def test_list_pages_through_items_in_creation_order(client: TestClient) -> None:
    names = [f"item-{n}" for n in range(5)]
    for name in names:
        create(client, name)

    first = client.get(ITEMS, params={"limit": 2}).json()
    rest = client.get(ITEMS, params={"limit": 10, "offset": 2}).json()

    assert [item["name"] for item in first["items"]] == names[:2]
    assert [item["name"] for item in rest["items"]] == names[2:]
    assert first["total"] == rest["total"] == 5
    assert (first["limit"], first["offset"]) == (2, 0)


def test_list_rejects_a_limit_out_of_range(client: TestClient) -> None:
    assert client.get(ITEMS, params={"limit": 0}).status_code == 422
    assert client.get(ITEMS, params={"limit": 101}).status_code == 422


def test_update_changes_only_the_fields_sent_and_moves_updated_at(client: TestClient) -> None:
    item = create(client, "before", description="kept")

    response = client.patch(f"{ITEMS}/{item['id']}", json={"name": "after"})

    assert response.status_code == 200
    updated = response.json()
    assert updated["name"] == "after"
    assert updated["description"] == "kept"
    assert updated["created_at"] == item["created_at"]
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(
        item["updated_at"]
    )
    assert client.get(f"{ITEMS}/{item['id']}").json() == updated


def test_update_can_clear_the_description_but_not_the_name(client: TestClient) -> None:
    item = create(client, description="to be cleared")
    url = f"{ITEMS}/{item['id']}"

    assert client.patch(url, json={"description": None}).json()["description"] is None
    assert client.patch(url, json={"name": None}).status_code == 422


def test_update_of_an_unknown_id_is_404(client: TestClient) -> None:
    assert client.patch(f"{ITEMS}/999999", json={"name": "x"}).status_code == 404


def test_a_duplicate_name_is_409_on_create_and_update(client: TestClient) -> None:
    create(client, "taken")
    other = create(client, "free")

    assert client.post(ITEMS, json={"name": "taken"}).status_code == 409
    response = client.patch(f"{ITEMS}/{other['id']}", json={"name": "taken"})
    assert response.status_code == 409
    assert response.json() == {"detail": "an item with this name already exists"}


def test_invalid_bodies_are_422(client: TestClient) -> None:
    assert client.post(ITEMS, json={}).status_code == 422
    assert client.post(ITEMS, json={"name": ""}).status_code == 422
    assert client.post(ITEMS, json={"name": "x" * 201}).status_code == 422
    assert client.post(ITEMS, json={"name": "ok", "unknown": 1}).status_code == 422


def test_delete_removes_the_item(client: TestClient) -> None:
    item = create(client)
    url = f"{ITEMS}/{item['id']}"

    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
