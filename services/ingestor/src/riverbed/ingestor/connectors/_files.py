"""Load connector definitions (`connectors/*.json`: {"name", "config"}) with clear errors."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from riverbed.core.errors import DataError, UserInputError

__all__ = ["DEFAULT_DIR", "ConnectorFile", "find_connectors", "load_connector"]

DEFAULT_DIR = Path(os.environ.get("RIVERBED_CONNECTORS_DIR", "connectors"))
_SECRET_KEYS = re.compile(r"(password|secret|credentials|api\.key|token)", re.IGNORECASE)
_REFERENCE = re.compile(r"^\$\{[a-zA-Z0-9_.-]+:[^}]*\}$")


@dataclass(frozen=True, slots=True)
class ConnectorFile:
    """One connector definition read from a JSON file."""

    path: Path
    name: str
    config: dict[str, str]

    def with_overrides(self, overrides: dict[str, str]) -> ConnectorFile:
        """Return a copy with config keys replaced (`name` renames the connector)."""
        config = {**self.config, **{k: v for k, v in overrides.items() if k != "name"}}
        name = overrides.get("name", self.name)
        config["name"] = name
        return ConnectorFile(self.path, name, config)


def load_connector(path: Path) -> ConnectorFile:
    """Read and check one connector file; raise DataError naming the file, line and field."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise UserInputError(f"cannot read connector file {path}: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("config"), dict):
        raise DataError('expected an object {"name": ..., "config": {...}}', path=str(path))
    name = doc.get("name") or doc["config"].get("name")
    if not isinstance(name, str) or not name:
        raise DataError("connector has no name", path=str(path), field="name")
    config: dict[str, str] = {}
    for key, value in doc["config"].items():
        if isinstance(value, (dict, list)) or value is None:
            raise DataError(
                "config values must be strings, numbers or booleans",
                path=str(path),
                line=_line_of(text, key),
                field=key,
            )
        value = str(value).lower() if isinstance(value, bool) else str(value)
        if _SECRET_KEYS.search(key) and value and not _REFERENCE.match(value):
            raise DataError(
                "secrets must be config provider references such as ${env:NAME}, not literals",
                path=str(path),
                line=_line_of(text, key),
                field=key,
            )
        config[key] = value
    config["name"] = name
    return ConnectorFile(path, name, config)


def find_connectors(targets: tuple[str, ...], directory: Path = DEFAULT_DIR) -> list[ConnectorFile]:
    """Return connectors named by file path or connector name, or every file of `directory`."""
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    if not targets:
        if not files:
            raise UserInputError(f"no connector files (*.json) in {directory}")
        return [load_connector(p) for p in files]
    out = []
    for target in targets:
        path = Path(target)
        if path.suffix == ".json" or path.exists():
            out.append(load_connector(path))
            continue
        by_name = [c for c in (load_connector(p) for p in files) if c.name == target]
        if not by_name:
            raise UserInputError(f"no connector named {target!r} in {directory}")
        out.extend(by_name)
    return out


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if f'"{key}"' in line:
            return number
    return None
