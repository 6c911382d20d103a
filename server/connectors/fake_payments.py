"""A local fake of the casino's payments backend, speaking the protocol `payments` expects.

    python -m server.connectors.fake_payments [--host 127.0.0.1] [--port 8091]

Every player has a few transactions made up from their id (the same id, the same history),
with demo-looking references (WD-…, DEP-…). Tests and demos steer it over HTTP:

    PUT  /v1/players/{player}/transactions/{id}   set a transaction (the JSON shape)
    POST /_control  {"delay_s": 0.5, "fail_status": 503}   slow down / fail every request
    POST /_control  {}                                      back to normal
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CURRENCIES = ("EUR", "USD", "KZT", "TRY", "BRL", "AUD")
METHODS = {"withdrawal": ("card", "bank_transfer", "e-wallet"), "deposit": ("card", "e-wallet")}


def _history(player_id: str, now: datetime) -> dict[str, dict[str, Any]]:
    """A player's made-up transactions: newest first, deterministic for the id (and day)."""
    rng = random.Random(hashlib.sha256(player_id.encode()).digest())
    currency = rng.choice(CURRENCIES)
    out: dict[str, dict[str, Any]] = {}
    plans = [
        ("withdrawal", "processing", 6),
        ("deposit", "completed", 30),
        ("withdrawal", "completed", 80),
        ("deposit", "completed", 200),
    ]
    if rng.random() < 0.25:
        plans[0] = ("withdrawal", "pending", 2)
    for kind, status, hours_ago in plans:
        prefix = "WD" if kind == "withdrawal" else "DEP"
        tx_id = f"{prefix}-{rng.randint(10_000_000, 99_999_999)}"
        created = now - timedelta(hours=hours_ago + rng.random())
        tx: dict[str, Any] = {
            "id": tx_id,
            "player_id": player_id,
            "kind": kind,
            "status": status,
            "amount": str(rng.choice([50, 100, 150, 200, 500, 1000, 2500])),
            "currency": currency,
            "method": rng.choice(METHODS[kind]),
            "created_at": created.isoformat(),
            "updated_at": (created + timedelta(minutes=rng.randint(1, 90))).isoformat(),
        }
        if status in ("pending", "processing"):
            tx["expected_by"] = (created + timedelta(hours=48)).isoformat()
        out[tx_id] = tx
    return out


def create_fake_app() -> FastAPI:
    app = FastAPI(title="Fake payments backend", docs_url=None, redoc_url=None)
    overrides: dict[str, dict[str, dict[str, Any]]] = {}
    control: dict[str, Any] = {"delay_s": 0.0, "fail_status": None}
    app.state.overrides = overrides
    app.state.control = control

    def transactions(player_id: str) -> dict[str, dict[str, Any]]:
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        return {**_history(player_id, now), **overrides.get(player_id, {})}

    @app.middleware("http")
    async def steer(request: Request, call_next: Any) -> Any:
        if not request.url.path.startswith("/_control") and request.url.path != "/healthz":
            if control["delay_s"]:
                await asyncio.sleep(control["delay_s"])
            if control["fail_status"]:
                return JSONResponse({"error": "simulated outage"}, control["fail_status"])
        return await call_next(request)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/_control")
    async def set_control(request: Request) -> dict[str, Any]:
        body = await request.json()
        control["delay_s"] = float(body.get("delay_s") or 0.0)
        control["fail_status"] = body.get("fail_status")
        return control

    @app.get("/v1/players/{player_id}/transactions/{tx_id}")
    async def one(player_id: str, tx_id: str) -> Any:
        tx = transactions(player_id).get(tx_id.upper())
        if tx is None:
            return JSONResponse({"error": "not_found"}, 404)
        return tx

    @app.get("/v1/players/{player_id}/transactions")
    async def many(player_id: str, kind: str | None = None, limit: int = 10) -> Any:
        items = sorted(
            (t for t in transactions(player_id).values() if kind in (None, t["kind"])),
            key=lambda t: t["created_at"],
            reverse=True,
        )
        return {"items": items[: max(1, min(limit, 100))]}

    @app.put("/v1/players/{player_id}/transactions/{tx_id}")
    async def put(player_id: str, tx_id: str, request: Request) -> Any:
        tx = await request.json()
        tx = {**tx, "id": tx_id.upper(), "player_id": player_id}
        overrides.setdefault(player_id, {})[tx["id"]] = tx
        return tx

    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(
        prog="python -m server.connectors.fake_payments", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="stop when the process that started this one is gone (the demo's child)",
    )
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        _watch_parent(os.getppid())
    uvicorn.run(create_fake_app(), host=args.host, port=args.port, log_level="warning")


def _watch_parent(parent: int) -> None:
    """A killed demo server cannot stop its children: they notice and stop themselves."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    main()
