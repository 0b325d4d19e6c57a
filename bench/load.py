"""Logging in through the real form, and loading URLs with concurrent HTTP requests over loopback.

The load comes from a minimal asyncio HTTP/1.1 client (one new connection per request, as gunicorn's
sync workers close each one). httpx.AsyncClient spends about 2 ms of CPU per request, as much as the
bare route itself costs, on the same two cores as the server: it capped the bare route near 390 rps
and so flattered ratio_to_bare. `--client httpx` measures with it all the same.
"""
import asyncio
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

CONCURRENCY = 16
WARMUP_REQUESTS = 48
TIMEOUT_S = 30
USER_AGENT = "pishraft-bench"  # the same on every request, as Flask-Login's session protection expects

Get = Callable[[], Awaitable["Reply"]]


@dataclass(frozen=True)
class Reply:
    """What a check needs from a response."""

    status: int
    body: bytes


@dataclass(frozen=True)
class Target:
    """A URL to measure, with its extra headers and the check every reply must pass."""

    path: str
    check: Callable[[Reply], None]
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Figures:
    """Latency percentiles and throughput of one measured URL."""

    p50_ms: float
    p95_ms: float
    rps: float
    requests: int

    @classmethod
    def of(cls, latencies: list[float], elapsed: float) -> "Figures":
        """The figures of these latencies (in seconds), sent over `elapsed` seconds."""
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        return cls(cuts[49] * 1000, cuts[94] * 1000, len(latencies) / elapsed, len(latencies))

    def __str__(self) -> str:
        return f"p50_ms={self.p50_ms:.1f} p95_ms={self.p95_ms:.1f} rps={self.rps:.1f}"


def login(base_url: str, username: str, password: str, landing: str) -> dict[str, str]:
    """Log in as a person does (GET the form, POST it with its CSRF token) and return the session cookies."""
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_S, headers={"User-Agent": USER_AGENT}) as client:
        form = client.get("/login")
        form.raise_for_status()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
        if token is None:
            raise RuntimeError("no csrf_token hidden input on /login")
        answer = client.post("/login", data={"username": username, "password": password,
                                             "csrf_token": token.group(1)})
        if answer.status_code != 303:
            raise RuntimeError(f"login failed: POST /login answered {answer.status_code}, not 303")
        # One page view, as the browser makes after the redirect; the session then holds its CSRF token.
        client.get(landing).raise_for_status()
        return dict(client.cookies.items())


def _raw_get(base_url: str, cookies: dict[str, str], target: Target) -> Get:
    """A GET of the target on a fresh connection, its reply read to the end."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    lines = [f"GET {target.path} HTTP/1.1", f"Host: {host}:{port}", f"User-Agent: {USER_AGENT}",
             "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()), "Connection: close",
             *(f"{k}: {v}" for k, v in target.headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")

    async def get() -> Reply:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            data = await reader.read()
        finally:
            writer.close()
        if not data.startswith(b"HTTP/1."):
            raise RuntimeError(f"no HTTP reply to GET {target.path}: {data[:80]!r}")
        head, _, body = data.partition(b"\r\n\r\n")
        return Reply(int(head[9:12]), body)

    return get


def _httpx_get(session: httpx.AsyncClient, target: Target) -> Get:
    """A GET of the target through httpx's connection pool."""
    async def get() -> Reply:
        response = await session.get(target.path, headers=target.headers)
        return Reply(response.status_code, response.content)

    return get


async def _load(get: Get, check: Callable[[Reply], None], requests: int, seconds: float,
                concurrency: int) -> tuple[list[float], float]:
    """Send up to `requests` GETs (or for `seconds`) from `concurrency` tasks; return latencies and elapsed time."""
    latencies: list[float] = []
    tickets = iter(range(requests))  # shared by the tasks: each request takes one
    started = time.perf_counter()
    deadline = started + seconds

    async def task() -> None:
        for _ in tickets:
            if time.perf_counter() > deadline:
                return
            sent = time.perf_counter()
            reply = await asyncio.wait_for(get(), TIMEOUT_S)
            latencies.append(time.perf_counter() - sent)
            check(reply)

    await asyncio.gather(*(task() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def _measure(base_url: str, cookies: dict[str, str], targets: dict[str, Target], *, requests: int,
                   seconds: float, concurrency: int, client: str, rounds: int) -> dict[str, Figures]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, cookies=cookies, limits=limits, timeout=TIMEOUT_S,
                                 headers={"User-Agent": USER_AGENT}) as session:  # used by --client httpx only
        gets = {name: _raw_get(base_url, cookies, target) if client == "raw" else _httpx_get(session, target)
                for name, target in targets.items()}
        for name, target in targets.items():
            await _load(gets[name], target.check, WARMUP_REQUESTS, seconds, concurrency)
        latencies: dict[str, list[float]] = {name: [] for name in targets}
        elapsed = dict.fromkeys(targets, 0.0)
        # The URLs take turns, so that a burst of other work on the machine slows them alike.
        for _ in range(rounds):
            for name, target in targets.items():
                times, spent = await _load(gets[name], target.check, max(1, requests // rounds), seconds / rounds,
                                           concurrency)
                latencies[name] += times
                elapsed[name] += spent
    return {name: Figures.of(latencies[name], elapsed[name]) for name in targets}


def measure(base_url: str, cookies: dict[str, str], targets: dict[str, Target], *, requests: int,
            seconds: float, concurrency: int = CONCURRENCY, client: str = "raw", rounds: int = 4,
            ) -> dict[str, Figures]:
    """Warm each target up, then give each about `requests` requests (at most `seconds`) in `rounds` turns."""
    return asyncio.run(_measure(base_url, cookies, targets, requests=requests, seconds=seconds,
                                concurrency=concurrency, client=client, rounds=rounds))
