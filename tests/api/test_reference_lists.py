"""GET /api/v1/departments, /channels and /sources."""

from __future__ import annotations


def test_departments_and_channels_have_slug_and_name(reader):
    # when
    departments = reader.get("/api/v1/departments").json()
    channels = reader.get("/api/v1/channels").json()
    # then
    assert {"slug": "support", "name": "Support"} in departments
    assert {"slug": "app", "name": "Mobile app"} in channels
    assert len(channels) == 7


def test_sources_show_kind_and_allowed_channels_but_no_secrets(reader):
    # when
    sources = {s["slug"]: s for s in reader.get("/api/v1/sources").json()}
    # then
    assert sources["zendesk"] == {
        "slug": "zendesk",
        "name": "Zendesk support",
        "kind": "zendesk",
        "channels": ["chat", "email", "phone"],
        "default_channel": "chat",
        "default_department": "support",
        "is_demo": False,
    }


def test_api_keys_cannot_list(api):
    # when / then
    for path in ("departments", "channels", "sources"):
        assert api.get(f"/api/v1/{path}").status_code == 403
