"""A loopback stand-in for OpenRouter's Data API, serving constructed responses by plan."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pandas as pd

from tokentrends.inputs.sample import sample_rankings

AS_OF = "2026-03-01T00:05:00Z"


class FakeOpenRouter:
    """Serve rankings-daily from the synthetic sample. `plan` is a list of behaviours consumed one per
    request ("ok", "401", "429", "500", "slow", "truncated", "hang"); when it is empty, requests are "ok"."""

    def __init__(self, plan: list[str] | None = None, slow_seconds: float = 2.0):
        self.plan = list(plan or [])
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        self.rows = sample_rankings()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def __enter__(self) -> FakeOpenRouter:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def rankings(self, start: str, end: str) -> bytes:
        rows = self.rows[(self.rows["date"] >= start) & (self.rows["date"] <= end)]
        return json.dumps({"data": rows.to_dict("records"),
                           "meta": {"as_of": AS_OF, "start_date": start, "end_date": end, "version": "test"}}).encode()

    def models(self) -> bytes:
        return json.dumps({"data": [{"id": "sample-lab/flash-1", "canonical_slug": "sample-lab/flash-1",
                                     "name": "Sample: Flash 1", "created": 1735689600, "hugging_face_id": "",
                                     "pricing": {"prompt": "0.0000001", "completion": "0.0000004"},
                                     "context_length": 1000}]}).encode()

    def activity(self) -> bytes:
        """/api/v1/activity: two rows a day for the 30 completed UTC days before now (a management key's view)."""
        from datetime import UTC, datetime, timedelta

        today = datetime.now(UTC).date()
        rows = [{"date": (today - timedelta(days=d)).isoformat(), "model": slug, "model_permaslug": f"{slug}-2025",
                 "endpoint_id": f"ep-{slug}", "provider_name": "Sample Cloud", "usage": 0.25 * d,
                 "byok_usage_inference": 0.0, "requests": d, "prompt_tokens": 1000 * d, "completion_tokens": 100 * d,
                 "reasoning_tokens": 10 * d}
                for d in range(1, 31) for slug in ("sample-lab/flash-1", "acme-ai/pro-1")]
        return json.dumps({"data": rows}).encode()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests.append({"path": url.path, "query": query,
                                      "authorization": self.headers.get("Authorization")})
                action = fake.plan.pop(0) if fake.plan else "ok"
                if action == "hang":
                    time.sleep(3600)
                if action == "slow":
                    time.sleep(fake.slow_seconds)
                if action in ("401", "500"):
                    return self._send(int(action), b'{"error": "nope"}')
                if action == "429":
                    return self._send(429, b'{"error": "rate limited"}', {"Retry-After": "1"})
                if url.path.endswith("/models"):
                    return self._send(200, fake.models())
                if url.path.endswith("/activity"):
                    body = fake.activity()
                    return self._send(200, body[: len(body) // 2] if action == "truncated" else body)
                body = fake.rankings(query["start_date"], query["end_date"])
                if action == "truncated":
                    body = body[: len(body) // 2]
                self._send(200, body)

            def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def covered_days(data_dir) -> list[str]:
    from tokentrends.inputs import archive

    days = set()
    for vintage in archive.discover_vintages(data_dir)[0]:
        if vintage.kind == archive.RANKINGS:
            days |= set(pd.to_datetime(archive.read_rankings_vintage(vintage)["date"]).dt.strftime("%Y-%m-%d"))
    return sorted(days)
