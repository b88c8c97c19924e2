"""The domain errors, mapped once to CLI exit codes (cli.py) and HTTP statuses (api/app.py)."""

from __future__ import annotations

__all__ = [
    "DocumentError",
    "PolicyKGError",
    "QueryError",
    "ReadOnlyViolation",
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


class QueryError(PolicyKGError):
    """The engine rejected a query (syntax, timeout, unknown label)."""

    status = 400


class ReadOnlyViolation(PolicyKGError):
    """A write was attempted where only reads are allowed."""

    status = 403


class TemplateNotFound(PolicyKGError):
    status = 404


class TemplateParamError(PolicyKGError):
    status = 422
