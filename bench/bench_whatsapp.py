"""Benchmark of the WhatsApp path: signed webhook POST in, reply received by a fake Graph API, over real HTTP.

Run from the project root: `.venv/bin/python bench/bench_whatsapp.py [--requests 600] [--concurrency 20]`.
Kriya runs as `kriya serve --no-background` in its own process (as in production); this process is the
load generator and the fake Graph API. It runs on a fresh SQLite file, and on PostgreSQL too when
TEST_DATABASE_URL is set (the demo catalogue is seeded there; the people it invents have random numbers).
It prints webhook requests per second (end to end), the time Meta waits for our 200 (ack) and the time
until the reply reaches the Graph API (reply), p50 and p99.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import hmac
import json
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.app import open_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from db.seed import seed_demo  # noqa: E402
from tests.whatsapp.fake_graph import VERSION, FakeGraph, Sent, fixture, serve  # noqa: E402

logger = logging.getLogger(__name__)

PHONE_NUMBER_ID = "1122334455667"
TOKEN = "bench-token"
SECRET = "bench-secret"
TEXTS = ("halo", "menu", "pelatihan batik", "terima kasih", "tips kemasan")  # replies of one message each
TEMPLATE = fixture("text_message.json")
TEMPLATE["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = PHONE_NUMBER_ID


def update(user: str, body: str) -> bytes:
    data: dict[str, Any] = copy.deepcopy(TEMPLATE)
    value = data["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = user
    message = value["messages"][0]
    message.update({"from": user, "id": "wamid." + uuid.uuid4().hex, "text": {"body": body},
                    "timestamp": str(int(time.time()))})
    return json.dumps(data).encode()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def prepare(database_url: str) -> None:
    """Migrate and seed the demo catalogue (what `kriya db upgrade` and `kriya seed --demo` do)."""
    async with open_app(Settings(database_url=database_url), migrate=True) as app:
        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session, app.clock())


async def run(database_url: str, requests: int, concurrency: int, rate: float) -> dict[str, Any]:
    await prepare(database_url)
    fake = FakeGraph(token=TOKEN, phone_number_id=PHONE_NUMBER_ID)
    waiting: dict[str, asyncio.Future[Sent]] = {}

    def arrived(sent: Sent) -> None:
        future = waiting.pop(sent.to, None)
        if future is not None and not future.done():
            future.set_result(sent)

    fake.on_sent = arrived
    async with serve(fake.app()) as graph_url:
        port = free_port()
        env = {
            **os.environ, "DATABASE_URL": database_url, "WHATSAPP_TOKEN": TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_APP_SECRET": SECRET,
            "WHATSAPP_VERIFY_TOKEN": "bench-verify", "WHATSAPP_API_BASE_URL": f"{graph_url}/{VERSION}",
            "KRIYA_WHATSAPP_RATE": str(rate), "TELEGRAM_BOT_TOKEN": "",
        }
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--no-background", "--host", "127.0.0.1", "--port", str(port),
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                         limits=httpx.Limits(max_connections=concurrency * 2)) as client:
                for _ in range(300):
                    try:
                        if (await client.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if server.returncode is not None:
                        raise RuntimeError("kriya serve stopped; run it by hand to see why")
                    await asyncio.sleep(0.1)
                acks: list[float] = []
                replies: list[float] = []
                prefix = str(random.randint(10_000, 99_999))

                async def one(user: str, body: str) -> None:
                    payload = update(user, body)
                    signature = "sha256=" + hmac.new(SECRET.encode(), payload, hashlib.sha256).hexdigest()
                    future: asyncio.Future[Sent] = asyncio.get_running_loop().create_future()
                    waiting[user] = future
                    started = time.perf_counter()
                    answer = await client.post("/whatsapp/webhook", content=payload, headers={
                        "x-hub-signature-256": signature, "content-type": "application/json"})
                    acks.append(time.perf_counter() - started)
                    assert answer.status_code == 200, answer.text
                    await asyncio.wait_for(future, 60)
                    replies.append(time.perf_counter() - started)

                async def person(number: int, count: int) -> None:
                    user = f"62{prefix}{number:06d}"
                    for turn in range(count):
                        await one(user, TEXTS[(number + turn) % len(TEXTS)])

                await asyncio.gather(*(one(f"62{prefix}9{n:05d}", "halo") for n in range(concurrency)))  # warm up
                acks.clear()
                replies.clear()
                per_person = [requests // concurrency + (1 if i < requests % concurrency else 0)
                              for i in range(concurrency)]
                started = time.perf_counter()
                await asyncio.gather(*(person(i, n) for i, n in enumerate(per_person)))
                elapsed = time.perf_counter() - started
                await asyncio.sleep(0.5)  # any late extra part would show in the count below
        finally:
            if server.returncode is None:
                server.terminate()
            await asyncio.wait_for(server.wait(), 30)
    return {
        "requests": len(replies), "seconds": elapsed, "per_second": len(replies) / elapsed,
        "ack_p50": statistics.median(acks) * 1000, "ack_p99": percentile(acks, 0.99) * 1000,
        "reply_p50": statistics.median(replies) * 1000, "reply_p99": percentile(replies, 0.99) * 1000,
        "violations": len(fake.violations), "sent": len(fake.sent),
    }


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        return None
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=20, help="people writing at the same time")
    parser.add_argument("--rate", type=float, default=1000.0,
                        help="KRIYA_WHATSAPP_RATE for the run (default 1000/s so the limiter is not what is measured)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        targets = [("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db")]
        url = postgres_url()
        if url:
            targets.append(("postgresql", url))
        print(f"WhatsApp webhook -> reply: {args.requests} requests, {args.concurrency} people writing at once, "
              f"rate limit {args.rate:g}/s, kriya serve in its own process")
        for name, database_url in targets:
            result = await run(database_url, args.requests, args.concurrency, args.rate)
            print(f"{name:<11} {result['per_second']:6.1f} req/s   ack p50 {result['ack_p50']:6.1f} ms "
                  f"p99 {result['ack_p99']:7.1f} ms   reply p50 {result['reply_p50']:6.1f} ms "
                  f"p99 {result['reply_p99']:7.1f} ms   ({result['sent']} messages for "
                  f"{result['requests'] + args.concurrency} requests, {result['violations']} limit violations)")


if __name__ == "__main__":
    asyncio.run(main())
