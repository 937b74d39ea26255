# Sourced by ./vigil, .ci/run and the benchmarks: finds a JDK 21 or newer and exports JAVA_HOME.
# Looks at JAVA_HOME, then the java on the PATH, then every JDK under /usr/lib/jvm.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

# Prints the home of the first JDK 21+ found; fails when there is none.
find_jdk() {
  local candidates=() home
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v java >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  for home in /usr/lib/jvm/*; do [ -d "$home" ] && candidates+=("$home"); done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/javac" ] && [ "$(java_major "$home/bin/java")" -ge 21 ] 2>/dev/null; then
      echo "$home"
      return 0
    fi
  done
  return 1
}

# Exports JAVA_HOME to a JDK 21+, or says what to install and fails.
use_jdk() {
  if ! JAVA_HOME=$(find_jdk); then
    echo "a JDK 21 or newer is needed: install one (Debian: apt-get install -y openjdk-21-jdk, or Temurin 21+) and set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME
}
