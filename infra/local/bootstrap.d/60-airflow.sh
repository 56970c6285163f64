#!/usr/bin/env bash
# Airflow in its own virtualenv (.riverbed/airflow-venv): its pins must not constrain the
# workspace. Installs apache-airflow plus the workspace's analytics package (editable, so the
# DAG runs the current code), then migrates a template metadata DB that tests copy.
# Idempotent: a stamp of the inputs makes a second run return in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/../../.."

AIRFLOW_VERSION=3.3.2
venv=.riverbed/airflow-venv
template=.riverbed/airflow-template
stamp=$venv/.riverbed-stamp

if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi

inputs=$(cat "$0" libs/core/pyproject.toml data/pyproject.toml services/analytics/pyproject.toml \
  | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$inputs" && -f $template/airflow.db ]]; then
  exit 0
fi

echo "[airflow] installing apache-airflow==$AIRFLOW_VERSION into $venv" >&2
mkdir -p .riverbed
[[ -x $venv/bin/python ]] || "${UV[@]}" venv --quiet --python 3.11 "$venv"
"${UV[@]}" pip install --quiet --python "$venv/bin/python" \
  "apache-airflow==$AIRFLOW_VERSION" \
  -e libs/core -e data -e services/analytics

echo "[airflow] migrating the template metadata database" >&2
rm -rf "$template"
mkdir -p "$template"
AIRFLOW_HOME=$PWD/$template AIRFLOW__CORE__LOAD_EXAMPLES=False \
  AIRFLOW__CORE__DAGS_FOLDER=$PWD/services/analytics/dags \
  "$venv/bin/airflow" db migrate >"$template/migrate.log" 2>&1 \
  || { tail -30 "$template/migrate.log" >&2; exit 1; }
echo "$inputs" >"$stamp"
