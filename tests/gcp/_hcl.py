"""Read a Terraform module with python-hcl2 into plain dicts (quotes stripped)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

__all__ = ["Module", "load_module", "unquote"]

META_ARGS = {"source", "count", "for_each", "depends_on", "providers", "version"}


def unquote(value: Any) -> Any:
    """Strip the quotes python-hcl2 keeps around names and string literals."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


@dataclass
class Module:
    """Blocks of one Terraform module directory."""

    path: Path
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # "type.name" -> body
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)

    def required_variables(self) -> set[str]:
        """Variables without a default: callers must set them."""
        return {name for name, body in self.variables.items() if "default" not in body}

    def text(self) -> str:
        """Concatenated source of every .tf file."""
        return "\n".join(p.read_text() for p in sorted(self.path.glob("*.tf")))

    def references(self, kind: str) -> set[str]:
        """Names referenced as `kind.NAME` anywhere in the module (var, local, module)."""
        return set(re.findall(rf"\b{kind}\.([A-Za-z_][A-Za-z0-9_-]*)", self.text()))


def load_module(path: Path) -> Module:
    """Parse every .tf file of a module directory."""
    mod = Module(path)
    for tf in sorted(path.glob("*.tf")):
        with tf.open() as fh:
            doc = hcl2.load(fh)
        for block in doc.get("variable", []):
            for name, body in block.items():
                mod.variables[unquote(name)] = body
        for block in doc.get("output", []):
            for name, body in block.items():
                mod.outputs[unquote(name)] = body
        for block in doc.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    mod.resources[f"{unquote(rtype)}.{unquote(name)}"] = body
        for block in doc.get("module", []):
            for name, body in block.items():
                mod.modules[unquote(name)] = body
        for block in doc.get("locals", []):
            mod.locals.update({k: v for k, v in block.items() if k != "__is_block__"})
    return mod
