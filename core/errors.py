"""Errors a person can act on: what went wrong, where, and what was expected."""

from __future__ import annotations


class RoostError(Exception):
    """Base class for every error Roost raises on purpose."""

    advice: str | None = None
    """What the chat a failed run answered is told instead of the general failure reply: how to fix it."""
    code: str | None = None
    """The kind of failure in a word an API can pass on to its client (as OpenAI's error codes), or None."""


class ConfigError(RoostError):
    """A configuration problem, located by file, line and key path."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: tuple[str | int, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.path = tuple(path)

    def __str__(self) -> str:
        where = self.file or "<config>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        key = ".".join(str(p) for p in self.path)
        return f"{where}: {key + ': ' if key else ''}{self.message}"


class StoreUnavailable(RoostError):
    """The store cannot take a write or a read now (its disk is full, it is closing, it was lost): nothing of the
    write was kept, and the one who sent it can send it again later."""


class TransientError(RoostError):
    """A failure worth retrying later (network down, rate limited, server busy)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RecipientAway(TransientError):
    """The one a reply is for is not connected now (a socket's client went away): the reply waits in the
    outbox, tried again after HOLD seconds, and goes at once when the channel says its chat is back
    (``ChannelBase.chat_back``)."""

    HOLD = 3600.0
    """Seconds until a held reply is tried again when no one said its chat is back."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=self.HOLD)


class NotItsTurn(RoostError):
    """The platform paces the chat: the reply, or the rest of a long one whose first parts went, goes at the
    chat's next turn, in ``wait`` seconds (``ChannelBase.send_parts`` raises it between parts, a channel whose
    platform refused the chat for a wait Roost can only guess raises it for a send; no attempt failed)."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"the reply goes at the chat's turn, in {wait:.1f} s")
        self.wait = wait


class PermanentError(RoostError):
    """A failure that retrying cannot fix (bad request, forbidden, unknown chat)."""


class RequestError(PermanentError):
    """The request itself cannot be served as it is (a prompt longer than the model's context): the one who asked
    is told why, and neither a retry nor a dead letter can help; the run's trace keeps the failure."""


class RecipientGone(PermanentError):
    """The one an answer was for is gone for good (an HTTP client hung up, a socket no client can take up
    again): the run writing it ends cancelled, a reply waiting for it is dropped; nothing to retry, no dead
    letter."""


class DamagedValueError(RoostError):
    """A stored value failed authentication (changed on disk): that value is lost, nothing else."""


class ModelError(RoostError):
    """A model backend could not answer this request (missing file, prompt too long, ...)."""

    def __init__(self, message: str, *, advice: str | None = None) -> None:
        super().__init__(message)
        self.advice = advice


class ContextTooLong(ModelError, RequestError):
    """The prompt does not fit the model's context, even with the conversation's history left out."""

    code = "context_length_exceeded"


class ConfigErrors(RoostError):
    """Several configuration problems found in one pass (for `roost check`)."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
