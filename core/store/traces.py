"""Automation run traces (steps, results, timings) with retention; trace data is encrypted JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.store import writes
from core.store.errors import RowDecryptError
from core.store.sealing import SealedColumns

if TYPE_CHECKING:
    from core.store.database import Database

_COLUMNS = "id, automation_id, run_id, started_at, finished_at, status, data"


@dataclass(frozen=True, slots=True)
class Trace:
    """One automation run's trace."""

    id: int
    automation_id: str
    run_id: str
    started_at: float
    finished_at: float | None
    status: str
    data: dict[str, Any]


class Traces:
    """Stored traces of automation runs."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealed = SealedColumns(db, "traces")

    async def add(
        self,
        automation_id: str,
        run_id: str,
        started_at: float,
        finished_at: float | None,
        status: str,
        data: dict[str, Any],
    ) -> int:
        """Store a trace durably (data as encrypted JSON); return its id."""
        row = await self._db.new_id("traces")
        params = (
            row,
            automation_id,
            run_id,
            started_at,
            finished_at,
            status,
            self._sealed.seal_json(row, "data", data),
        )
        await self._db.write(writes.traces_add, params)
        return row

    async def recent(self, limit: int, automation_id: str | None = None, run_prefix: str | None = None) -> list[Trace]:
        """Newest traces first (of one automation, of the runs whose id starts with run_prefix, if given);
        damaged ones are skipped and reported."""
        where, params = [], []
        if automation_id is not None:
            where.append("automation_id = ?")
            params.append(automation_id)
        if run_prefix is not None:
            where.append("substr(run_id, 1, ?) = ?")
            params += [len(run_prefix), run_prefix.lower()]
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM traces{' WHERE ' + ' AND '.join(where) if where else ''}"
            " ORDER BY started_at DESC, id DESC LIMIT ?", (*params, limit))
        out: list[Trace] = []
        for row in rows:
            try:
                data = self._sealed.open_json(row[0], "data", row[6])
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
                continue
            out.append(Trace(row[0], row[1], row[2], row[3], row[4], row[5], data))
        return out

    async def prune(self, keep_last: int, older_than: float) -> int:
        """Delete traces started before the time older_than, and all but the newest keep_last per automation."""
        return await self._db.delete_in_chunks(writes.traces_prune, keep_last, older_than)
