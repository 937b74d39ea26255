#!/usr/bin/env bash
# Issue 14's benchmark: the running product (the five services as processes of their own, set up as
# ./vigil dev sets them up) against the bare tools on the same PostgreSQL cluster, on several database
# shapes, reading the job API's stage times. Builds in the reactor and installs nothing: the services'
# executable jars and the benchmark's classpath come from the modules' target directories.
# Settings by environment (see benchmarks/README.md): BENCH_SHAPES, BENCH_ROUNDS, BENCH_SCALE,
# BENCH_REUSE, BENCH_MEMORY, and the per-shape sizes.
. "$(dirname "$0")/bench-env.sh"
run_stack_benchmark dev.vigil.bench.ProductComparison
