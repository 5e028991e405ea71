"""Refusals of the sandbox: what was refused and why, in words a person can act on."""

from __future__ import annotations

from core.errors import RoostError


class SandboxError(RoostError):
    """The sandbox refused to start a program (bad argv, unknown command, missing path)."""


class CommandRefused(SandboxError):
    """A command or one of its arguments is not allowed by the configured command policy."""

    def __init__(
        self,
        message: str,
        *,
        command: str,
        argument: str | None = None,
        index: int | None = None,
    ) -> None:
        super().__init__(message)
        self.command = command
        self.argument = argument
        self.index = index
