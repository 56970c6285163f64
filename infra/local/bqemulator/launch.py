"""Start bqemulator on DuckDB 1.4 (the last DuckDB with an offline `spatial` wheel).

bqemulator 1.4 registers its UDFs with the DuckDB 1.5+ calling convention (type names as
strings, `null_handling="special"`); DuckDB 1.4.4 wants DuckDBPyType objects and enum values.
This launcher adapts those `create_function` calls and then runs bqemulator's own CLI. Run it
with the emulator's virtualenv (infra/local/build/bqemulator/venv) and HOME pointing at a
directory whose .duckdb/extensions holds the spatial extension from the duckdb-ext-spatial wheel.
"""

from __future__ import annotations

import sys
from typing import Any

import bqemulator.sql.builtin_udfs as udfs
import duckdb
from duckdb import func

_NULL_HANDLING = {"special": func.SPECIAL, "default": func.DEFAULT}
_register = udfs.register_builtin_udfs


class _Compat:
    """A connection proxy translating DuckDB 1.5-style create_function arguments to 1.4."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def create_function(
        self, name: str, fn: Any, params: Any = None, ret: Any = None, **kw: Any
    ) -> Any:
        if isinstance(kw.get("null_handling"), str):
            kw["null_handling"] = _NULL_HANDLING[kw["null_handling"]]
        if params is not None:
            params = [duckdb.sqltype(p) if isinstance(p, str) else p for p in params]
        if isinstance(ret, str):
            ret = duckdb.sqltype(ret)
        return self._con.create_function(name, fn, params, ret, **kw)


def _register_compat(con: duckdb.DuckDBPyConnection) -> None:
    _register(_Compat(con))  # type: ignore[arg-type]


udfs.register_builtin_udfs = _register_compat

if __name__ == "__main__":
    from bqemulator.cli import main

    sys.exit(main())
