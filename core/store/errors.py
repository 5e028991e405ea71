"""Errors the store raises: each says which table, which row, and what to do about it."""

from __future__ import annotations

from core.errors import DamagedValueError, RoostError, StoreUnavailable

TYPE_CHECKING = False  # typing itself costs the writer process 0.8 MiB; type checkers read this as True
if TYPE_CHECKING:
    from typing import Any


class StoreError(RoostError):
    """Base class for store errors."""


class RowDecryptError(StoreError, DamagedValueError):
    """One row's encrypted column failed to decrypt (tampered, moved, or another key).

    Only this row is affected: single-row getters raise it, list methods skip the row and
    report it through ``Database.report_row_error`` (logged, kept in ``Database.row_errors``).
    """

    def __init__(self, table: str, row: str | int, column: str, cause: BaseException | None = None):
        self.table = table
        self.row = row
        self.column = column
        self.cause = cause
        reason = f" ({type(cause).__name__}: {cause})" if cause is not None and str(cause) else ""
        super().__init__(
            f"{table} row {row!r}, column {column!r}: the stored ciphertext failed to decrypt"
            f"{reason}. It was changed on disk, copied from another row, or written with a key"
            " this device does not have; the row is left untouched and can be removed"
            " (or restored from a backup) without affecting any other row."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        cause = self.cause if self.cause is None else RuntimeError(f"{type(self.cause).__name__}: {self.cause}")
        return (type(self), (self.table, self.row, self.column, cause))


class SchemaVersionError(StoreError):
    """The database was written by a newer Roost than this one (unknown schema version)."""


class RowNotFoundError(StoreError, KeyError):
    """No row with the given id exists in the table."""

    def __init__(self, table: str, row: str | int) -> None:
        self.table = table
        self.row = row
        super().__init__(f"{table} has no row with id {row!r}")

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.table, self.row))


class StoreClosedError(StoreError, StoreUnavailable):
    """The store was closed; no more reads or writes are accepted."""


class WriteAbortedError(StoreError, StoreUnavailable):
    """A whole commit group failed (commit error, disk full, lost transaction): nothing in it is durable."""


class StoreLostError(WriteAbortedError, StoreClosedError):
    """The store's process ended: this write and every later one fail until Roost starts again.

    The gateway says so once and stops; a loop that meets it ends quietly instead of retrying.
    """
