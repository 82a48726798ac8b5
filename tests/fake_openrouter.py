"""A loopback stand-in for OpenRouter's Data API, serving constructed responses by plan."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pandas as pd

from tokentrends.inputs.sample import sample_rankings

AS_OF = "2026-03-01T00:05:00Z"


class FakeOpenRouter:
    """Serve rankings-daily from the synthetic sample. `plan` is a list of behaviours consumed one per
    request ("ok", "401", "429", "500", "slow", "truncated", "hang"; and from issue 14: "trickle" one byte at a
    time, "huge" an endless body, "429-day" Retry-After: 86400, "empty" no rows, "future" meta.as_of in 2099);
    when it is empty, requests are "ok"."""

    def __init__(self, plan: list[str] | None = None, slow_seconds: float = 2.0):
        self.plan = list(plan or [])
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        self.rows = sample_rankings()
        self.apps_since = "2025-02-24"  # app-rankings: earlier windows list no apps (the API's history starts)
        self.task_as_of = "2025-03-04"
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
        return json.dumps(
            {
                "data": rows.to_dict("records"),
                "meta": {"as_of": AS_OF, "start_date": start, "end_date": end, "version": "test"},
            }
        ).encode()

    def models(self) -> bytes:
        return json.dumps(
            {
                "data": [
                    {
                        "id": "sample-lab/flash-1",
                        "canonical_slug": "sample-lab/flash-1",
                        "name": "Sample: Flash 1",
                        "created": 1735689600,
                        "hugging_face_id": "",
                        "pricing": {"prompt": "0.0000001", "completion": "0.0000004"},
                        "context_length": 1000,
                    }
                ]
            }
        ).encode()

    def activity(self) -> bytes:
        """/api/v1/activity: two rows a day for the 30 completed UTC days before now (a management key's view)."""
        from datetime import UTC, datetime, timedelta

        today = datetime.now(UTC).date()
        rows = [
            {
                "date": (today - timedelta(days=d)).isoformat(),
                "model": slug,
                "model_permaslug": f"{slug}-2025",
                "endpoint_id": f"ep-{slug}",
                "provider_name": "Sample Cloud",
                "usage": 0.25 * d,
                "byok_usage_inference": 0.0,
                "requests": d,
                "prompt_tokens": 1000 * d,
                "completion_tokens": 100 * d,
                "reasoning_tokens": 10 * d,
            }
            for d in range(1, 31)
            for slug in ("sample-lab/flash-1", "acme-ai/pro-1")
        ]
        return json.dumps({"data": rows}).encode()

    # The demand side (issue 12). 130 apps overall (so the overall list takes two pages of 100); subcategory
    # lists overlap (apps 30-40 are both cli-agent and cloud-agent; app 1 is also a personal agent).
    SUBCATEGORY_APPS = {
        "cli-agent": range(1, 41),
        "cloud-agent": range(30, 50),
        "ide-extension": (2, 4, 6),
        "personal-agent": (1, 100, 101, 102, 103, 104),
        "programming-app": (),
        "native-app-builder": (120,),
    }

    def app_rankings(self, query: dict) -> bytes:
        start, end = query["start_date"], query["end_date"]
        ids = list(self.SUBCATEGORY_APPS.get(query.get("subcategory"), range(1, 131)))
        if start < self.apps_since:
            ids = []
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
        rows = [
            {
                "rank": offset + n + 1,
                "app_id": i,
                "app_name": f"App {i}",
                "total_tokens": str((200 - i) * 10**9),
                "total_requests": (200 - i) * 10**4,
            }
            for n, i in enumerate(ids[offset : offset + limit])
        ]
        as_of = (date.fromisoformat(end) + timedelta(days=2)).isoformat() + "T02:00:00.000Z"
        return json.dumps(
            {"data": rows, "meta": {"as_of": as_of, "version": "v1", "start_date": start, "end_date": end}}
        ).encode()

    def task_classifications(self) -> bytes:
        models = [{"id": "sample-lab/flash-1", "tag_usage_share": 0.4, "tag_token_share": 0.5}]
        tags = [
            {
                "tag": t,
                "display_name": t.title(),
                "macro_category": m,
                "usage_share": u,
                "token_share": k,
                "category_usage_share": 1.0,
                "category_token_share": 1.0,
                "models": models,
            }
            for t, m, u, k in (("code:gen", "code", 0.3, 0.6), ("agent:plan", "agent", 0.7, 0.4))
        ]
        macro = [
            {"key": "code", "label": "Code", "usage_share": 0.3, "token_share": 0.6},
            {"key": "agent", "label": "Agent", "usage_share": 0.7, "token_share": 0.4},
        ]
        return json.dumps(
            {"data": {"window_days": 7, "as_of": self.task_as_of, "classifications": tags, "macro_categories": macro}}
        ).encode()

    def session_cost(self) -> bytes:
        return json.dumps(
            {
                "data": [
                    {
                        "app_name": "App 1",
                        "app_slug": "app-1",
                        "model_permaslug": "sample-lab/flash-1",
                        "turn_range": "10-49-turns",
                        "median_session_cost_usd": 1.74,
                    }
                ],
                "meta": {
                    "as_of": self.task_as_of + "T02:00:00.000Z",
                    "version": "v1",
                    "window_days": 30,
                    "window_end_date": None,
                },
            }
        ).encode()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests.append(
                    {"path": url.path, "query": query, "authorization": self.headers.get("Authorization")}
                )
                action = fake.plan.pop(0) if fake.plan else "ok"
                if action == "hang":
                    time.sleep(3600)
                if action == "slow":
                    time.sleep(fake.slow_seconds)
                if action in ("401", "500"):
                    return self._send(int(action), b'{"error": "nope"}')
                if action == "429":
                    return self._send(429, b'{"error": "rate limited"}', {"Retry-After": "1"})
                if action == "429-day":
                    return self._send(429, b'{"error": "rate limited"}', {"Retry-After": "86400"})
                if action in ("trickle", "huge"):
                    return self._stream(action)
                if url.path.endswith("/models"):
                    return self._send(200, fake.models())
                if url.path.endswith("/activity"):
                    body = fake.activity()
                    return self._send(200, body[: len(body) // 2] if action == "truncated" else body)
                if url.path.endswith("/datasets/app-rankings"):
                    body = fake.app_rankings(query)
                elif url.path.endswith("/classifications/task"):
                    body = fake.task_classifications()
                elif url.path.endswith("/datasets/session-cost"):
                    body = fake.session_cost()
                else:
                    body = fake.rankings(query["start_date"], query["end_date"])
                if action in ("empty", "future"):
                    payload = json.loads(body)
                    payload["data"] = [] if action == "empty" else payload["data"]
                    payload["meta"]["as_of"] = "2099-01-01T00:00:00Z" if action == "future" else AS_OF
                    body = json.dumps(payload).encode()
                if action == "truncated":
                    body = body[: len(body) // 2]
                self._send(200, body)

            def _stream(self, action: str) -> None:
                """No Content-Length (HTTP/1.0: the body ends when the connection closes)."""
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    for _ in range(100_000):
                        self.wfile.write(b" " if action == "trickle" else b" " * 65536)
                        self.wfile.flush()
                        if action == "trickle":
                            time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    pass

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
