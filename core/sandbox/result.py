"""What a sandboxed run produced: exit status, captured output and why it was stopped."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SandboxResult:
    """The outcome of one `run`.

    `returncode` is negative (-N) when the child died from signal N, in every isolation mode.
    `killed_reason` says why the run was stopped early: "wall time", "cpu time", "memory",
    "file size", "output", "cancelled" or "signal NAME"; None when it ended by itself.
    """

    argv: tuple[str, ...] = field(repr=False)  # arguments may come from messages
    returncode: int
    stdout: bytes = field(repr=False)
    stderr: bytes = field(repr=False)
    timed_out: bool
    killed_reason: str | None
    truncated: bool
    duration: float
    isolation: str

    @property
    def ok(self) -> bool:
        """True when the program exited 0 and was not stopped by a limit."""
        return self.returncode == 0 and self.killed_reason is None

    def text(self, stream: str = "stdout", errors: str = "replace") -> str:
        """The captured stdout (or stderr) decoded as UTF-8."""
        if stream not in ("stdout", "stderr"):
            raise ValueError(f"stream must be 'stdout' or 'stderr', got {stream!r}")
        data = self.stdout if stream == "stdout" else self.stderr
        return data.decode("utf-8", errors)

    def describe(self) -> str:
        """One line for a trace or a reply: the command, how it ended, output sizes."""
        name = self.argv[0].rsplit("/", 1)[-1] if self.argv else "?"
        if self.killed_reason:
            how = f"stopped ({self.killed_reason})"
        elif self.returncode < 0:
            how = f"killed by signal {-self.returncode}"
        else:
            how = f"exited {self.returncode}"
        extra = ", output truncated" if self.truncated else ""
        return (
            f"{name}: {how} after {self.duration:.2f}s, {len(self.stdout)} bytes out, "
            f"{len(self.stderr)} bytes err{extra} [isolation: {self.isolation}]"
        )
