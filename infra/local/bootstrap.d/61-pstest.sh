#!/usr/bin/env bash
# Build Google's Pub/Sub fake (cloud.google.com/go/pubsub/pstest) served by infra/local/pstest
# into infra/local/build/bin/pstest. Rebuilt only when its sources change (~30 s cold).
set -euo pipefail
cd "$(dirname "$0")/../../.."
src=infra/local/pstest
out=infra/local/build/bin/pstest
stamp=infra/local/build/pstest.sha256
sum=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)
if [[ -x $out && -f $stamp && $(cat "$stamp") == "$sum" ]]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "[bootstrap] WARNING: no Go toolchain; pstest not built (Pub/Sub tests will fail)" >&2
  exit 0
fi
mkdir -p "$(dirname "$out")"
(cd "$src" && GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -o "../build/bin/pstest" .)
echo "$sum" >"$stamp"
