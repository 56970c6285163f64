"""docker-compose.yml and the service Dockerfiles: schema-valid, pinned, real CLI commands."""

from __future__ import annotations

import json
import re
import shlex
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from riverbed.local.connect_plugin import CONVERTER
from tests.gcp._cli import check_riverbed_command

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = ("api", "ingestor", "analytics")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def _compose_schema() -> dict[str, Any]:
    # The Compose Specification schema vendored by check-jsonschema (dev dependency): no network.
    path = files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json")
    return json.loads(path.read_text())


def test_compose_file_matches_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = _compose_schema()
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    errors = sorted(validator_cls(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_rejects_a_broken_file(compose: dict[str, Any]) -> None:
    schema = _compose_schema()
    broken = json.loads(json.dumps(compose))
    broken["services"]["api"]["depends_on"] = {"migrate": {"condition": "when_it_feels_like_it"}}
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(broken))


def _pinned(image: str) -> bool:
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag != "latest" and bool(re.search(r"\d", tag))


def test_every_image_tag_is_pinned(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        assert "image" in svc, f"{name} has no image"
        assert _pinned(svc["image"]), f"{name}: image {svc['image']} is not pinned"


def test_the_stack_has_what_cdc_needs(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "kafka", "connect", "connectors", "migrate", "api", "sync"} <= set(services)
    assert "wal_level=logical" in services["postgres"]["command"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    connect = services["connect"]
    context = ROOT / connect["build"]["context"]
    dockerfile = context / connect["build"]["dockerfile"]
    lines = dockerfile.read_text().splitlines()
    bases = [ln.split()[1] for ln in lines if ln.startswith("FROM ")]
    assert bases[-1].startswith("quay.io/debezium/connect:")
    # The same converter as the local worker, and its plugin jar beside Debezium's connector,
    # whose classes the plugin's connector extends (Connect loads each plugin folder apart).
    assert connect["environment"]["VALUE_CONVERTER"] == CONVERTER
    assert connect["environment"]["KEY_CONVERTER"] == CONVERTER
    assert any(ln.endswith(" /kafka/connect/debezium-connector-postgres/") for ln in lines)
    # the build context holds every source the Dockerfile copies
    for line in lines:
        if line.startswith("COPY ") and "--from=" not in line:
            for source in line.split()[1:-1]:
                assert (context / source).exists(), f"{dockerfile}: {source} not in the context"
    # The DuckDB file lives on a named volume of the sync consumer.
    warehouse = services["sync"]["environment"]["RIVERBED_INGESTOR_WAREHOUSE"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["sync"]["volumes"]}
    assert any(warehouse.startswith(target + "/") for target in mounts)
    assert set(mounts.values()) <= set(compose["volumes"])


def test_dependencies_exist_and_wait_for_health_or_completion(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, svc in services.items():
        for dep, spec in svc.get("depends_on", {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            target = services[dep]
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in target, f"{name} waits for {dep}, which has no healthcheck"
            elif spec["condition"] == "service_completed_successfully":
                assert target.get("restart") == "no", f"{dep} is one-shot and must not restart"
            else:
                pytest.fail(f"{name} -> {dep}: condition {spec['condition']}")
    long_running = [n for n, s in services.items() if s.get("restart") != "no"]
    for name in long_running:
        assert "healthcheck" in services[name], f"{name} has no healthcheck"


def test_order_reaches_every_service_without_cycles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    order: list[str] = []
    pending = dict.fromkeys(services)
    while pending:
        ready = [n for n in pending if set(services[n].get("depends_on", {})) <= set(order)]
        assert ready, f"dependency cycle among {sorted(pending)}"
        order.extend(sorted(ready))
        for n in ready:
            del pending[n]
    assert order.index("connectors") < order.index("sync")
    assert order.index("migrate") < order.index("connectors")


def _riverbed_images(compose: dict[str, Any]) -> dict[str, str]:
    """Service name -> Dockerfile of services built from this repository."""
    out = {}
    images = {
        s["image"]: s
        for s in compose["services"].values()
        if "build" in s and s["build"]["dockerfile"].startswith("services/")
    }
    for name, svc in compose["services"].items():
        built = images.get(svc["image"])
        if built is not None:
            out[name] = built["build"]["dockerfile"]
    return out


def test_every_riverbed_command_is_a_real_cli_entry_point(compose: dict[str, Any]) -> None:
    riverbed = _riverbed_images(compose)
    assert set(riverbed) >= {"migrate", "connectors", "api", "sync"}
    for name, dockerfile in riverbed.items():
        assert (ROOT / dockerfile).is_file(), dockerfile
        entrypoint = _instruction(ROOT / dockerfile, "ENTRYPOINT")
        assert entrypoint == ["riverbed"], f"{dockerfile}: ENTRYPOINT {entrypoint}"
        command = compose["services"][name].get("command") or _instruction(ROOT / dockerfile, "CMD")
        if isinstance(command, str):
            command = shlex.split(command)
        check_riverbed_command(command)


def test_command_check_catches_unknown_commands() -> None:
    with pytest.raises(AssertionError):
        check_riverbed_command(["sync", "sprint"])
    with pytest.raises(AssertionError):
        check_riverbed_command(["api", "serve", "--no-such-option"])


def test_mounted_paths_exist(compose: dict[str, Any]) -> None:
    for svc in compose["services"].values():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source


# --- Dockerfiles ---------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    """Logical Dockerfile lines (continuations joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", path.read_text())
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def _instruction(path: Path, name: str) -> list[str] | None:
    """Last exec-form value of an instruction (ENTRYPOINT, CMD)."""
    found = [ln for ln in _lines(path) if ln.split()[0].upper() == name]
    if not found:
        return None
    value: list[str] = json.loads(found[-1][len(name) :].strip())
    return value


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_is_multistage_slim_pinned_and_non_root(service: str) -> None:
    path = ROOT / "services" / service / "Dockerfile"
    lines = _lines(path)
    args = dict(
        ln.split(None, 1)[1].split("=", 1) for ln in lines if ln.startswith("ARG ") and "=" in ln
    )
    stages: list[str] = []
    bases = []
    for ln in lines:
        if ln.upper().startswith("FROM "):
            parts = ln.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], parts[1])
            bases.append(base)
            if len(parts) >= 4 and parts[2].upper() == "AS":
                stages.append(parts[3])
    assert len(bases) >= 2, f"{path}: not multi-stage"
    for base in bases:
        assert base in stages or _pinned(base), f"{path}: base {base} not pinned"
    assert "slim" in bases[-1], f"{path}: runtime stage is not slim: {bases[-1]}"
    final = lines[max(i for i, ln in enumerate(lines) if ln.upper().startswith("FROM ")) :]
    users = [ln.split()[1] for ln in final if ln.upper().startswith("USER ")]
    assert users, f"{path}: final stage runs as root"
    assert users[-1].split(":")[0] not in {"0", "root"}
    syncs = [ln for ln in lines if "uv sync" in ln]
    assert syncs and all("--frozen" in s for s in syncs)
    assert all(f"--package riverbed-{service}" in s for s in syncs)
    assert all("--no-dev" in s for s in syncs)
    assert any("--no-editable" in s for s in syncs), "the runtime must not point at /src"
    assert _instruction(path, "ENTRYPOINT") == ["riverbed"]
    cmd = _instruction(path, "CMD")
    assert cmd, f"{path}: no CMD"
    check_riverbed_command(cmd)


def test_api_image_has_a_healthcheck() -> None:
    lines = _lines(ROOT / "services" / "api" / "Dockerfile")
    health = [ln for ln in lines if ln.upper().startswith("HEALTHCHECK ")]
    assert health and "/health" in health[0]


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".venv", ".riverbed", ".git", "infra/local/build"):
        assert path in ignored
