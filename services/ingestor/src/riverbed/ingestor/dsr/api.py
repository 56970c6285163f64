"""The DSR statistics API (shared openapi.md) plus `POST /dsrs`, as an API plugin."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from riverbed.core.errors import DataError
from riverbed.core.web import ApiError, ApiPlugin, get_session, parse_query
from riverbed.ingestor.dsr._openapi import dsr_openapi
from riverbed.ingestor.dsr._views import dsr_json
from riverbed.ingestor.dsr.importer import RejectPolicy, import_dsr
from riverbed.ingestor.dsr.stats import MissingRate, count_dsrs, get_dsr, list_dsrs, top_percentile

__all__ = ["api_blueprint", "plugin"]

NOT_FOUND = {"detail": "Not found."}
_DAY = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$"
)


class _Page(BaseModel):
    model_config = ConfigDict(extra="ignore")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=2**62)


class _PercentileQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    territory: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    limit: int = Field(1000, ge=1, le=10000)
    offset: int = Field(0, ge=0, le=2**62)

    @field_validator("period_start", "period_end", mode="before")
    @classmethod
    def _date_part(cls, value: object) -> object:
        """Keep the day of a date or RFC 3339 date-time (DSR periods are whole days)."""
        if not isinstance(value, str):
            return value
        m = _DAY.match(value)
        if m is None:
            raise ValueError("must be an ISO 8601 date or RFC 3339 date-time")
        year, month, day = (int(g) for g in m.groups())
        return date.min if year == 0 else date(year, month, day)


def _paged(items: list[object], total: int, limit: int, offset: int) -> Response:
    response = jsonify(items)
    response.headers["X-Total-Count"] = str(total)
    links = []
    args = {k: v for k, v in request.args.items() if k not in ("limit", "offset")}
    if offset + limit < total:
        links.append(
            f'<{request.base_url}?{urlencode({**args, "limit": limit, "offset": offset + limit})}>; rel="next"'
        )
    if offset > 0:
        prev = max(offset - limit, 0)
        links.append(
            f'<{request.base_url}?{urlencode({**args, "limit": limit, "offset": prev})}>; rel="prev"'
        )
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def api_blueprint() -> Blueprint:
    """Build the JSON API blueprint."""
    bp = Blueprint("dsr_api", __name__)

    @bp.get("/dsrs/")
    def dsrs_list() -> Response:
        page = parse_query(_Page)
        session = get_session()
        rows = list_dsrs(session, page.limit, page.offset)
        return _paged([dsr_json(r) for r in rows], count_dsrs(session), page.limit, page.offset)

    @bp.get("/dsrs/<id>")
    def dsrs_get(id: str) -> Response:  # the spec names it id
        dsr_id = id
        if not dsr_id.isascii() or not dsr_id.isdigit() or len(dsr_id) > 18:
            raise ApiError(404, "Not found.", body=NOT_FOUND)
        row = get_dsr(get_session(), int(dsr_id))
        if row is None:
            raise ApiError(404, "Not found.", body=NOT_FOUND)
        return jsonify(dsr_json(row))

    @bp.get("/resources/percentile/<number>")
    def percentile(number: str) -> Response:
        if not (
            number.isascii() and number.isdigit() and len(number) < 19 and 1 <= int(number) <= 100
        ):
            raise ApiError(
                400,
                "invalid path parameter: number must be an integer from 1 to 100",
                details=[{"field": "number", "message": "integer from 1 to 100"}],
            )
        q = parse_query(_PercentileQuery)
        if q.territory is not None and "\x00" in q.territory:
            # no territory code holds a NUL byte (and Postgres text cannot): nothing matches
            return _paged([], 0, q.limit, q.offset)
        try:
            result = top_percentile(
                get_session(),
                int(number),
                territory_code=q.territory,
                start=q.period_start,
                end=q.period_end,
                limit=q.limit,
                offset=q.offset,
            )
        except MissingRate as exc:
            raise ApiError(
                409,
                str(exc),
                code="missing_fx_rate",
                details={
                    "currency": exc.code,
                    "period_start": str(exc.start),
                    "period_end": str(exc.end),
                },
            ) from None
        return _paged(list(result.resources), result.total, q.limit, q.offset)

    @bp.post("/dsrs")
    def dsrs_upload() -> tuple[Response, int]:
        files = request.files.getlist("file")
        if not files:
            raise ApiError(400, "send the DSR as multipart/form-data field 'file'")
        raw_policy = request.args.get("policy", RejectPolicy.REJECT_FILE.value)
        try:
            policy = RejectPolicy(raw_policy)
        except ValueError:
            raise ApiError(
                400,
                "invalid query parameter: policy",
                details=[{"field": "policy", "message": "reject-file or quarantine"}],
            ) from None
        engine = get_session().get_bind()
        results = []
        for upload in files:
            name = Path(upload.filename or "").name
            with tempfile.TemporaryDirectory(prefix="dsr-upload-") as tmp:
                target = Path(tmp) / "upload"
                with target.open("wb") as out:
                    shutil.copyfileobj(upload.stream, out, 1 << 20)
                try:
                    result = import_dsr(engine, target, display_path=name, policy=policy)  # type: ignore[arg-type]
                except DataError as exc:
                    raise ApiError(422, str(exc), details={"file": name}) from None
            results.append(result)
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise ApiError(
                422,
                "; ".join(str(r.error) for r in failed),
                code="dsr_failed",
                details=[{"file": r.path, "dsr_id": r.dsr_id} for r in failed],
            )
        session = get_session()
        body = [dsr_json(get_dsr(session, r.dsr_id)) for r in results]  # type: ignore[arg-type]
        status = 200 if all(r.skipped for r in results) else 201
        return jsonify(body), status

    return bp


def _blueprint() -> Blueprint:
    from riverbed.ingestor.dsr.admin import admin_blueprint

    bp = Blueprint("dsr", __name__)
    bp.register_blueprint(api_blueprint())
    bp.register_blueprint(admin_blueprint())
    return bp


plugin = ApiPlugin(name="dsr", blueprint=_blueprint, openapi=dsr_openapi, order=40)
