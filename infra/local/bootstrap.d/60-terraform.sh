#!/usr/bin/env bash
# Build Terraform (MPL-licensed v1.5.7) from source through the Go module proxy into
# infra/local/build/bin/terraform; used by `terraform fmt -check` in tests and `make lint`.
# Cold build: about 4 minutes on 2 cores; a no-op when the binary is already there.
set -euo pipefail
cd "$(dirname "$0")/../../.."
version=v1.5.7
bin=infra/local/build/bin
if [[ -x $bin/terraform ]] && "$bin/terraform" version 2>/dev/null | grep -q "Terraform ${version}"; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "[bootstrap] WARNING: no Go toolchain; terraform not built (terraform fmt test will fail)" >&2
  exit 0
fi
mkdir -p "$bin"
echo "[bootstrap] building terraform ${version} with $(go version | cut -d' ' -f3) (takes a few minutes once)" >&2
GOBIN="$PWD/$bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 go install "github.com/hashicorp/terraform@${version}"
