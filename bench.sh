#!/usr/bin/env bash
# Runs Vigil's benchmarks (JMH, benchmarks/) next to Netty and plain sockets, then writes docs/benchmarks.md and
# docs/benchmarks-throughput.svg from the results.
#
#   bash bench.sh short                  # a few minutes (under 10 on 2 cores): fewer sizes, short iterations
#   bash bench.sh full                   # every size, the iterations pinned in the benchmark classes (~30 min)
#   bash bench.sh short latency idle     # only some benchmarks: throughput, latency, idle, detection
#   bash bench.sh full --out /tmp/docs   # write the report elsewhere
#
# Builds benchmarks/target/benchmarks.jar first if it is missing or older than the sources. Results go to
# benchmarks/target/jmh-<profile>-<benchmark>.json (and .log); the report is generated from the four JSON files of
# the profile. `java -jar benchmarks/target/benchmarks.jar` with no arguments runs every benchmark at full size.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

profile="${1:-}"
[[ "$profile" == short || "$profile" == full ]] || usage
shift
out=docs
selected=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    throughput|latency|idle|detection) selected+=("$1"); shift ;;
    *) usage ;;
  esac
done
[[ ${#selected[@]} -gt 0 ]] || selected=(throughput latency idle detection)

if ! JAVA_HOME=$(scripts/find-jdk); then
  echo "bench.sh: needs a JDK 21 or newer: set JAVA_HOME to one" >&2
  exit 1
fi
export JAVA_HOME
java="$JAVA_HOME/bin/java"

jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find pom.xml core/pom.xml core/src/main benchmarks/pom.xml benchmarks/src/main \
    -newer "$jar" -type f -print -quit)" ]]; then
  echo "bench.sh: building $jar"
  ./mvnw -q -B -pl core,benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
fi

# Per benchmark: the JMH include pattern, and the options of each profile (full: the classes' own settings).
declare -A include=(
  [throughput]='ThroughputBenchmark'
  [latency]='LatencyBenchmark'
  [idle]='IdleScaleBenchmark'
  [detection]='DetectionBenchmark'
)
declare -A short=(
  [throughput]='-p payload=64 -wi 1 -w 1 -i 2 -r 1 -prof gc'
  [latency]='-wi 1 -w 2 -i 2 -r 2'
  [idle]='-wi 1 -w 3 -i 2 -r 3'
  [detection]='-wi 1 -w 1 -i 1 -r 9'
)
declare -A full=(
  [throughput]='-prof gc'
  [latency]=''
  [idle]=''
  [detection]=''
)

results=()
for b in throughput latency idle detection; do
  json="benchmarks/target/jmh-$profile-$b.json"
  if [[ " ${selected[*]} " == *" $b "* ]]; then
    if [[ $profile == short ]]; then opts=${short[$b]}; else opts=${full[$b]}; fi
    echo "bench.sh: $profile $b"
    # shellcheck disable=SC2086 # the options are words on purpose
    "$java" -jar "$jar" "${include[$b]}" $opts -rf json -rff "$json" 2>&1 | tee "${json%.json}.log"
  fi
  [[ -f "$json" ]] && results+=("$json")
done

"$java" -cp "$jar" dev.vigil.benchmarks.report.ReportGenerator --out "$out" "${results[@]}"
