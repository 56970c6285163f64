"""Terraform: every module has its required variables and resources, the root wires them fully."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.gcp._hcl import META_ARGS, Module, load_module, unquote

ROOT = Path(__file__).resolve().parents[2]
TF = ROOT / "infra" / "terraform"
TERRAFORM = ROOT / "infra" / "local" / "build" / "bin" / "terraform"

# module -> (variables a caller must set, resources the module must declare)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "network": (
        {"project_id", "region", "name"},
        {
            "google_compute_network.this",
            "google_compute_subnetwork.this",
            "google_service_networking_connection.services",
        },
    ),
    "cloudsql": (
        {"project_id", "region", "name", "network_id", "services_connection", "database_name"},
        {
            "google_sql_database_instance.this",
            "google_sql_database.app",
            "google_sql_user.app",
            "google_sql_user.replication",
        },
    ),
    "pubsub": (
        {"project_id", "name"},
        {
            "google_pubsub_topic.changes",
            "google_pubsub_topic.dead_letter",
            "google_pubsub_subscription.consumer",
            "google_pubsub_topic_iam_member.agent_dead_letter_publisher",
            "google_pubsub_subscription_iam_member.subscribers",
        },
    ),
    "bigquery": (
        {"project_id", "dataset_id", "location"},
        {"google_bigquery_dataset.this", "google_bigquery_dataset_iam_member.writers"},
    ),
    "artifact_registry": (
        {"project_id", "region", "repository_id"},
        {"google_artifact_registry_repository.this"},
    ),
    "secrets": (
        {"project_id", "name", "secret_ids", "secret_values"},
        {
            "google_secret_manager_secret.this",
            "google_secret_manager_secret_version.this",
            "google_secret_manager_secret_iam_member.accessors",
        },
    ),
    "service_account": (
        {"project_id", "account_id", "display_name"},
        {"google_service_account.this", "google_project_iam_member.roles"},
    ),
    "cloud_run_service": (
        {"project_id", "region", "name", "image", "service_account_email"},
        {"google_cloud_run_v2_service.this"},
    ),
    "debezium_server": (
        {
            "project_id",
            "region",
            "name",
            "image",
            "service_account_email",
            "subnet_id",
            "database_host",
            "database_name",
            "replication_user",
            "replication_password_secret_id",
            "admin_user",
            "admin_password_secret_id",
            "topic_name",
            "captured_tables",
        },
        {
            "google_cloud_run_v2_service.debezium",
            "google_cloud_run_v2_job.db_init",
            "google_storage_bucket.offsets",
        },
    ),
    "datastream": (
        {
            "project_id",
            "region",
            "name",
            "network_id",
            "source_host",
            "database_name",
            "replication_user",
            "replication_password",
            "captured_tables",
            "dataset_id",
        },
        {
            "google_datastream_private_connection.this",
            "google_datastream_connection_profile.source",
            "google_datastream_connection_profile.bigquery",
            "google_datastream_stream.this",
        },
    ),
}


@pytest.fixture(scope="module")
def root() -> Module:
    return load_module(TF)


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return {p.name: load_module(p) for p in sorted((TF / "modules").iterdir()) if p.is_dir()}


def test_every_module_is_known(modules: dict[str, Module]) -> None:
    assert set(modules) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_module_declares_required_variables_and_resources(
    name: str, modules: dict[str, Module]
) -> None:
    mod = modules[name]
    required, resources = EXPECTED[name]
    assert mod.required_variables() == required
    assert resources <= set(mod.resources), resources - set(mod.resources)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_module_variables_and_outputs_are_documented_and_used(
    name: str, modules: dict[str, Module]
) -> None:
    mod = modules[name]
    for var, body in mod.variables.items():
        assert unquote(body.get("description", "")), f"{name}: variable {var} has no description"
        assert "type" in body, f"{name}: variable {var} has no type"
    for out, body in mod.outputs.items():
        assert unquote(body.get("description", "")), f"{name}: output {out} has no description"
    unused = set(mod.variables) - mod.references("var")
    assert not unused, f"{name}: unused variables {unused}"
    undeclared = mod.references("var") - set(mod.variables)
    assert not undeclared, f"{name}: undeclared variables {undeclared}"


def test_root_calls_pass_every_required_variable(root: Module, modules: dict[str, Module]) -> None:
    assert root.modules, "the root module calls no module"
    for call, body in root.modules.items():
        source = unquote(body["source"])
        assert source.startswith("./modules/"), source
        target = modules[source.removeprefix("./modules/")]
        args = {k for k in body if k not in META_ARGS and k != "__is_block__"}
        missing = target.required_variables() - args
        assert not missing, f"module {call} misses {missing}"
        unknown = args - set(target.variables)
        assert not unknown, f"module {call} sets undeclared {unknown}"


def test_root_outputs_reference_existing_module_outputs(
    root: Module, modules: dict[str, Module]
) -> None:
    import re

    sources = {c: unquote(b["source"]).removeprefix("./modules/") for c, b in root.modules.items()}
    refs = re.findall(r"module\.([a-z_]+)(?:\[\d+\])?\.([a-z_]+)", root.text())
    assert refs
    for call, output in refs:
        assert call in sources, f"unknown module {call}"
        assert output in modules[sources[call]].outputs, f"module.{call}.{output} is not an output"
    for var, body in root.variables.items():
        assert unquote(body.get("description", "")), f"root variable {var} has no description"
    for out, body in root.outputs.items():
        assert unquote(body.get("description", "")), f"root output {out} has no description"


def test_cloudsql_enables_logical_decoding(modules: dict[str, Module]) -> None:
    instance = modules["cloudsql"].resources["google_sql_database_instance.this"]
    flags = {
        unquote(f["name"]): unquote(f["value"]) for f in instance["settings"][0]["database_flags"]
    }
    assert flags["cloudsql.logical_decoding"] == "on"
    ip = instance["settings"][0]["ip_configuration"][0]
    assert ip["ipv4_enabled"] is False, "Cloud SQL must not have a public IP"


def test_subscription_is_ordered_with_dead_letter(modules: dict[str, Module]) -> None:
    sub = modules["pubsub"].resources["google_pubsub_subscription.consumer"]
    assert sub["enable_message_ordering"] is True
    assert "google_pubsub_topic.dead_letter" in sub["dead_letter_policy"][0]["dead_letter_topic"]


def test_debezium_runs_as_exactly_one_always_on_instance(modules: dict[str, Module]) -> None:
    svc = modules["debezium_server"].resources["google_cloud_run_v2_service.debezium"]
    scaling = svc["template"][0]["scaling"][0]
    assert (scaling["min_instance_count"], scaling["max_instance_count"]) == (1, 1)
    assert svc["template"][0]["containers"][0]["resources"][0]["cpu_idle"] is False


def test_no_workload_gets_a_primitive_role(root: Module, modules: dict[str, Module]) -> None:
    text = root.text() + "".join(m.text() for m in modules.values())
    for role in ("roles/owner", "roles/editor", "roles/bigquery.admin", "roles/pubsub.admin"):
        assert role not in text


def test_terraform_fmt_check() -> None:
    if not TERRAFORM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{TERRAFORM} missing: infra/local/bootstrap.d/60-terraform.sh builds it")
        pytest.skip("terraform not built (run infra/local/bootstrap.d/60-terraform.sh)")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"}
    proc = subprocess.run(
        [str(TERRAFORM), "fmt", "-check", "-recursive", "-diff", str(TF)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
