"""uvicorn's HTTP/1.1 protocols, answering a request they cannot parse with the API's JSON error shape.

A request line uvicorn refuses before the app sees it (raw UTF-8 in the path or query string, say)
gets `{"error": {"type": "BadRequest", "message"}}` with status 400 instead of uvicorn's plain text,
so every answer of the API has one error shape. `policykg serve` runs uvicorn with the httptools
parser (C, llhttp) when it is installed, else h11 (pure Python); both answer 400 the same way.
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["JSONErrorH11Protocol", "best_protocol"]

HINT = "; percent-encode non-ASCII characters in the URL (curl -G --data-urlencode 'q=…')"


def _body(msg: str) -> bytes:
    return json.dumps({"error": {"type": "BadRequest", "message": msg + HINT}}).encode()


class JSONErrorH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        body = _body(msg)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body)):
            self.transport.write(self.conn.send(event))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is not installed: h11 only
    HttpToolsProtocol = None


if HttpToolsProtocol is not None:

    class JSONErrorHttpToolsProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            body = _body(msg)
            head = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
            head += b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
            self.transport.write(head + body)
            self.transport.close()


def best_protocol() -> type:
    """The httptools protocol with the JSON 400 when httptools is installed, else the h11 one."""
    return JSONErrorHttpToolsProtocol if HttpToolsProtocol is not None else JSONErrorH11Protocol
