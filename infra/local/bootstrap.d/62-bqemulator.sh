#!/usr/bin/env bash
# BigQuery emulator for the BigQuery sink tests: bqemulator (PyPI, DuckDB-backed) in its own
# virtualenv, pinned to DuckDB 1.4.4 whose `spatial` extension ships as a wheel
# (duckdb-ext-spatial), so nothing is downloaded when it starts. Rebuilt when the pins change.
set -euo pipefail
cd "$(dirname "$0")/../../.."
src=infra/local/bqemulator
dest=infra/local/build/bqemulator
stamp=$dest/stamp.sha256
sum=$(cat "$src/requirements.txt" "$src/launch.py" | sha256sum | cut -d' ' -f1)
if [[ -x $dest/venv/bin/python && -f $stamp && $(cat "$stamp") == "$sum" ]]; then
  exit 0
fi
UV=(uv); command -v uv >/dev/null 2>&1 || UV=(python3 -m uv)
rm -rf "$dest/venv"
mkdir -p "$dest"
"${UV[@]}" venv --quiet --python 3.11 "$dest/venv"
# --python, not VIRTUAL_ENV: `python3 -m uv` 0.13 installs into its own interpreter otherwise
"${UV[@]}" pip install --quiet --python "$dest/venv/bin/python" -r "$src/requirements.txt"
# DuckDB looks for extensions under $HOME/.duckdb/extensions/<version>/<platform>/.
ext=$(find "$dest/venv" -path '*duckdb_ext/extensions/v1.4.4/linux_amd64/spatial.duckdb_extension' | head -1)
[[ -n $ext ]] || { echo "62-bqemulator: DuckDB's spatial extension not found in $dest/venv" >&2; exit 1; }
mkdir -p "$dest/home/.duckdb/extensions/v1.4.4/linux_amd64"
cp "$ext" "$dest/home/.duckdb/extensions/v1.4.4/linux_amd64/"
echo "$sum" >"$stamp"
