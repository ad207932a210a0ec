#!/usr/bin/env bash
# ksdoctor inspect against keytool -list on the same keystores: median wall time, ratio, peak RSS.
# Writes the figures between the GENERATED markers of bench/RESULTS.md (the notes around them are
# kept) and prints them.
#
#   bench/compare_keytool.sh                  # after `make build`; `make bench` does both
#
# Environment:
#   BUILD=build            build directory (relative to the repository, or absolute) holding ksdoctor (and bench/ksdoctor_bench if built
#                          with -DKSDOCTOR_BENCH=ON: its microbenchmarks are run too)
#   STORES="jks_5000 prevent p12_5000"   which stores to measure (one store_<name> function each, below)
#   RUNS=30 KEYTOOL_RUNS=10 ROUNDS=5 RSS_RUNS=5   runs of ksdoctor (each output form) and of
#                          keytool (-list and -list -v) in all, spread over ROUNDS alternating
#                          rounds; peak-RSS runs per command
#   AT=2030-01-01          the evaluation time ksdoctor is given (the same for every run)
#   RESULTS=bench/RESULTS.md    where the figures go ("-" to only print them)
#
# Stores are generated once by bench/BenchStore.java (compiled into $BUILD/bench/classes) and
# cached in $BUILD/bench/stores/; they are rebuilt when BenchStore.java changes.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) BUILD_DIR=$BUILD ;; *) BUILD_DIR=$ROOT/$BUILD ;; esac
KSDOCTOR=$BUILD_DIR/ksdoctor
WORK=$BUILD_DIR/bench
STORE_DIR=$WORK/stores
CLASSES=$WORK/classes
STORES=${STORES:-"jks_5000 prevent p12_5000"}
RUNS=${RUNS:-30}
KEYTOOL_RUNS=${KEYTOOL_RUNS:-10}
ROUNDS=${ROUNDS:-5}
RSS_RUNS=${RSS_RUNS:-5}
AT=${AT:-2030-01-01}
RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}
PASS=changeit

die() { echo "compare_keytool: $*" >&2; exit 2; }
for tool in hyperfine jq java javac keytool /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool is missing (make deps installs it)"
done
[ -x "$KSDOCTOR" ] || die "$KSDOCTOR not found: run make build first"
mkdir -p "$STORE_DIR" "$CLASSES"

# ---------------------------------------------------------------- stores (one function each)

generator() {
  if [ ! -f "$CLASSES/BenchStore.class" ] || [ bench/BenchStore.java -nt "$CLASSES/BenchStore.class" ]; then
    javac -d "$CLASSES" bench/BenchStore.java
  fi
}

# make_store FILE BenchStore-arguments...: generates FILE unless it is newer than the generator.
make_store() {
  local file=$1; shift
  generator
  if [ ! -s "$file" ] || [ "$CLASSES/BenchStore.class" -nt "$file" ]; then
    echo "generating $(basename "$file") ..." >&2
    java -cp "$CLASSES" BenchStore "$1" "$file" "${@:2}"
  fi
  echo "$file"
}

# Each prints the path of its store, generating it on first use. A new store is one more function.
store_jks_5000()  { make_store "$STORE_DIR/truststore-5000.jks" truststore JKS "$PASS" 5000; }
store_p12_5000()  { make_store "$STORE_DIR/truststore-5000.p12" truststore PKCS12 "$PASS" 5000; }
store_prevent()   { make_store "$STORE_DIR/prevent.ks" prevent JKS "$PASS"; }

# ---------------------------------------------------------------- measuring

# median_ms PREFIX INDEX: the median, in milliseconds, of all the runs of hyperfine result INDEX
# in the exports PREFIX.1, PREFIX.2, ...
median_ms() {
  jq -s "[.[].results[$2].times[]] | sort | if length % 2 == 1 then .[length / 2 | floor]
         else (.[length / 2 - 1] + .[length / 2]) / 2 end * 1000" "$1".*
}

# per_round TOTAL: runs per round so that all rounds together make at least TOTAL.
per_round() { echo $(( ($1 + ROUNDS - 1) / ROUNDS )); }

# peak_rss_kb RUNS command...: the largest and the median %M of /usr/bin/time over RUNS runs.
peak_rss_kb() {
  local runs=$1; shift
  local values=()
  local out
  for _ in $(seq "$runs"); do
    # ksdoctor exits 1 when it finds problems; time then adds a line before %M.
    out=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null </dev/null || true)
    values+=("$(tail -n 1 <<<"$out")")
  done
  printf '%s\n' "${values[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%d %d\n", v[NR], v[int((NR+1)/2)]}'
}

