"""How strong a passphrase is: long enough, and hard to guess by zxcvbn's estimate (Dropbox's model)."""

from __future__ import annotations

from core.crypto.errors import PassphraseError

MIN_LENGTH = 12
MIN_SCORE = 3
"""zxcvbn's score from 0 to 4; 3 is "safely unguessable: moderate protection from offline attacks"."""


def require_strong(passphrase: str, *, user_inputs: tuple[str, ...] = ("roost",)) -> None:
    """PassphraseError saying why and how to do better, unless the passphrase is strong enough."""
    if len(passphrase) < MIN_LENGTH:
        raise PassphraseError(
            f"the passphrase is too short ({len(passphrase)} characters): use {MIN_LENGTH} or more,"
            " e.g. four or five random words"
        )
    from zxcvbn import (
        zxcvbn,  # imported here: only key commands need it (48 ms, never in the gateway)
    )

    estimate = zxcvbn(passphrase[:100], user_inputs=list(user_inputs))
    if estimate["score"] < MIN_SCORE:
        feedback = estimate["feedback"]
        hints = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
        raise PassphraseError(
            f"the passphrase is too easy to guess (strength {estimate['score']} of 4, {MIN_SCORE} needed)."
            f"{' ' + hints if hints else ''} Four or five random words make a good one."
        )
