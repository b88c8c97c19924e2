"""The domain errors, mapped once to CLI exit codes (cli.py) and HTTP statuses (api/app.py)."""

from __future__ import annotations

__all__ = [
    "DocumentError",
    "NameNotFound",
    "PolicyKGError",
    "QueryError",
    "QueryTimeout",
    "ReadOnlyViolation",
    "StoreBusy",
    "StoreNotFound",
    "StoreUnavailable",
    "TemplateNotFound",
    "TemplateParamError",
]


class PolicyKGError(Exception):
    """Base of every error policy-kg reports to a user."""

    status = 500


class DocumentError(PolicyKGError):
    """A document could not be read or understood; the message names the file and the problem."""

    status = 422

    def __init__(self, path: object, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # crosses the worker process boundary
        return type(self), (self.path, self.problem)


class QueryError(PolicyKGError):
    """The engine rejected a query (syntax, timeout, unknown label)."""

    status = 400


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""

    status = 504


class NameNotFound(PolicyKGError):
    """An agency, policy or region name that resolves to nothing in the graph (with close names, if any)."""

    status = 404


class StoreNotFound(PolicyKGError):
    """No store at the given place: reading never creates one."""

    status = 503


class StoreUnavailable(PolicyKGError):
    """The graph store cannot be reached (Neo4j down); the caller should stop and try again later."""

    status = 503


class StoreBusy(PolicyKGError):
    """Another process (a running `policykg serve`, say) holds the embedded store for writing."""

    status = 409


class ReadOnlyViolation(PolicyKGError):
    """A write was attempted where only reads are allowed."""

    status = 403


class TemplateNotFound(PolicyKGError):
    status = 404


class TemplateParamError(PolicyKGError):
    status = 422