fmt() { printf '%.1f' "$1"; }

declare -a TIME_ROWS RSS_ROWS CHECKS
KEYTOOL_BASIS=""

bench_store() {
  local name=$1 file=$2 size entries
  size=$(stat -c %s "$file")
  export KSDOCTOR_STOREPASS=$PASS
  # Exit status 1 only means "problems found"; anything else means ksdoctor could not do the job.
  local rc=0
  "$KSDOCTOR" inspect "$file" --at "$AT" </dev/null >/dev/null || rc=$?
  [ "$rc" -le 1 ] || die "ksdoctor inspect $file failed (exit $rc)"
  entries=$("$KSDOCTOR" inspect "$file" --at "$AT" --format json </dev/null | jq '.entries | length' || true)
  keytool -list -keystore "$file" -storepass "$PASS" >/dev/null 2>&1 || die "keytool -list $file failed"

  local ks=(inspect "$file" --at "$AT")
  local out=$WORK/hyperfine-$name
  rm -f "$out".*
  echo "== $name: $(basename "$file"), $entries entries, $size bytes" >&2
  # The runs are spread over $ROUNDS rounds that alternate the tools, so that a machine whose load
  # changes meanwhile (other jobs) weighs on both sides alike; medians are over all runs.
  local r
  for r in $(seq "$ROUNDS"); do
    echo "-- round $r of $ROUNDS" >&2
    hyperfine -N -i --style basic --warmup 2 --runs "$(per_round "$RUNS")" \
      --export-json "$out.ks.$r" \
      -n "ksdoctor text" "$KSDOCTOR ${ks[*]}" \
      -n "ksdoctor json" "$KSDOCTOR ${ks[*]} --format json" >&2
    hyperfine -N --style basic --warmup "$([ "$r" = 1 ] && echo 1 || echo 0)" \
      --runs "$(per_round "$KEYTOOL_RUNS")" --export-json "$out.kt.$r" \
      -n "keytool -list" "keytool -list -keystore $file -storepass $PASS" \
      -n "keytool -list -v" "keytool -list -v -keystore $file -storepass $PASS" >&2
  done

  local text jsn kt ktv ratio ratio_json ratio_v
  text=$(median_ms "$out.ks" 0); jsn=$(median_ms "$out.ks" 1)
  kt=$(median_ms "$out.kt" 0); ktv=$(median_ms "$out.kt" 1)
  ratio=$(jq -n "$kt / $text"); ratio_json=$(jq -n "$kt / $jsn"); ratio_v=$(jq -n "$ktv / $text")
  TIME_ROWS+=("| $name | $entries | $size | $(fmt "$kt") | $(fmt "$ktv") | $(fmt "$text") | $(fmt "$jsn") | **$(fmt "$ratio")×** | $(fmt "$ratio_json")× | $(fmt "$ratio_v")× |")

  local rss_text rss_json limit_kb
  read -r rss_text rss_text_med < <(peak_rss_kb "$RSS_RUNS" "$KSDOCTOR" "${ks[@]}")
  read -r rss_json rss_json_med < <(peak_rss_kb "$RSS_RUNS" "$KSDOCTOR" "${ks[@]}" --format json)
  read -r rss_kt _ < <(peak_rss_kb 1 keytool -list -keystore "$file" -storepass "$PASS")
  limit_kb=$(( (3 * size) / 1024 + 20 * 1024 ))
  RSS_ROWS+=("| $name | $size | $limit_kb | $rss_text ($rss_text_med) | $rss_json ($rss_json_med) | $rss_kt |")

  local worst=$(( rss_text > rss_json ? rss_text : rss_json ))
  CHECKS+=("$name: peak RSS $worst KB vs limit $limit_kb KB (3 × file + 20 MB): $([ "$worst" -le "$limit_kb" ] && echo met || echo MISSED)")
  if [ "$name" = jks_5000 ]; then
    CHECKS+=("$name: keytool -list / ksdoctor text = $(fmt "$ratio")× (target ≥ 100×): $(jq -n "if $ratio >= 100 then \"met\" else \"MISSED\" end" -r)")
    KEYTOOL_BASIS="$(fmt "$kt") ms"
  fi
  if [ "$name" = prevent ]; then
    CHECKS+=("$name: ksdoctor text $(fmt "$text") ms, json $(fmt "$jsn") ms (target ≤ 10 ms): $(jq -n "if $text <= 10 and $jsn <= 10 then \"met\" else \"MISSED\" end" -r)")
  fi
}

