"""A small HTTP/1.1 keep-alive client on raw asyncio streams, and a closed-loop load runner.

This is the fallback load generator when `wrk` is not installed (and the client used for
sequential latency and for setup). No HTTP library: a request is a pre-built bytes object,
a response is read with `readuntil` + `readexactly` (or chunked decoding).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
IDLE_S = 3.0  # reconnect rather than reuse a connection idle this long


def build_request(
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    close: bool = False,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _parse_head(head: bytes) -> tuple[int, dict[bytes, bytes]]:
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        if not line:
            continue
        k, _, v = line.partition(b":")
        headers[k.strip().lower()] = v.strip()
    return status, headers


def read_response_sync(sock: socket.socket) -> tuple[int, bytes]:
    """Read one response from a blocking socket (the request said Connection: close)."""
    data = bytearray()
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the response head")
        data += chunk
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    status, headers = _parse_head(head)
    body = bytearray(rest)
    if b"content-length" in headers:
        n = int(headers[b"content-length"])
        while len(body) < n:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return status, bytes(body[:n])
    while True:  # chunked or close-delimited: read to EOF, then de-chunk
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        return status, dechunk_all(bytes(body))
    return status, bytes(body)


def dechunk_all(raw: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while True:
        nl = raw.index(b"\r\n", pos)
        size = int(raw[pos:nl].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += raw[nl + 2 : nl + 2 + size]
        pos = nl + 2 + size + 2


class HttpConn:
    """One keep-alive connection. `await request(raw_bytes)` → (status, body)."""

    def __init__(self, port: int, host: str = HOST) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def connect(self) -> HttpConn:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        now = time.monotonic()
        if self.writer is not None and now - self.last_used > IDLE_S:
            self.close()  # the server drops idle keep-alive connections (uvicorn: 5 s)
        self.last_used = now
        if self.writer is None:
            await self.connect()
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status, headers = _parse_head(head[:-4])
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._read_chunked()
        else:
            body = await self.reader.read()
            self.close()
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, body

    async def _read_chunked(self) -> bytes:
        assert self.reader is not None
        out = bytearray()
        while True:
            line = await self.reader.readuntil(b"\r\n")
            size = int(line[:-2].split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return bytes(out)
            out += await self.reader.readexactly(size + 2)
            del out[-2:]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, completed requests
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    elapsed: float = 0.0
    cpu_seconds: float = 0.0  # of this (load-generating) process

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0


MakeRequest = Callable[[int, int], bytes]  # (connection index, request index) → raw request
OnResponse = Callable[[int, bytes], None]  # (status, body)


async def closed_loop(
    port: int,
    connections: int,
    duration: float,
    make_request: MakeRequest,
    on_response: OnResponse | None = None,
    max_requests: int | None = None,
) -> LoadResult:
    """`connections` keep-alive clients, each sending its next request when the last answered.

    Stops after `duration` seconds (or `max_requests` in all). Requests in flight at the
    deadline are finished (and counted), so the count is exact.
    """
    result = LoadResult()
    conns = [await HttpConn(port).connect() for _ in range(connections)]
    issued = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    deadline = t0 + duration
    perf = time.perf_counter

    async def worker(ci: int) -> None:
        nonlocal issued
        conn = conns[ci]
        while perf() < deadline and (max_requests is None or issued < max_requests):
            i = issued
            issued += 1
            raw = make_request(ci, i)
            start = perf()
            try:
                status, body = await conn.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                conn.close()
                continue
            result.latencies.append(perf() - start)
            result.statuses[status] += 1
            if on_response is not None:
                on_response(status, body)

    await asyncio.gather(*(worker(i) for i in range(connections)))
    result.elapsed = time.perf_counter() - t0
    result.cpu_seconds = time.process_time() - cpu0
    for c in conns:
        c.close()
    return result


async def sequential(
    port: int, raws: list[bytes], check: Callable[[int, int, bytes], None] | None = None
) -> LoadResult:
    """One connection, one request at a time: per-request latency."""
    result = LoadResult()
    conn = await HttpConn(port).connect()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    perf = time.perf_counter
    for i, raw in enumerate(raws):
        start = perf()
        status, body = await conn.request(raw)
        result.latencies.append(perf() - start)
        result.statuses[status] += 1
        if check is not None:
            check(i, status, body)
    result.elapsed = time.perf_counter() - t0
    result.cpu_seconds = time.process_time() - cpu0
    conn.close()
    return result
