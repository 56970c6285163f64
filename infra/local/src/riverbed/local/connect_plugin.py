"""Build Riverbed's Kafka Connect plugin (`connectors/plugin/`) for the local Connect worker.

The plugin holds `riverbed.connect.SchemaCachingJsonConverter`, which writes the stock
JsonConverter's bytes while serialising each schema once. Production builds the jar with
`mvn -f connectors/plugin/pom.xml package` (or the `connect` image of docker-compose.yml); the
local worker compiles the same sources with `javac` against the Kafka jars, once per content.
"""

from __future__ import annotations

from pathlib import Path

from riverbed.core.javac import SHARED_SOURCES, compile_once
from riverbed.local._jvm import ensure_jars

__all__ = ["CONVERTER", "PLUGIN_SOURCES", "STOCK_CONVERTER", "build_plugin"]

_LOCAL_DIR = Path(__file__).resolve().parents[3]  # infra/local
PLUGIN_SOURCES = _LOCAL_DIR.parents[1] / "connectors" / "plugin" / "src" / "main"
_OUT = _LOCAL_DIR / "build" / "connect-plugin"
CONVERTER = "riverbed.connect.SchemaCachingJsonConverter"
STOCK_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"


def build_plugin(out: Path = _OUT) -> Path | None:
    """Return the plugin's class folder, compiling it once; None without a JDK's javac."""
    return compile_once(
        (PLUGIN_SOURCES / "java", SHARED_SOURCES),
        f"{ensure_jars()}/*",
        out,
        resources=PLUGIN_SOURCES / "resources",
        fallback="the Connect worker uses the stock JsonConverter",
    )
