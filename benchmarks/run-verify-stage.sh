#!/usr/bin/env bash
# Issue 5's benchmark: the verifier service verifying the dump worker's artifact of the >= 1 GB
# benchmark database, against a bare pg_restore --jobs 2 of the same dump plus count(*) per table, in
# one run. Reuses the database and artifact of run-dump-stage.sh when they are there (else makes them).
# Settings by environment: BENCH_ORDERS (default 2400000 orders, about 1.4 GB) when it generates.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
use_jdk
for tool in zstd /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benchmark needs $tool: apt-get install -y zstd time" >&2; exit 1; }
done
./mvnw -B -q -DskipTests install -pl benchmarks,verifier-service -am
./mvnw -B -q -pl benchmarks exec:exec -Dbench.main=dev.vigil.bench.VerificationComparison
