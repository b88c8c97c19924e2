"""uvicorn's HTTP/1.1 protocol (h11), answering a request it cannot parse with the API's JSON error shape.

A request line uvicorn refuses before the app sees it (raw UTF-8 in the path or query string, say)
gets `{"error": {"type": "BadRequest", "message"}}` with status 400 instead of uvicorn's plain text,
so every answer of the API has one error shape. `policykg serve` runs uvicorn with this protocol.
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["JSONErrorH11Protocol"]

HINT = "; percent-encode non-ASCII characters in the URL (curl -G --data-urlencode 'q=…')"


class JSONErrorH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"error": {"type": "BadRequest", "message": msg + HINT}}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body)):
            self.transport.write(self.conn.send(event))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()
