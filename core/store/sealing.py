"""Encrypted columns: the cipher contract and a per-table helper that binds values to row and column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from core.store.errors import RowDecryptError

if TYPE_CHECKING:
    from core.store.database import Database


@runtime_checkable
class ValueCipher(Protocol):
    """Encrypts one column value, with associated data naming its table, row and column."""

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return the sealed form of plaintext, bound to (table, row, column)."""
        ...

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return the plaintext of blob; raise if it was sealed for another place or changed."""
        ...


class SealedColumns:
    """Seals and opens the encrypted columns of one table with the database's current cipher."""

    __slots__ = ("_db", "table")

    def __init__(self, db: Database, table: str) -> None:
        self._db = db
        self.table = table

    def seal(self, row: str | int, column: str, plaintext: bytes) -> bytes:
        """Encrypt plaintext for this table's row and column."""
        return self._db.cipher.encrypt(plaintext, table=self.table, row=row, column=column)

    def seal_text(self, row: str | int, column: str, text: str) -> bytes:
        """Encrypt a text value (UTF-8)."""
        return self._db.cipher.encrypt(
            text.encode("utf-8"), table=self.table, row=row, column=column
        )

    def open(self, row: str | int, column: str, blob: bytes) -> bytes:
        """Decrypt blob; raise RowDecryptError naming table, row and column if it fails."""
        try:
            return self._db.cipher.decrypt(blob, table=self.table, row=row, column=column)
        except Exception as exc:  # any cipher failure is this row's problem, not the caller's
            raise RowDecryptError(self.table, row, column, exc) from exc

    def open_text(self, row: str | int, column: str, blob: bytes) -> str:
        """Decrypt a text value; undecodable UTF-8 counts as a failed decryption."""
        data = self.open(row, column, blob)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RowDecryptError(self.table, row, column, exc) from exc

    def seal_json(self, row: str | int, column: str, value: Any) -> bytes:
        """Encrypt a value as JSON (keys that are not strings are written as strings)."""
        import orjson  # here, not at the top: the writer process imports this module and needs no JSON (2 MiB)

        return self.seal(row, column, orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))

    def open_json(self, row: str | int, column: str, blob: bytes) -> Any:
        """Decrypt a JSON value; undecodable JSON counts as a failed decryption."""
        import orjson

        data = self.open(row, column, blob)
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise RowDecryptError(self.table, row, column, exc) from exc

    def open_optional_text(self, row: str | int, column: str, blob: bytes | None) -> str | None:
        """Decrypt a nullable text column (None stays None)."""
        return None if blob is None else self.open_text(row, column, blob)
