"""Errors the domain raises; the API maps each to one status code and JSON shape."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: a rule of the desk refuses the request."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404
    code = "not_found"


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class VersionMismatch(DomainError):
    status = 412
    code = "version_mismatch"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
