#!/usr/bin/env bash
# Issue 5's benchmark: the verifier service verifying the dump worker's artifact of the >= 1 GB
# benchmark database, against a bare pg_restore --jobs 2 of the same dump plus count(*) per table, in
# one run. Reuses the database and artifact of run-dump-stage.sh when they are there (else makes them).
# Settings by environment: BENCH_ORDERS (default 2400000 orders, about 1.4 GB) when it generates.
. "$(dirname "$0")/bench-env.sh"
./mvnw -B -q -DskipTests install -pl benchmarks,verifier-service -am
./mvnw -B -q -pl benchmarks exec:exec -Dbench.main=dev.vigil.bench.VerificationComparison
