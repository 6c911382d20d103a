"""Attachments: raw-body upload with a size cap (64 KiB in the test settings), sha256, download."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from .conftest import new_ticket

CAP = 64 * 1024


def upload(api: Any, ticket_id: int, data: Any, filename: str = "receipt.png", **kw: Any) -> Any:
    headers = kw.pop("headers", {"Content-Type": "image/png"})
    return api.post(
        f"/api/v1/tickets/{ticket_id}/attachments",
        params={"filename": filename, **kw},
        content=data,
        headers=headers,
    )


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.blob_dir)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_upload_and_download(api, settings):
    t = new_ticket(api)
    data = os.urandom(5000)
    r = upload(api, t["id"], data)
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["sha256"] == hashlib.sha256(data).hexdigest()
    assert a["size"] == len(data)
    assert a["filename"] == "receipt.png" and a["content_type"] == "image/png"
    assert a["ticket_id"] == t["id"] and a["message_id"] is None
    assert a["url"] == f"/api/v1/attachments/{a['id']}"
    d = api.get(a["url"])
    assert d.status_code == 200
    assert d.content == data
    assert d.headers["content-type"] == "image/png"
    assert d.headers["x-content-sha256"] == a["sha256"]
    assert "receipt.png" in d.headers["content-disposition"]
    assert api.get(f"/api/v1/tickets/{t['id']}").json()["attachments"] == [a]
    assert [p.name for p in stored_files(settings)] == [a["sha256"]]
    assert stored_files(settings)[0].read_bytes() == data


def test_default_content_type_and_linked_message(api):
    t = new_ticket(api)
    mid = t["messages"][0]["id"]
    r = upload(api, t["id"], b"%PDF-1.4", filename="doc.pdf", headers={}, message_id=mid)
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["message_id"] == mid
    assert a["content_type"] == "application/octet-stream"
    assert api.get(a["url"]).content == b"%PDF-1.4"


def test_message_of_another_ticket_is_refused(api, settings):
    t = new_ticket(api, player={"external_id": "a"})
    other = new_ticket(api, player={"external_id": "b"})
    r = upload(api, t["id"], b"x", message_id=other["messages"][0]["id"])
    assert r.status_code == 422
    assert upload(api, t["id"], b"x", message_id=999999).status_code == 422
    assert api.get(f"/api/v1/tickets/{t['id']}").json()["attachments"] == []


def test_exactly_the_cap_is_fine(api):
    t = new_ticket(api)
    data = os.urandom(CAP)
    r = upload(api, t["id"], data)
    assert r.status_code == 201 and r.json()["size"] == CAP
    assert api.get(r.json()["url"]).content == data


def _nothing_stored(api: Any, settings: Any, ticket_id: int) -> None:
    assert api.get(f"/api/v1/tickets/{ticket_id}").json()["attachments"] == []
    assert stored_files(settings) == []
    changes = api.get("/api/v1/changes").json()["changes"]
    assert not [c for c in changes if c["entity"] == "attachment"]


def test_over_the_cap_is_413_and_nothing_is_stored(api, settings):
    t = new_ticket(api)
    r = upload(api, t["id"], os.urandom(CAP + 1))
    assert r.status_code == 413
    e = r.json()["error"]
    assert e["code"] == "payload_too_large" and str(CAP) in e["message"]
    _nothing_stored(api, settings, t["id"])


def test_over_the_cap_streamed_without_length_is_413(api, settings):
    t = new_ticket(api)

    def chunks():
        for _ in range(5):
            yield b"z" * 20_000

    r = upload(api, t["id"], chunks())
    assert r.status_code == 413
    assert set(r.json()["error"]) == {"code", "message", "details"}
    _nothing_stored(api, settings, t["id"])
    # A streamed body under the cap is fine.

    def small():
        yield b"ab"
        yield b"cd"

    r = upload(api, t["id"], small())
    assert r.status_code == 201 and r.json()["size"] == 4
    assert r.json()["sha256"] == hashlib.sha256(b"abcd").hexdigest()


def test_over_the_cap_with_lying_length_is_413(api, settings):
    t = new_ticket(api)
    r = upload(api, t["id"], b"q" * (CAP + 100), headers={"Content-Length": "10"})
    assert r.status_code == 413
    _nothing_stored(api, settings, t["id"])


def test_unknown_ticket_is_404_and_nothing_is_stored(api, settings):
    r = upload(api, 99999, b"data")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert stored_files(settings) == []
    assert api.get("/api/v1/attachments/99999").status_code == 404


def test_bad_filenames_are_400(api, settings):
    t = new_ticket(api)
    for name in ("a/b.png", "../../etc/passwd", "a\\b", "tab\there", "nl\nx", "\x00"):
        r = upload(api, t["id"], b"x", filename=name)
        assert r.status_code == 400, name
        assert r.json()["error"]["message"]
    assert upload(api, t["id"], b"x", filename="").status_code == 422
    assert upload(api, t["id"], b"x", filename="n" * 256).status_code == 422
    assert api.post(f"/api/v1/tickets/{t['id']}/attachments", content=b"x").status_code == 422
    _nothing_stored(api, settings, t["id"])
    ok = upload(api, t["id"], b"x", filename="Квитанция №1 (copy).png")
    assert ok.status_code == 201 and ok.json()["filename"] == "Квитанция №1 (copy).png"


def test_same_bytes_twice_are_stored_once(api, settings):
    t = new_ticket(api)
    data = b"same content"
    a = upload(api, t["id"], data, filename="one.txt").json()
    b = upload(api, t["id"], data, filename="two.txt").json()
    assert a["id"] != b["id"] and a["sha256"] == b["sha256"]
    assert len(stored_files(settings)) == 1
    assert api.get(a["url"]).content == api.get(b["url"]).content == data
    names = [x["filename"] for x in api.get(f"/api/v1/tickets/{t['id']}").json()["attachments"]]
    assert names == ["one.txt", "two.txt"]


def test_empty_file(api):
    t = new_ticket(api)
    r = upload(api, t["id"], b"", filename="empty.txt")
    assert r.status_code == 201
    assert r.json()["size"] == 0
    assert r.json()["sha256"] == hashlib.sha256(b"").hexdigest()
    assert api.get(r.json()["url"]).content == b""


def test_upload_records_a_change(api):
    t = new_ticket(api)
    a = upload(api, t["id"], b"abc").json()
    changes = api.get("/api/v1/changes").json()["changes"]
    last = changes[-1]
    assert last["entity"] == "attachment" and last["op"] == "create"
    assert last["id"] == str(a["id"]) and last["data"] == a
