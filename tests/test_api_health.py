"""Liveness, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient

from server.api.app import create_app
from server.settings import Settings

from .conftest import drop_pg_database, new_pg_database, new_ticket


def test_healthz_needs_no_database_and_readyz_answers(app_client):
    r = app_client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = app_client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_metrics_count_requests_and_tickets_by_status(api):
    new_ticket(api)
    new_ticket(api, player={"external_id": "p-2"})
    body = api.get("/metrics").text
    assert 'agent_console_tickets{status="new"} 2.0' in body
    assert 'agent_console_http_requests_total{method="POST",route="/api/v1/tickets"' in body
    assert "agent_console_http_request_seconds_bucket" in body
    # Routes are labelled by template, never by raw path (ids would explode the label set).
    api.get("/api/v1/tickets/10001")
    body = api.get("/metrics").text
    assert 'route="/api/v1/tickets/{ticket_id}"' in body
    assert 'route="/api/v1/tickets/10001"' not in body


def test_openapi_lists_the_contract(app_client):
    doc = app_client.get("/openapi.json").json()
    paths = doc["paths"]
    for path, method in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/tickets", "post"),
        ("/api/v1/tickets", "get"),
        ("/api/v1/tickets/{ticket_id}", "get"),
        ("/api/v1/tickets/{ticket_id}", "patch"),
        ("/api/v1/tickets/{ticket_id}/messages", "post"),
        ("/api/v1/queues", "get"),
        ("/api/v1/changes", "get"),
        ("/api/v1/events", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ]:
        assert method in paths[path], (path, method)


def test_readyz_reports_a_database_that_went_away(pg_template, tmp_path):
    name, url = new_pg_database(pg_template)
    try:
        settings = Settings(db=url, data_dir=str(tmp_path))
        with TestClient(create_app(settings, migrate=False)) as client:
            assert client.get("/readyz").status_code == 200
            drop_pg_database(name)
            r = client.get("/readyz")
            assert r.status_code == 503
            assert r.json()["error"]["code"] == "not_ready"
            assert client.get("/healthz").status_code == 200
    finally:
        drop_pg_database(name)
