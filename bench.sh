#!/usr/bin/env bash
# Runs Vigil's benchmarks (JMH, benchmarks/) next to Netty and plain sockets, in rounds, then writes docs/benchmarks.md
# and docs/benchmarks-throughput.svg from the results.
#
#   bash bench.sh short                  # under 10 minutes on 2 cores: the targets' rows, short iterations, 3 rounds
#   bash bench.sh full                   # every row, the iterations pinned in the benchmark classes (~48 min)
#   bash bench.sh short latency idle     # only some benchmarks: throughput, latency, idle, detection, broadcast
#   bash bench.sh full --rounds 5        # more rounds (at least 1; 3 by default)
#   bash bench.sh full --out /tmp/docs   # write the report elsewhere
#
# Rounds: every row (one set of parameters) runs once per round for each implementation, each in a JMH fork of its
# own (-f 1), the forks of a row one after the other, their order turning from round to round (vigil netty socket,
# then netty socket vigil, ...), so that load from elsewhere on the machine falls on all of them alike. Each fork
# carries its round as -Dvigil.bench.round=N, which JMH records in its JSON; the report takes each ratio as the
# median of the per-round ratios, with their min-max. Results: benchmarks/target/jmh-<profile>/<benchmark>-r<round>-
# <row>.json, and <benchmark>.log next to them; the report is generated from every JSON file there.
#
# Builds benchmarks/target/benchmarks.jar first if it is missing or older than the sources. `java -jar
# benchmarks/target/benchmarks.jar` with no arguments runs every benchmark at full size, in one round.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

profile="${1:-}"
[[ "$profile" == short || "$profile" == full ]] || usage
shift
out=docs
rounds=3
selected=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    throughput|latency|idle|detection|broadcast) selected+=("$1"); shift ;;
    *) usage ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || usage
[[ ${#selected[@]} -gt 0 ]] || selected=(throughput latency idle detection broadcast)

if ! JAVA_HOME=$(scripts/find-jdk); then
  echo "bench.sh: needs a JDK 21 or newer: set JAVA_HOME to one" >&2
  exit 1
fi
export JAVA_HOME
java="$JAVA_HOME/bin/java"

jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find pom.xml core/pom.xml core/src/main redis/pom.xml redis/src/main \
    benchmarks/pom.xml benchmarks/src/main -newer "$jar" -type f -print -quit)" ]]; then
  echo "bench.sh: building $jar"
  ./mvnw -q -B -pl core,benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
fi

# Per benchmark: the JMH include pattern, the options of each profile (full: the classes' own iterations), and the
# rows of each profile (short: the rows the targets of issue 14 hold). A row is JMH parameters, then optionally "@"
# and the implementations it runs (all three if none): socket has one platform thread per connection, so it idles at
# 1,000 connections only; throughput adds vigil-sessions (Vigil with sessions on both ends, which the report shows
# next to vigil) on all of vigil's rows in short and on the 64-byte rows in full, and in full on the 64-byte rows
# socket-virtual (the socket floor on virtual threads: what the design of a virtual thread per connection costs
# without Vigil's own work, shown next to vigil). "@none" marks a benchmark without
# implementations (broadcast: Vigil only, its rows are topologies, which JMH runs in a fork each, one after the other).
with_sessions='vigil vigil-sessions netty socket'
with_floor="$with_sessions socket-virtual"
declare -A include=(
  [throughput]='ThroughputBenchmark'
  [latency]='LatencyBenchmark'
  [idle]='IdleScaleBenchmark'
  [detection]='DetectionBenchmark'
  [broadcast]='BroadcastBenchmark'
)
declare -A short=(
  [throughput]='-wi 1 -w 1 -i 1 -r 1 -prof gc'
  [latency]='-wi 1 -w 1 -i 1 -r 2'
  [idle]='-wi 0 -i 1 -r 3'
  [detection]='-wi 0 -i 1 -r 3'
  [broadcast]='-wi 1 -w 1 -i 1 -r 2'
)
declare -A full=(
  [throughput]='-prof gc'
  [latency]=''
  [idle]=''
  [detection]=''
  [broadcast]=''
)
rows() { # profile benchmark
  local p w c
  case "$1:$2" in
    short:throughput) # the rows the targets hold: 64 B, window 1 at 1 to 1,024 connections, window 16 at 16 and up
      for c in 1 16 256 1024; do echo "-p payload=64 -p window=1 -p connections=$c@$with_sessions"; done
      for c in 16 256 1024; do echo "-p payload=64 -p window=16 -p connections=$c@$with_sessions"; done ;;
    full:throughput) # sessions and the virtual-thread floor on the 64-byte rows only, to keep the profile short
      for p in 64 1024; do
        for w in 1 16; do
          for c in 1 16 256 1024; do
            if [[ $p == 64 ]]; then echo "-p payload=$p -p window=$w -p connections=$c@$with_floor"
            else echo "-p payload=$p -p window=$w -p connections=$c"; fi
          done
        done
      done ;;
    *:latency) echo "-p payload=64" ;;
    short:idle) echo "-p idleConnections=9000@vigil netty" ;;
    full:idle) printf '%s\n' "-p idleConnections=1000" "-p idleConnections=9000@vigil netty" \
                 "-p idleConnections=19000@vigil netty" ;;
    *:detection) echo "-p timeoutMs=3000" ;;
    *:broadcast) echo "-p topology=one-node,two-nodes-redis@none" ;;
  esac
}

started=$SECONDS
dir="benchmarks/target/jmh-$profile"
mkdir -p "$dir"
for b in throughput latency idle detection broadcast; do
  [[ " ${selected[*]} " == *" $b "* ]] || continue
  if [[ $profile == short ]]; then opts=${short[$b]}; else opts=${full[$b]}; fi
  rm -f "$dir/$b"-r*.json "$dir/$b.log"
  mapfile -t spec < <(rows "$profile" "$b")
  for ((r = 1; r <= rounds; r++)); do
    for k in "${!spec[@]}"; do
      params=${spec[$k]%%@*}
      impls=(vigil netty socket)
      [[ "${spec[$k]}" == *@* ]] && read -r -a impls <<< "${spec[$k]#*@}"
      # This round's order: turned by one place per round.
      n=${#impls[@]}
      order=()
      for ((i = 0; i < n; i++)); do order+=("${impls[$(((i + r - 1) % n))]}"); done
      impl_list=$(IFS=,; echo "${order[*]}")
      impl_param=(-p impl="$impl_list")
      [[ "$impl_list" == none ]] && impl_param=()
      echo "bench.sh: $profile $b, round $r of $rounds: $params, $impl_list ($((SECONDS - started)) s so far)"
      # shellcheck disable=SC2086 # the options are words on purpose
      "$java" -jar "$jar" "${include[$b]}" -f 1 $opts $params "${impl_param[@]}" \
          -jvmArgsPrepend "-Dvigil.bench.round=$r" -rf json -rff "$dir/$b-r$r-$k.json" >> "$dir/$b.log" 2>&1 \
        || echo "bench.sh: that run failed; see $dir/$b.log" >&2
    done
  done
done
echo "bench.sh: benchmarks took $((SECONDS - started)) s"

shopt -s nullglob
results=("$dir"/*-r*.json)
[[ ${#results[@]} -gt 0 ]] || { echo "bench.sh: no results in $dir" >&2; exit 1; }
"$java" -cp "$jar" dev.vigil.benchmarks.report.ReportGenerator --out "$out" \
    --analysis docs/benchmarks-analysis.md "${results[@]}"
