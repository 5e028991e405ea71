"""Logs pass through the sanitizers: messages, arguments, tracebacks and stacks are scrubbed."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from core.logs import FORMAT, ScrubFilter, setup_logging

SECRET = "555-0101"


def mask(text: str) -> str:
    return text.replace(SECRET, "<PHONE>")


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    """A private logger writing through a scrubbing handler into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(ScrubFilter(mask))
    log = logging.getLogger("tests.core.logs")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    log.addHandler(handler)
    yield log, stream, handler
    log.removeHandler(handler)
    log.propagate = True


def test_formatted_message_is_scrubbed(logger) -> None:
    log, stream, _ = logger
    log.info("call %s at %s", "alice", SECRET)
    log.warning(f"literal {SECRET} in the template")
    out = stream.getvalue()
    assert SECRET not in out
    assert "INFO call alice at <PHONE>" in out
    assert "WARNING literal <PHONE> in the template" in out


def test_arguments_are_dropped_so_percent_signs_stay_harmless(logger) -> None:
    log, stream, _ = logger
    records: list[logging.LogRecord] = []
    log.addFilter(lambda r: records.append(r) or True)
    log.info("value %s", "50%d of %s")
    log.info("disk 100% full")
    assert stream.getvalue().splitlines() == ["INFO value 50%d of %s", "INFO disk 100% full"]
    assert all(r.args == () for r in records)


def test_broken_format_string_keeps_the_template_and_never_raises(logger) -> None:
    log, stream, _ = logger
    log.info("count %d for " + SECRET, "not a number")
    assert stream.getvalue().strip() == "INFO count %d for <PHONE>"


def test_exception_text_is_scrubbed(logger) -> None:
    log, stream, _ = logger
    try:
        raise ValueError(f"no route to {SECRET}")
    except ValueError:
        log.exception("sending failed")
    out = stream.getvalue()
    assert "ValueError: no route to <PHONE>" in out
    assert "Traceback (most recent call last)" in out
    assert SECRET not in out


def test_traceback_cached_raw_by_another_handler_is_scrubbed_too(logger) -> None:
    log, stream, scrubbed = logger
    raw_stream = io.StringIO()
    raw = logging.StreamHandler(raw_stream)  # formats first and caches the raw traceback
    log.removeHandler(scrubbed)
    log.addHandler(raw)
    log.addHandler(scrubbed)
    try:
        try:
            raise KeyError(SECRET)
        except KeyError:
            log.exception("lookup failed")
    finally:
        log.removeHandler(raw)
    assert SECRET in raw_stream.getvalue()  # that handler had no filter
    assert SECRET not in stream.getvalue()
    assert "KeyError: '<PHONE>'" in stream.getvalue()


def test_stack_info_is_scrubbed(logger) -> None:
    log, stream, _ = logger

    def deep_555_0101() -> None:
        log.info("here", stack_info=True)

    mask_names = ScrubFilter(lambda text: text.replace("deep_555_0101", "<FN>"))
    log.handlers[0].filters = [mask_names]
    deep_555_0101()
    out = stream.getvalue()
    assert "Stack (most recent call last)" in out
    assert "deep_555_0101" not in out and "<FN>" in out


def test_failing_scrubber_withholds_the_line_instead_of_leaking_or_raising(logger) -> None:
    log, stream, handler = logger

    def broken(text: str) -> str:
        raise RuntimeError("recognizer crashed")

    handler.filters = [ScrubFilter(broken)]
    try:
        raise ValueError(SECRET)
    except ValueError:
        log.exception("secret is %s", SECRET)
    out = stream.getvalue()
    assert SECRET not in out
    assert "log line withheld: scrubbing it failed with RuntimeError" in out
    assert "Traceback" not in out


@pytest.fixture
def restore_root() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_setup_logging_installs_one_readable_handler(restore_root: logging.Logger) -> None:
    stream = io.StringIO()
    setup_logging("debug", stream=io.StringIO())
    handler = setup_logging("warning", stream=stream)  # a second call replaces the first
    ours = [h for h in restore_root.handlers if getattr(h, "_roost", False)]
    assert ours == [handler]
    assert restore_root.level == logging.WARNING
    handler.addFilter(ScrubFilter(mask))
    logging.getLogger("roost.test").warning("call %s", SECRET)
    logging.getLogger("roost.test").info("not shown")
    line = stream.getvalue().strip()
    assert line.endswith("WARNING roost.test: call <PHONE>")
    assert "not shown" not in stream.getvalue()
    assert handler.formatter is not None and handler.formatter._fmt == FORMAT
