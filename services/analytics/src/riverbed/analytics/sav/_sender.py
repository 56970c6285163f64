"""Load: POST entries asynchronously, 10 per request, with retries and idempotency keys."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = [
    "BATCH_SIZE",
    "BatchFailure",
    "SendReport",
    "batch_key",
    "send_entries",
    "send_entries_async",
]

log = logging.getLogger(__name__)
BATCH_SIZE = 10
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class BatchFailure:
    """One batch that could not be delivered."""

    index: int
    idempotency_key: str
    attempts: int
    error: str
    entries: list[dict[str, Any]]


@dataclass
class SendReport:
    """What the sender did: batches sent, attempts made, batches that failed."""

    entries: int = 0
    batches: int = 0
    delivered: int = 0
    attempts: int = 0
    replayed: int = 0
    failures: list[BatchFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether every batch was delivered."""
        return not self.failures

    def summary(self) -> str:
        """Describe the outcome in one line, then one line per failed batch."""
        lines = [
            f"{self.delivered}/{self.batches} batches delivered ({self.entries} entries, "
            f"{self.attempts} requests, {self.replayed} replayed by the server)"
        ]
        for f in self.failures:
            lines.append(
                f"  batch {f.index} (key {f.idempotency_key}, {len(f.entries)} entries) "
                f"failed after {f.attempts} attempt(s): {f.error}"
            )
        return "\n".join(lines)


def batch_key(scope: str, entries: Sequence[dict[str, Any]]) -> str:
    """Return a key that only depends on the batch content, so a rerun reuses it."""
    raw = json.dumps([scope, list(entries)], sort_keys=True, separators=(",", ":"), default=str)
    return "sav-" + hashlib.sha256(raw.encode()).hexdigest()[:40]


async def _post_batch(
    client: httpx.AsyncClient,
    url: str,
    index: int,
    key: str,
    entries: list[dict[str, Any]],
    report: SendReport,
    *,
    retries: int,
    backoff: float,
) -> None:
    attempt = 0
    error = ""
    while attempt <= retries:
        attempt += 1
        report.attempts += 1
        try:
            resp = await client.post(
                url, json={"entries": entries}, headers={"Idempotency-Key": key}
            )
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        else:
            if resp.status_code < 300:
                report.delivered += 1
                if resp.headers.get("Idempotent-Replayed") == "true":
                    report.replayed += 1
                return
            error = f"HTTP {resp.status_code}: {resp.text[:200]}"
            if resp.status_code not in _RETRY_STATUS:
                break  # a 4xx will not get better by retrying
        if attempt <= retries:
            delay = backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
            log.info(
                "batch %d attempt %d failed (%s); retrying in %.2fs", index, attempt, error, delay
            )
            await asyncio.sleep(delay)
    report.failures.append(BatchFailure(index, key, attempt, error, entries))


async def send_entries_async(
    url: str,
    entries: Sequence[dict[str, Any]],
    *,
    scope: str = "",
    concurrency: int = 4,
    retries: int = 4,
    backoff: float = 0.2,
    timeout: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SendReport:
    """POST `entries` to `url` in batches of exactly 10 (the last may be fewer)."""
    batches = [list(entries[i : i + BATCH_SIZE]) for i in range(0, len(entries), BATCH_SIZE)]
    report = SendReport(entries=len(entries), batches=len(batches))
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:

        async def one(index: int, batch: list[dict[str, Any]]) -> None:
            async with limit:
                await _post_batch(
                    client,
                    url,
                    index,
                    batch_key(scope, batch),
                    batch,
                    report,
                    retries=retries,
                    backoff=backoff,
                )

        await asyncio.gather(*(one(i, b) for i, b in enumerate(batches)))
    report.failures.sort(key=lambda f: f.index)
    return report


def send_entries(url: str, entries: Sequence[dict[str, Any]], **options: Any) -> SendReport:
    """Run `send_entries_async` to completion from synchronous code."""
    return asyncio.run(send_entries_async(url, entries, **options))
