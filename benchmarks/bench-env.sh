# Sourced by the benchmark scripts: the repository as working directory, a JDK 21+, and the tools
# the benchmarks run besides the JVM.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/jdk.sh
use_jdk
for tool in zstd /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benchmark needs $tool: apt-get install -y zstd time" >&2; exit 1; }
done

# run_stack_benchmark MAIN_CLASS: builds the five services and the benchmarks in the reactor (installs
# nothing), then runs MAIN_CLASS with the benchmark's classpath; the services run from their exec jars.
run_stack_benchmark() {
  ./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime \
    -pl dump-worker,storage-service,verifier-service,notifier-service,scheduler-service,benchmarks -am
  cd benchmarks
  mkdir -p target/tmp
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Djava.io.tmpdir=target/tmp \
    -cp "target/classes:$(cat target/classpath.txt)" "$1"
}
