"""Conformance with the shared openapi.md (schemathesis) and one OpenAPI document for all routes."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from flask import Flask
from hypothesis import HealthCheck, given, settings

from riverbed.core.migrations import upgrade
from riverbed.ingestor.dsr import import_dsr
from riverbed.ingestor.dsr.fx import import_fx
from tests.conftest import shared_file
from tests.dsr.conftest import FX_FILE, make_app

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def app(sqlite_url: str, shared_dsrs: list[Path]) -> Flask:
    upgrade(sqlite_url)
    app = make_app(sqlite_url)
    engine = app.extensions["riverbed_db"].engine
    import_fx(engine, FX_FILE)
    for path in shared_dsrs:
        import_dsr(engine, path)
    return app


def test_the_app_conforms_to_the_shared_spec(app: Flask, shared_data: Path) -> None:
    raw = yaml.safe_load(shared_file(shared_data, "dsr/openapi.md").read_text())
    # the spec documents no 400, yet declares number in 1..100: out-of-range is a 400 by design
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = app
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert {(o.method.upper(), o.path) for o in operations} == {
        ("GET", "/dsrs/"),
        ("GET", "/dsrs/{id}"),
        ("GET", "/resources/percentile/{number}"),
    }
    for operation in operations:

        @settings(
            max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call()
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:
                failures.append(f"{case.method} {case.formatted_path}: {exc}")
                raise

        with contextlib.suppress(Exception):
            run()
    assert not failures, "\n".join(failures[:5])


def test_dsr_routes_are_in_the_one_openapi_document(app: Flask) -> None:
    doc = app.test_client().get("/openapi.json").get_json()
    paths = doc["paths"]
    assert set(paths["/dsrs/"]) == {"get"} and set(paths["/dsrs"]) == {"post"}
    assert "get" in paths["/dsrs/{id}"] and "get" in paths["/resources/percentile/{number}"]
    assert set(paths["/admin/dsrs/{dsr_id}/delete"]) == {"get", "post"}
    assert "text/html" in paths["/admin/dsrs"]["get"]["responses"]["200"]["content"]
    served = {
        (m, r.rule)
        for r in app.url_map.iter_rules()
        for m in (r.methods or ())
        if r.rule.startswith(("/dsrs", "/resources", "/admin/dsrs"))
        and m not in ("HEAD", "OPTIONS")
    }
    documented = {
        (m.upper(), p)
        for p, ops in paths.items()
        for m in ops
        if p.startswith(("/dsrs", "/resources", "/admin/dsrs"))
    }
    normalized = {
        (
            m,
            r.replace("<id>", "{id}")
            .replace("<int:dsr_id>", "{dsr_id}")
            .replace("<number>", "{number}"),
        )
        for m, r in served
    }
    assert normalized == documented
