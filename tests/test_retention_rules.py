"""The retention policy's pure rules: what a desk line keeps, what an old change-log entry
keeps."""

from __future__ import annotations

from server.domain.retention import (
    ANONYMISED,
    Quoted,
    quoted,
    redact_change,
    redact_sla,
)

A = ANONYMISED


def test_a_desk_line_loses_the_reason_it_ends_with_and_nothing_else():
    q = quoted(["player threatens to go to the press", None, A], ["TX-991"])
    assert q.reasons == ("player threatens to go to the press",)
    line = "lead escalated to level 2: player threatens to go to the press"
    assert q.scrub(line) == f"lead escalated to level 2: {A}"
    line = "lead: SLA exempt — player threatens to go to the press"
    assert q.scrub(line) == f"lead: SLA exempt — {A}"
    # Not at the end: a status line that only happens to contain the words stays.
    assert q.scrub("maria: status resolved → closed") == "maria: status resolved → closed"
    # A short reason cannot eat the middle of a line.
    short = Quoted(reasons=("ok",))
    assert short.scrub("lead: book keeping ok") == f"lead: book keeping {A}"
    assert short.scrub("lead: ok then") == "lead: ok then"


def test_the_longest_matching_reason_goes_whole():
    q = Quoted(reasons=("wait", "asked us to wait"))
    assert q.scrub("lead: SLA exempt — asked us to wait") == f"lead: SLA exempt — {A}"


def test_transaction_refs_and_payment_notes():
    q = Quoted(refs=("TX-991", "7"))
    assert q.scrub("maria: refund of TX-991 sent") == f"maria: refund of {A} sent"
    assert q.scrub("level 7") == "level 7"  # too short a ref to look for
    note = "payments backend: withdrawal TX-5 250.00 EUR is pending (updated 2026-12-01)"
    assert Quoted().scrub(note) == A


def test_the_sla_snapshot_loses_the_exemption_reason():
    snap = {"policy": "v1", "exempt": True, "exempt_reason": "player asked", "clocks": {}}
    assert redact_sla(snap) == {**snap, "exempt_reason": A}
    assert redact_sla({**snap, "exempt_reason": None}) is None
    assert redact_sla({**snap, "exempt_reason": A}) is None
    assert redact_sla(None) is None


def test_old_change_log_entries():
    quotes = {7: Quoted(reasons=("VIP complained",), refs=("TX-1",))}
    system = {
        "id": 3,
        "ticket_id": 7,
        "kind": "system",
        "body": "lead: SLA exempt — VIP complained",
    }
    assert redact_change("message", system, {}, quotes)["body"] == f"lead: SLA exempt — {A}"
    other = {**system, "ticket_id": 8}
    assert redact_change("message", other, {}, quotes) == other  # another ticket's line
    player = {"id": 4, "ticket_id": 7, "kind": "player", "body": "TX-1", "author_name": "Ivan"}
    out = redact_change("message", player, {}, quotes)
    assert (out["body"], out["author_name"]) == (A, None)
    ticket = {
        "id": 7,
        "subject": "Ivan: refund",
        "transaction_refs": ["TX-1"],
        "sla": {"exempt": True, "exempt_reason": "VIP complained"},
        "player": {"external_id": "p-1", "name": "Ivan"},
    }
    out = redact_change("ticket", ticket, {"p-1": "anonymised-1"})
    assert out["subject"] == A and out["transaction_refs"] == []
    assert out["sla"]["exempt_reason"] == A
    assert out["player"] == {"external_id": "anonymised-1", "name": None}
