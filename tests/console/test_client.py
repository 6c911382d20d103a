"""The API client and the sync layer against a real server (uvicorn in process)."""

from __future__ import annotations

import pytest

from agent_console.cache import Cache
from agent_console.client import (
    ApiClient,
    Conflict,
    Offline,
    PreconditionFailed,
    SSEParser,
    Unauthorized,
)
from agent_console.sync import Sync
from tests.console.conftest import LiveServer, run
from tests.server_process import free_port


def test_login_and_errors(live_server: LiveServer) -> None:
    async def scenario() -> None:
        c = ApiClient(live_server.url)
        with pytest.raises(Unauthorized):
            await c.login("maria", "wrong")
        with pytest.raises(Unauthorized):
            await c.queues()
        data = await c.login("maria", "pw")
        assert data["user"]["username"] == "maria" and c.token
        assert (await c.me())["username"] == "maria"
        await c.aclose()

    run(scenario())


def test_offline_is_a_clear_error() -> None:
    async def scenario() -> None:
        c = ApiClient(f"http://127.0.0.1:{free_port()}", "t", timeout=2)
        with pytest.raises(Offline):
            await c.queues()
        await c.aclose()

    run(scenario())


def test_patch_if_match_412_and_409(live_server: LiveServer, signed_client: ApiClient) -> None:
    t = live_server.new_ticket()

    async def scenario() -> None:
        c = signed_client
        got = await c.get_ticket(t["id"])
        assert got["messages"][0]["kind"] == "player"
        updated = await c.patch_ticket(t["id"], got["version"], {"assignee": "maria"})
        assert updated["assignee"] == "maria" and updated["version"] == got["version"] + 1
        with pytest.raises(PreconditionFailed) as stale:
            await c.patch_ticket(t["id"], got["version"], {"priority": "P1"})
        assert stale.value.current["version"] == updated["version"]
        with pytest.raises(Conflict) as illegal:
            await c.patch_ticket(t["id"], updated["version"], {"status": "closed"})
        assert "allowed" in illegal.value.details
        msg = await c.post_message(t["id"], "note", "internal", idempotency_key="k1")
        again = await c.post_message(t["id"], "note", "internal", idempotency_key="k1")
        assert msg["id"] == again["id"]
        reply = await c.post_message(t["id"], "reply", "sorry")
        retracted = await c.retract(t["id"], reply["id"], "wrong player")
        assert retracted["retracted"] is True
        page = await c.list_tickets(player="player-1")
        assert [x["id"] for x in page["items"]] == [t["id"]]
        await c.aclose()

    run(scenario())


def test_sse_parser_handles_split_chunks() -> None:
    p = SSEParser()
    assert p.feed("retry: 2000\n: connected\n\nid: 5\nevent: change\nda") == []
    events = p.feed('ta: {"seq": 5}\n\n: ping\n\nid: 6\nevent: change\ndata: {}\n\n')
    assert events == [("5", "change", '{"seq": 5}'), ("6", "change", "{}")]


def test_events_resume_from_last_event_id(
    live_server: LiveServer, signed_client: ApiClient
) -> None:
    first = live_server.new_ticket()

    async def scenario() -> None:
        c = signed_client
        head = (await c.changes(0))["head_seq"]
        live_server.new_ticket(subject="second")
        got = []
        async for batch in c.events(0):
            got.extend(batch)
            if got[-1].seq >= head + 2:
                break
        seqs = [e.seq for e in got]
        assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
        assert any(e.data["entity"] == "ticket" and int(e.data["id"]) == first["id"] for e in got)
        # resume after the first event: it is not sent again
        again = []
        async for batch in c.events(seqs[0]):
            again.extend(batch)
            if again[-1].seq >= seqs[-1]:
                break
        assert [e.seq for e in again] == seqs[1:]
        await c.aclose()

    run(scenario())


def test_full_resync_then_changes(
    live_server: LiveServer, signed_client: ApiClient, cache: Cache
) -> None:
    a = live_server.new_ticket()

    async def scenario() -> None:
        sync = Sync(signed_client, cache)
        applied = await sync.initial()
        assert a["id"] in applied.tickets
        assert cache.ticket(a["id"])["subject"] == a["subject"]
        b = live_server.new_ticket(subject="Bonus not credited")
        applied = await sync.catch_up()
        assert b["id"] in applied.created
        before = cache.last_seq
        # the same changes again change nothing
        page = await signed_client.changes(0)
        assert cache.apply_changes(page["changes"]).count == 0
        assert cache.last_seq == before
        await signed_client.aclose()

    run(scenario())


def test_outbox_replays_exactly_once(
    live_server: LiveServer, signed_client: ApiClient, cache: Cache
) -> None:
    t = live_server.new_ticket()

    async def scenario() -> None:
        sync = Sync(signed_client, cache)
        await sync.initial()
        ticket = cache.ticket(t["id"])
        reply = sync.enqueue_message(ticket, "reply", "We are on it")
        sync.enqueue_patch(ticket, {"status": "needs_clarification"})
        # A crash after the server took the reply but before the outbox forgot it:
        await signed_client.post_message(
            t["id"], "reply", "We are on it", idempotency_key=reply.key
        )
        result = await sync.flush()
        assert len(result.sent) == 2 and not result.conflicts and not result.failed
        assert cache.outbox_count() == 0
        server_side = await signed_client.get_ticket(t["id"])
        replies = [m for m in server_side["messages"] if m["kind"] == "reply"]
        assert len(replies) == 1
        assert server_side["status"] == "needs_clarification"
        # the same patch again (its answer lost): the 412 shows it holds, so it is done
        sync.enqueue_patch(ticket, {"status": "needs_clarification"})
        result = await sync.flush()
        assert len(result.sent) == 1 and cache.outbox_count() == 0
        await signed_client.aclose()

    run(scenario())


def test_conflict_is_kept_for_the_agent(
    live_server: LiveServer, signed_client: ApiClient, cache: Cache
) -> None:
    t = live_server.new_ticket()

    async def scenario() -> None:
        sync = Sync(signed_client, cache)
        await sync.initial()
        ticket = cache.ticket(t["id"])
        sync.enqueue_patch(ticket, {"priority": "P1"})
        with live_server.api("oleg") as other:
            r = other.patch(
                f"/api/v1/tickets/{t['id']}",
                json={"priority": "P4"},
                headers={"If-Match": str(ticket["version"])},
            )
            assert r.status_code == 200
        result = await sync.flush()
        assert len(result.conflicts) == 1
        entry = result.conflicts[0]
        assert entry.current["priority"] == "P4" and entry.payload == {"priority": "P1"}
        assert entry.base["fields"]["priority"] == ticket["priority"]
        sync.resolve(entry.key, "mine")
        result = await sync.flush()
        assert len(result.sent) == 1
        assert (await signed_client.get_ticket(t["id"]))["priority"] == "P1"
        await signed_client.aclose()

    run(scenario())
