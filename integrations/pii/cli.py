"""``roost pii test``: show what the sanitizer would do with a text."""

from __future__ import annotations

import json

from .engine import PiiSanitizer

__all__ = ["format_report"]


def format_report(text: str, sanitizer: PiiSanitizer, as_json: bool = False) -> str:
    """The sanitized text on the first line, then one line per finding (or JSON for scripts).

    In the text form, newlines inside the sanitized text are shown as ``\\n`` so that the
    first line holds all of it. Raw finding values are never printed.
    """
    sanitized, report = sanitizer.sanitize_report(text)
    if as_json:
        findings = [
            {
                "type": f.entity,
                "start": f.start,
                "end": f.end,
                "confidence": round(f.confidence, 2),
                "policy": policy,
            }
            for f, policy in report
        ]
        return json.dumps({"sanitized": sanitized, "findings": findings}, ensure_ascii=False)
    lines = [sanitized.replace("\r", "\\r").replace("\n", "\\n")]
    lines += [
        f"{f.entity} {f.start}-{f.end} confidence={f.confidence:.2f} policy={policy}"
        for f, policy in report
    ]
    return "\n".join(lines)
