"""The edge of every request: writes authorised before a byte of body is read, bodies bounded, no crash.

An ASGI middleware, so it runs before FastAPI parses (and spools) a body: a write route without the
token is answered 401/403 at once; a Content-Length over the route's limit is answered 413 at once; a
body streamed without a length is counted as it arrives and cut off at the limit. Any exception the app
lets through becomes a JSON 500 answered on the same connection, which stays open for the next request.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policykg.settings import Settings, human_bytes

from .deps import token_problem

__all__ = ["MULTIPART_OVERHEAD", "BodyTooLarge", "EdgeGuard"]

log = logging.getLogger("policykg.api")

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around an uploaded file


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int, what: str) -> None:
        super().__init__(413, f"{what} is larger than the {human_bytes(limit)} limit")


def body_limit(scope: Scope, settings: Settings) -> tuple[int, int, str]:
    """(bytes accepted at the edge, the limit to report, what it bounds). An upload a little over the
    document limit is still read, so the route can refuse it naming the file; twice the limit never is."""
    if is_upload(scope):
        doc = settings.max_document_bytes
        return 2 * doc + MULTIPART_OVERHEAD, doc, "the uploaded document"
    return settings.max_json_bytes, settings.max_json_bytes, "the request body"


def is_upload(scope: Scope) -> bool:
    return scope["method"] == "POST" and scope["path"].rstrip("/") == "/documents"


def is_write(scope: Scope) -> bool:
    return is_upload(scope) or (scope["method"] == "DELETE" and scope["path"].startswith("/documents/"))


async def respond(send: Send, status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"error": {"type": kind, "message": message}}, ensure_ascii=False).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class EdgeGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if is_write(scope):
            problem = token_problem(self.settings, headers.get("authorization"))
            if problem:
                status, message, extra = problem
                await respond(send, status, "HTTPError", message, extra)
                return
        limit, shown, what = body_limit(scope, self.settings)
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await respond(send, 400, "HTTPError", "Content-Length is not a number")
                return
            if int(declared) > limit:
                await respond(send, 413, "HTTPError", str(BodyTooLarge(shown, what).detail))
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(shown, what)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as e:
            if not started:
                await respond(send, 413, "HTTPError", str(e.detail))
        except Exception as e:
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if not started:
                await respond(send, 500, type(e).__name__, _short(e))


def _short(e: Any) -> str:
    return str(e)[:500]