for store in $STORES; do
  declare -F "store_$store" >/dev/null || die "no store function store_$store"
  file=$("store_$store")
  bench_store "$store" "$file"
done

MICRO=""
if [ -x "$WORK/ksdoctor_bench" ]; then
  echo "== microbenchmarks ($BUILD/bench/ksdoctor_bench)" >&2
  MICRO=$(KSDOCTOR_BENCH_STORE=$STORE_DIR/truststore-5000.jks KSDOCTOR_BENCH_SMALL_STORE=$STORE_DIR/prevent.ks \
    "$WORK/ksdoctor_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null |
    awk '/_median/ {sub(/_median/, "", $1); printf "| %s | %s %s |\n", $1, $2, $3}')
fi

# ---------------------------------------------------------------- report

machine() {
  local cpu mem
  cpu=$(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
  mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
  echo "- CPU: ${cpu:-unknown}, $(nproc) cores available; RAM $mem; $(uname -sr)"
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"); transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo n/a)"
  echo "- keytool: $(java -version 2>&1 | head -n 1); hyperfine $(hyperfine --version | awk '{print $2}')"
  echo "- ksdoctor: $BUILD/ksdoctor, $(grep -m1 CMAKE_BUILD_TYPE: "$BUILD_DIR/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?') build, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes')"
  echo "- load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-minute load average at the end)"
}

generated() {
  echo "<!-- BEGIN GENERATED by bench/compare_keytool.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ) -->"
  echo
  echo "Median wall time in ms over all runs (hyperfine); the ratio's basis is plain \`keytool -list\`$( [ -n "$KEYTOOL_BASIS" ] && echo " ($KEYTOOL_BASIS on the 5 000-entry JKS)")."
  echo
  echo "| store | entries | bytes | keytool -list | keytool -list -v | ksdoctor text | ksdoctor json | keytool -list / text | keytool -list / json | keytool -list -v / text |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${TIME_ROWS[@]}"
  echo
  echo "Peak resident memory in KB (\`/usr/bin/time -f %M\`): largest of $RSS_RUNS runs (median in parentheses); limit = 3 × file size + 20 MB."
  echo
  echo "| store | bytes | limit | ksdoctor text | ksdoctor json | keytool -list |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${RSS_ROWS[@]}"
  echo
  echo "Targets:"
  echo
  printf -- '- %s\n' "${CHECKS[@]}"
  if [ -n "$MICRO" ]; then
    echo
    echo "Microbenchmarks (\`$BUILD/bench/ksdoctor_bench --benchmark_repetitions=3\`, median time per iteration):"
    echo
    echo "| benchmark | time |"
    echo "|---|---:|"
    echo "$MICRO"
  fi
  echo
  echo "Commands (\`KSDOCTOR_STOREPASS=$PASS\` in the environment, stdin not a terminal):"
  echo
  echo '```'
  echo "# $ROUNDS rounds, each: hyperfine -N --warmup 2 --runs $(per_round "$RUNS") for the two ksdoctor commands,"
  echo "# then hyperfine -N --runs $(per_round "$KEYTOOL_RUNS") for the two keytool commands (1 warm-up run in round 1)"
  echo "ksdoctor inspect STORE --at $AT"
  echo "ksdoctor inspect STORE --at $AT --format json"
  echo "keytool -list -keystore STORE -storepass $PASS"
  echo "keytool -list -v -keystore STORE -storepass $PASS"
  echo "/usr/bin/time -f %M ksdoctor inspect STORE --at $AT [--format json]   # $RSS_RUNS runs each"
  echo '```'
  echo
  echo "Machine:"
  echo
  machine
  echo
  echo "<!-- END GENERATED -->"
}

block=$WORK/results-block.md
generated >"$block"
cat "$block"
if [ "$RESULTS" != "-" ]; then
  if [ -f "$RESULTS" ] && grep -q '<!-- BEGIN GENERATED' "$RESULTS"; then
    awk -v block="$block" '
      /<!-- BEGIN GENERATED/ {while ((getline line < block) > 0) print line; skip = 1; next}
      /<!-- END GENERATED -->/ {skip = 0; next}
      !skip {print}' "$RESULTS" >"$RESULTS.tmp"
    mv "$RESULTS.tmp" "$RESULTS"
  else
    { echo "# Benchmark results"; echo; cat "$block"; } >>"$RESULTS"
  fi
  echo "figures written to ${RESULTS#"$ROOT"/}" >&2
fi
