"""Post generic events to the platform's ingestion endpoint, as a webhook emitter does."""

import datetime
import json
import urllib.error
import urllib.request
from typing import Any

ENDPOINT = "/api/v1/supervision/events/"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


class WebhookClient:
    """An emitter of one source: its token, the platform's address; `post(events)` sends one batch."""

    def __init__(self, *, base_url: str, token: str, timeout: float = 30.0, ndjson: bool = False) -> None:
        self.url = base_url.rstrip("/") + ENDPOINT
        self.token, self.timeout, self.ndjson = token, timeout, ndjson

    def body(self, events: list[dict[str, Any]]) -> tuple[bytes, str]:
        """The request body and its content type (a JSON array, or one JSON object a line)."""
        if self.ndjson:
            lines = (json.dumps(e, default=_jsonable) for e in events)
            return ("\n".join(lines) + "\n").encode(), "application/x-ndjson"
        return json.dumps(events, default=_jsonable).encode(), "application/json"

    def post(self, events: list[dict[str, Any]]) -> tuple[int, Any]:
        """Send a batch; returns the HTTP status and the decoded answer (the result of each event)."""
        data, content_type = self.body(events)
        request = urllib.request.Request(  # noqa: S310 - the platform's own http(s) address
            self.url,
            data=data,
            method="POST",
            headers={"Content-Type": content_type, "Authorization": f"Token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - see above
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read() or b"null")
            except ValueError:
                answer = None
            return exc.code, answer
