#!/usr/bin/env bash
# Start-up and the demo `inspect` for the static binary beside the dynamic one and /bin/true, in one
# hyperfine run (this machine is slow to start any process, so compare ratios, not milliseconds).
# Usage: bench/startup_static.sh [DYNAMIC] [STATIC]   (defaults: build/ksdoctor build-static/ksdoctor)
set -euo pipefail
cd "$(dirname "$0")/.."
dynamic=${1:-build/ksdoctor}
static=${2:-build-static/ksdoctor}
demo=fixtures/demo/prevent.ks
export KSDOCTOR_STOREPASS=changeit
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N -i --warmup 20 --runs 200 --export-json "$out" \
  -n true /bin/true \
  -n "dynamic --version" "$dynamic --version" \
  -n "static --version" "$static --version" \
  -n "dynamic inspect demo" "$dynamic inspect $demo --at 2030-01-01" \
  -n "static inspect demo" "$static inspect $demo --at 2030-01-01" >/dev/null 2>&1 || true
jq -r '(.results[] | select(.command == "true") | .median) as $t |
  "| command | median ms | × /bin/true |", "|---|---:|---:|",
  (.results[] | "| \(.command) | \(.median * 1000 | . * 100 | round / 100) | \(.median / $t | . * 100 | round / 100) |")' "$out"
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
