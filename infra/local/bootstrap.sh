#!/usr/bin/env bash
# Install what Riverbed needs on a fresh Linux box: uv, system packages (when absent and we
# can install them), the Python workspace, and the Java jars of the local Kafka stack.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=infra/local

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

# 1. uv, from PyPI when absent.
if command -v uv >/dev/null 2>&1; then
  UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
  UV=(python3 -m uv)
else
  say "installing uv from PyPI"
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv \
    || python3 -m pip install --quiet --break-system-packages uv
  UV=(python3 -m uv)
fi

# 2. Debian packages listed in apt-packages.txt, installed only when a command is missing.
if [[ -f $here/apt-packages.txt ]]; then
  missing=()
  while read -r pkg probe; do
    [[ -z $pkg || $pkg == \#* ]] && continue
    command -v "$probe" >/dev/null 2>&1 || [[ -e $probe ]] || missing+=("$pkg")
  done <"$here/apt-packages.txt"
  if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      say "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
      say "installing Debian packages with sudo: ${missing[*]}"
      sudo apt-get update -qq >/dev/null
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      say "WARNING: missing Debian packages (${missing[*]}); tests needing them will fail"
    fi
  fi
fi

# 3. The Python workspace, exactly as locked.
"${UV[@]}" sync --frozen --quiet

# 4. Extra steps registered by components (Java jars, Go builds, ...), each idempotent.
for step in "$here"/bootstrap.d/*.sh; do
  [[ -e $step ]] || continue
  say "running ${step##*/}"
  bash "$step"
done
