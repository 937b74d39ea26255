#!/usr/bin/env bash
# Issue 15's soak and scale benchmark: many small targets on one PostgreSQL cluster, several dump-worker
# and verifier processes, several rounds of backups of every target through the API; prints jobs per
# minute, the control plane's overhead per hop, each process's peak RSS and whether anything was lost
# or duplicated. Builds in the reactor and installs nothing (as run-product.sh).
# Settings by environment (see benchmarks/README.md): SOAK_TARGETS, SOAK_WORKERS, SOAK_VERIFIERS,
# SOAK_ROUNDS, SOAK_TABLES, SOAK_ROWS, SOAK_ROUND_TIMEOUT_MINUTES.
. "$(dirname "$0")/bench-env.sh"
run_stack_benchmark dev.vigil.bench.SoakBenchmark
