"""A child process that runs one call at a time under a memory bound and a wall-clock timeout.

Work an input can drive into a crash, a runaway allocation or a long loop (the embedded engine on ad-hoc
Cypher, the extraction of one document) runs here. The child's address space is capped with RLIMIT_AS;
a call that overruns its time is answered with a timeout and the child is killed (SIGKILL: native code
ignores anything gentler) and replaced on the next call. A child that dies (a segfault in the engine)
is reported the same way, so the caller, the API server or a batch, stays up and small.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import pickle
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from policykg.errors import PolicyKGError

__all__ = ["BoundedWorker", "WorkerCrashed", "WorkerOverMemory", "WorkerTimeout"]


class WorkerTimeout(PolicyKGError):
    """The call ran past its time budget; the worker was killed."""

    status = 504


class WorkerCrashed(PolicyKGError):
    """The worker process died during the call (a crash in native code)."""

    status = 500


class WorkerOverMemory(PolicyKGError):
    """The call needed more memory than the worker's bound."""

    status = 413


STARTUP_SECONDS = 300.0  # a spawned interpreter importing its modules on a busy machine; not the call's budget


def _serve(conn: Connection, memory_bytes: int | None, preload: tuple[str, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends the child
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    for name in preload:  # "module" or "module:function" (called with no arguments, e.g. to build a cache)
        module, _, function = name.partition(":")
        loaded = importlib.import_module(module)
        if function:
            getattr(loaded, function)()
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            conn.send(("memory", None))
            return  # state after a failed allocation is not worth trusting: the next call gets a new child
        except BaseException as e:
            try:
                pickle.dumps(e)
                reply = ("err", e)
            except Exception:
                reply = ("err", PolicyKGError(f"{type(e).__name__}: {e}"))
        conn.send(reply)


class BoundedWorker:
    """Runs `call(timeout, fn, *args)` in a child process (spawned, so it shares no threads or handles).

    The child imports `preload` before it says it is ready; start-up time is not charged to a call."""

    def __init__(
        self, memory_bytes: int | None = None, name: str = "policykg-worker", preload: tuple[str, ...] = ()
    ) -> None:
        self.memory_bytes = memory_bytes
        self.name = name
        self.preload = preload
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_serve, args=(child, self.memory_bytes, self.preload), name=self.name, daemon=True
        )
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        try:
            ready = parent.poll(STARTUP_SECONDS) and parent.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            code = self._stop()
            raise WorkerCrashed(f"the {self.name} process did not start (exit {code})")

    def _stop(self) -> int | None:
        proc, self._proc = self._proc, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if proc is None:
            return None
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        return proc.exitcode

    def call(self, timeout: float, fn: Callable[..., Any], *args: Any, what: str = "the call") -> Any:
        """fn(*args) in the child; WorkerTimeout, WorkerCrashed or WorkerOverMemory when it does not return."""
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self._stop()
                self._start()
            assert self._conn is not None
            try:
                self._conn.send((fn, args))
                ready = self._conn.poll(timeout)
            except (OSError, EOFError):
                ready = True  # the child is gone: recv below says so
            if not ready:
                self._stop()
                raise WorkerTimeout(f"{what} ran past its time limit ({timeout:g} s) and was stopped")
            try:
                status, value = self._conn.recv()
            except (EOFError, OSError):
                code = self._stop()
                raise WorkerCrashed(
                    f"{what} crashed the worker process (exit {code}); the server is unaffected"
                ) from None
        if status == "ok":
            return value
        if status == "memory":
            self._stop_quietly()
            raise WorkerOverMemory(f"{what} needed more than the {self.memory_bytes // 2**20} MB memory bound")
        raise value

    def _stop_quietly(self) -> None:
        with self._lock:
            self._stop()

    def close(self) -> None:
        with self._lock:
            self._stop()

    def kill(self) -> None:
        """Kill the child now, without waiting for a call in progress (that call fails as a crash)."""
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()
