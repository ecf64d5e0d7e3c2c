#!/usr/bin/env bash
# Runs the side-by-side benchmarks (make bench). Installs the reference systems from
# Debian's packages when missing. Results: printed tables and bench/results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v victoria-metrics >/dev/null || need+=(victoria-metrics)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi
npx tsc -p tsconfig.json
echo "== storage: ingest CPU, RSS and bytes per sample vs Prometheus and VictoriaMetrics"
node dist/bench/storage-bench.js "$@"
