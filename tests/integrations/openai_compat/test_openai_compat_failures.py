"""Retry-After parsing and the shapes of error bodies servers send."""

from __future__ import annotations

import email.utils

import pytest

from integrations.openai_compat.failures import (
    error_from_body,
    error_from_object,
    is_transient_status,
    parse_retry_after,
    retry_after_from_headers,
)

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-4", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
    ],
)
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_retry_after_http_date() -> None:
    future = email.utils.formatdate(NOW + 42, usegmt=True)
    past = email.utils.formatdate(NOW - 42, usegmt=True)
    assert parse_retry_after(future, now=NOW) == pytest.approx(42.0)
    assert parse_retry_after(past, now=NOW) == 0.0
    assert parse_retry_after("Wed, 99 Foo 2024 99:00:00 GMT", now=NOW) is None


def test_retry_after_ms_wins_over_seconds() -> None:
    assert retry_after_from_headers({"retry-after-ms": "250", "Retry-After": "9"}) == 0.25
    assert retry_after_from_headers({"retry-after-ms": "junk", "Retry-After": "9"}) == 9.0
    assert retry_after_from_headers({}) is None


@pytest.mark.parametrize(
    ("status", "transient"),
    [
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (422, False),
        (408, True),
        (429, True),
        (500, True),
        (503, True),
    ],
)
def test_status_classes(status: int, transient: bool) -> None:
    assert is_transient_status(status) is transient


def test_openai_error_body() -> None:
    body = b'{"error": {"message": "Invalid model", "type": "invalid_request_error", "param": null, "code": "model_not_found"}}'
    error = error_from_body(404, body)
    assert (error.status, error.message, error.type, error.code) == (
        404,
        "Invalid model",
        "invalid_request_error",
        "model_not_found",
    )
    assert not error.transient
    assert (
        error.describe()
        == "HTTP 404: Invalid model (type=invalid_request_error, code=model_not_found)"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error": "model \\"x\\" not found"}', 'model "x" not found'),
        (
            b'{"object": "error", "message": "too long", "type": "BadRequestError", "code": 400}',
            "too long",
        ),
        (b'{"detail": "Not Found"}', "Not Found"),
        (b"upstream connect error", "upstream connect error"),
        (b"", "Bad Gateway"),
    ],
)
def test_other_error_body_shapes(body: bytes, message: str) -> None:
    assert error_from_body(502, body, "Bad Gateway").message == message


def test_error_objects_inside_a_stream() -> None:
    assert error_from_object({"choices": []}, None) is None
    server_side = error_from_object(
        {"error": {"code": 500, "message": "crash", "type": "server_error"}}, None
    )
    client_side = error_from_object(
        {"error": {"code": 400, "message": "too long", "type": "exceed_context_size_error"}}, None
    )
    untyped = error_from_object({"error": {"message": "?"}}, None)
    assert server_side is not None and server_side.transient
    assert client_side is not None and not client_side.transient
    assert untyped is not None and untyped.transient


def test_long_messages_are_clipped() -> None:
    error = error_from_body(400, b'{"error": {"message": "' + b"x" * 5000 + b'"}}')
    assert len(error.message) <= 500
