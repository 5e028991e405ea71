"""Log lines carry no raw PII: messages, arguments, exceptions and stack information are scrubbed."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.logfilter import PiiLogFilter, install_log_filter

RAW = ["13812345678", "11010519491231002X", "alice@example.com", "4111 1111 1111 1111", "hunter2"]


@pytest.fixture
def captured(sanitizer: PiiSanitizer, tmp_path: Path) -> Iterator[tuple[logging.Logger, Path]]:
    """A logger writing through a filtered file handler, like the gateway's log file."""
    logger = logging.getLogger("roost.test.pii")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    path = tmp_path / "roost.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(PiiLogFilter(sanitizer))
    logger.addHandler(handler)
    yield logger, path
    logger.removeHandler(handler)
    handler.close()
    logger.propagate = True


def test_log_file_has_no_raw_pii(captured: tuple[logging.Logger, Path]) -> None:
    logger, path = captured
    logger.info("message from %s: %s", "13812345678", "my id is 11010519491231002X")
    logger.warning("mail %(to)s", {"to": "alice@example.com"})
    logger.debug("card 4111 1111 1111 1111 and password=hunter2")
    try:
        raise ValueError("bad phone 13812345678")
    except ValueError:
        logger.warning("failed for alice@example.com", exc_info=True)
    logger.info("stack", stack_info=True)
    logger.info("broken format %s %s", "13812345678")  # too few arguments
    logger.info(object())  # a non-string message
    content = path.read_text(encoding="utf-8")
    for raw in RAW:
        assert raw not in content, raw
    assert "message from [PHONE]: my id is [CN_ID]" in content
    assert "mail [EMAIL]" in content
    assert "ValueError: bad phone [PHONE]" in content
    assert "Traceback" in content and "Stack (most recent call last)" in content


def test_records_are_rewritten_once_and_args_cleared(sanitizer: PiiSanitizer) -> None:
    log_filter = PiiLogFilter(sanitizer.scrub)
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "to %s (%d%%)", ("13812345678", 50), None
    )
    assert log_filter.filter(record) is True
    assert record.msg == "to [PHONE] (50%)" and record.args == ()
    assert log_filter.filter(record) is True  # a second handler's filter changes nothing
    assert record.getMessage() == "to [PHONE] (50%)"


def test_install_on_root_handlers(sanitizer: PiiSanitizer) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("roost.test.pii.install")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        installed = install_log_filter(sanitizer, logger)
        assert installed in handler.filters
        logger.error("user alice@example.com")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert stream.getvalue() == "user [EMAIL]\n"


def test_rejects_a_non_scrubber() -> None:
    with pytest.raises(TypeError, match="scrub"):
        PiiLogFilter(42)  # type: ignore[arg-type]
