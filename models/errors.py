"""One exception tree for the whole project, mapped once to CLI exit codes and HTTP statuses.

::

    VnnewsError                      exit 1   HTTP 500   something of ours went wrong
    ├── InputError                   exit 2   HTTP 400   the caller gave us something we cannot use
    │   ├── DecodeError              exit 2   HTTP 422   bytes that are not a readable HTML page / WARC
    │   ├── QueryError               exit 2   HTTP 400   bad search syntax, bad date, bad filter
    │   ├── PlaceError               exit 2   HTTP 400   unknown or ambiguous place name
    │   ├── PayloadTooLargeError     exit 2   HTTP 413   a body or file over the configured limit
    │   └── UnsupportedMediaError    exit 2   HTTP 415   a media type we cannot extract or ingest
    ├── AuthError                    exit 2   HTTP 401   credentials needed and not given
    │   └── ForbiddenError           exit 2   HTTP 403   credentials given but wrong
    ├── NotFoundError                exit 4   HTTP 404   no record / unit with that id
    ├── FetchError                   exit 3   HTTP 502   the remote side failed (status, timeout, reset)
    │   └── UnsafeAddressError       exit 3   HTTP 403   target resolves to loopback/private/metadata
    ├── ExtractTimeoutError          exit 1   HTTP 504   fetching + extracting one page ran out of time
    └── StoreError                   exit 5   HTTP 500   the archive database refused (locked, corrupt)

Exit 2 means "the request was wrong, retrying it unchanged will fail again" — bad input and bad
credentials alike; ``AuthError`` is no ``InputError`` so code that reports bad input per line or per
file never swallows a refusal. A timeout is ours (exit 1): the same request may pass on a quieter
server.

Every error carries a one-line ``message`` for people and an optional ``detail`` for logs;
code that catches one must either re-raise or record *why* (never turn it into ``None``).
"""

from __future__ import annotations


class VnnewsError(Exception):
    exit_code = 1
    http_status = 500

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, str | None]:
        return {"error": self.message, "detail": self.detail}


class InputError(VnnewsError):
    exit_code = 2
    http_status = 400


class DecodeError(InputError):
    http_status = 422


class QueryError(InputError):
    pass


class PlaceError(InputError):
    pass


class PayloadTooLargeError(InputError):
    http_status = 413


class UnsupportedMediaError(InputError):
    http_status = 415


class AuthError(VnnewsError):
    exit_code = 2
    http_status = 401


class ForbiddenError(AuthError):
    http_status = 403


class NotFoundError(VnnewsError):
    exit_code = 4
    http_status = 404


class FetchError(VnnewsError):
    exit_code = 3
    http_status = 502


class UnsafeAddressError(FetchError):
    http_status = 403


class ExtractTimeoutError(VnnewsError):
    http_status = 504


class StoreError(VnnewsError):
    exit_code = 5
    http_status = 500
