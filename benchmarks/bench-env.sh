# Sourced by the benchmark scripts: the repository as working directory, a JDK 21+, and the tools
# the benchmarks run besides the JVM.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/jdk.sh
use_jdk
for tool in zstd /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benchmark needs $tool: apt-get install -y zstd time" >&2; exit 1; }
done
