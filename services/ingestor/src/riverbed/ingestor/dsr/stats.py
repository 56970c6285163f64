"""Read side of DSRs: listing, one DSR, and the top-percentile of resources by EUR revenue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, select, text
from sqlalchemy.orm import Session

from riverbed.ingestor.dsr._sql import SQL_DIR
from riverbed.ingestor.dsr.schema import currency, dsr, territory, usage

__all__ = [
    "MissingRate",
    "Percentile",
    "count_dsrs",
    "get_dsr",
    "list_dsrs",
    "resource_metadata",
    "top_percentile",
]
_METADATA = ("title", "artists", "isrc")


class MissingRate(Exception):
    """A matching DSR's currency has no EUR reference rate over its period."""

    def __init__(self, code: str, start: date, end: date) -> None:
        super().__init__(
            f"no EUR reference rate for {code} between {start} and {end}: "
            "load the ECB rates with `riverbed fx import FILE`"
        )
        self.code, self.start, self.end = code, start, end


@dataclass(frozen=True)
class Percentile:
    """One page of the top-percentile answer and the size of the whole answer."""

    resources: list[dict[str, Any]]
    total: int


def _dsr_query() -> Any:
    return (
        select(
            dsr,
            territory.c.name.label("territory_name"),
            currency.c.name.label("currency_name"),
        )
        .join(territory, territory.c.code_2 == dsr.c.territory_code)
        .join(currency, currency.c.code == dsr.c.currency_code)
    )


def list_dsrs(session: Session, limit: int, offset: int) -> list[Row[Any]]:
    """Return one page of DSRs ordered by id."""
    return list(session.execute(_dsr_query().order_by(dsr.c.id).limit(limit).offset(offset)))


def count_dsrs(session: Session) -> int:
    """Return how many DSRs exist."""
    return int(session.scalar(select(func.count()).select_from(dsr)) or 0)


def get_dsr(session: Session, dsr_id: int) -> Row[Any] | None:
    """Return one DSR or None."""
    return session.execute(_dsr_query().where(dsr.c.id == dsr_id)).first()


def _matching(
    territory_code: str | None, start: date | None, end: date | None
) -> tuple[str, dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if territory_code is not None:
        where.append("AND d.territory_code = :territory")
        params["territory"] = territory_code
    if start is not None:
        where.append("AND d.period_start >= :start")
        params["start"] = start
    if end is not None:
        where.append("AND d.period_end <= :end")
        params["end"] = end
    sql = (SQL_DIR / "matching_dsrs.sql").read_text()
    sql = "\n".join(ln for ln in sql.splitlines() if not ln.startswith("--"))
    return sql.replace("{where}", " ".join(where)), params


def top_percentile(
    session: Session,
    number: int,
    *,
    territory_code: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> Percentile:
    """Return the smallest tie-closed set of resources reaching `number`% of EUR revenue."""
    matching, params = _matching(territory_code, start, end)
    for row in session.execute(text(f"SELECT * FROM ({matching}) m WHERE m.rate IS NULL"), params):
        raise MissingRate(row.currency_code, _day(row.period_start), _day(row.period_end))
    sql = (SQL_DIR / "percentile.sql").read_text().replace("{matching}", matching)
    args = {**params, "number": number, "limit": limit, "offset": offset}
    rows = list(session.execute(text(sql), args))
    if not rows and offset > 0:
        probe = session.execute(text(sql), {**args, "limit": 1, "offset": 0}).first()
        return Percentile([], int(probe.total_count) if probe else 0)
    total = int(rows[0].total_count) if rows else 0
    ids = [str(r.dsp_id) for r in rows]
    dsrs = _dsrs_of(session, ids, matching, params)
    meta = resource_metadata(session, ids)
    return Percentile([_resource(r, meta[r.dsp_id], dsrs.get(r.dsp_id, [])) for r in rows], total)


def resource_metadata(
    db: Session | Connection, dsp_ids: list[str]
) -> dict[str, dict[str, str | None]]:
    """Return each resource's metadata: per field, the first non-empty value by DSR id."""
    found: dict[str, dict[str, str | None]] = {i: dict.fromkeys(_METADATA) for i in dsp_ids}
    if not dsp_ids:
        return found
    stmt = (
        select(usage.c.dsp_id, *(usage.c[k] for k in _METADATA))
        .where(usage.c.dsp_id.in_(dsp_ids))
        .order_by(usage.c.dsp_id, usage.c.dsr_id)
    )
    for row in db.execute(stmt):
        meta = found[row.dsp_id]
        for key in _METADATA:
            if meta[key] is None:
                meta[key] = getattr(row, key)
    return found


def _dsrs_of(
    session: Session, ids: list[str], matching: str, params: dict[str, Any]
) -> dict[str, list[int]]:
    if not ids:
        return {}
    stmt = text(
        f"SELECT u.dsp_id, u.dsr_id FROM dsr_usage u JOIN ({matching}) m "
        "ON m.dsr_id = u.dsr_id WHERE u.dsp_id IN :ids ORDER BY u.dsp_id, u.dsr_id"
    ).bindparams(bindparam("ids", expanding=True))
    found: dict[str, list[int]] = {}
    for dsp_id, dsr_id in session.execute(stmt, {**params, "ids": ids}):
        found.setdefault(str(dsp_id), []).append(int(dsr_id))
    return found


def _resource(row: Row[Any], meta: dict[str, str | None], dsrs: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"dsp_id": row.dsp_id}
    out.update((k, v) for k, v in meta.items() if v is not None)
    if row.usages is not None:
        out["usages"] = int(row.usages)
    out["revenue"] = float(row.revenue)
    out["dsrs"] = dsrs
    return out


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
