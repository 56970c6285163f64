#!/usr/bin/env bash
# Resolve the jars of the local Kafka path (Kafka broker, Connect, Debezium Postgres) with Maven
# into infra/local/build/kafka-libs. Fast when done: skipped while the pom is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
libs=build/kafka-libs
stamp=$libs/.pom.sha256
want=$(sha256sum pom.xml | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" ]] && compgen -G "$libs/kafka-clients-*.jar" >/dev/null; then
  exit 0
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "20-kafka-jars: Maven (mvn) is missing; add it with apt-get install maven" >&2
  exit 1
fi
rm -rf "$libs"
mvn -q -B -f pom.xml dependency:copy-dependencies
echo "$want" >"$stamp"
echo "20-kafka-jars: $(ls "$libs"/*.jar | wc -l) jars in infra/local/$libs" >&2
