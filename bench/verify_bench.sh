#!/usr/bin/env bash
# ksdoctor verify over keystores of 1 250, 2 500 and 5 000 key entries (every chain rebuilt, every
# signature checked) with a 10 000-certificate --trust folder: median wall time, time per entry,
# growth, peak RSS. Writes the figures between the VERIFY GENERATED markers of bench/RESULTS.md
# (section "ksdoctor verify"; the rest of the file is kept) and prints them.
#
#   bench/verify_bench.sh                     # after `make build`; `make bench-verify` does both
#
# Environment:
#   BUILD=build            build directory (relative to the repository, or absolute) holding ksdoctor
#   SIZES="1250 2500 5000" store sizes (key entries); the largest is also measured without --trust
#   RUNS=6 ROUNDS=2 RSS_RUNS=2   runs of each command in all, spread over ROUNDS rounds that each
#                          run every command; peak-RSS runs per command
#   AT=2030-01-01          the evaluation time ksdoctor is given (the leaves are valid 2029-06-01 ..
#                          2030-06-30)
#   TARGET_MS=300          the target for the largest store with the trust folder
#   RESULTS=bench/RESULTS.md    where the figures go ("-" to only print them)
#
# The stores and the trust folder are generated once by bench/VerifyBenchPki.java (compiled into
# $BUILD/bench/verify/classes, ≈ 15 s on 2 cores) and cached in $BUILD/bench/verify/pki/; they are
# rebuilt when VerifyBenchPki.java changes or a size is missing.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) BUILD_DIR=$BUILD ;; *) BUILD_DIR=$ROOT/$BUILD ;; esac
KSDOCTOR=$BUILD_DIR/ksdoctor
WORK=$BUILD_DIR/bench/verify
CLASSES=$WORK/classes
PKI=$WORK/pki
SIZES=${SIZES:-"1250 2500 5000"}
RUNS=${RUNS:-6}
ROUNDS=${ROUNDS:-2}
RSS_RUNS=${RSS_RUNS:-2}
AT=${AT:-2030-01-01}
TARGET_MS=${TARGET_MS:-300}
RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}
PASS=changeit
EXPORTS=(--add-exports java.base/sun.security.x509=ALL-UNNAMED --add-exports java.base/sun.security.util=ALL-UNNAMED)

die() { echo "verify_bench: $*" >&2; exit 2; }
for tool in hyperfine jq java javac /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool is missing (make deps installs it)"
done
[ -x "$KSDOCTOR" ] || die "$KSDOCTOR not found: run make build first"
mkdir -p "$CLASSES" "$PKI"
# Measure a copy, so that a rebuild while the script runs neither breaks a run nor mixes binaries.
LINKED=$(date -u -r "$KSDOCTOR" +%Y-%m-%dT%H:%M:%SZ)
cp "$KSDOCTOR" "$WORK/ksdoctor"
KSDOCTOR=$WORK/ksdoctor
read -r -a SIZE_LIST <<<"$SIZES"
SMALL=${SIZE_LIST[0]}
LARGE=${SIZE_LIST[${#SIZE_LIST[@]}-1]}

# ---------------------------------------------------------------- inputs

if [ ! -f "$CLASSES/VerifyBenchPki.class" ] || [ bench/VerifyBenchPki.java -nt "$CLASSES/VerifyBenchPki.class" ]; then
  javac -encoding UTF-8 -XDignore.symbol.file=true "${EXPORTS[@]}" -d "$CLASSES" bench/VerifyBenchPki.java
fi
stale=0
[ -s "$PKI/manifest.txt" ] && [ ! "$CLASSES/VerifyBenchPki.class" -nt "$PKI/manifest.txt" ] || stale=1
for n in "${SIZE_LIST[@]}"; do
  grep -q "^store-$n.jks:" "$PKI/manifest.txt" 2>/dev/null && [ -s "$PKI/store-$n.jks" ] || stale=1
done
if [ "$stale" = 1 ]; then
  echo "generating the PKI, the stores ($SIZES) and the trust folder ..." >&2
  rm -f "$PKI/manifest.txt"
  java "${EXPORTS[@]}" -cp "$CLASSES" VerifyBenchPki "$PKI" "${SIZE_LIST[@]}" >&2
fi
TRUST=$PKI/trust
TRUST_FILES=$(find "$TRUST" -name '*.pem' | wc -l)

# ---------------------------------------------------------------- cases

export KSDOCTOR_STOREPASS=$PASS
declare -a CASE_NAMES CASE_ARGS CASE_ENTRIES CASE_TRUST
add_case() { # NAME ENTRIES TRUST-COUNT ARGS...
  CASE_NAMES+=("$1"); CASE_ENTRIES+=("$2"); CASE_TRUST+=("$3"); shift 3
  CASE_ARGS+=("$*")
}
for n in "${SIZE_LIST[@]}"; do
  add_case "store-$n + trust" "$n" "$TRUST_FILES" verify "$PKI/store-$n.jks" --trust "$TRUST" --at "$AT"
done
add_case "store-$LARGE, no --trust" "$LARGE" 0 verify "$PKI/store-$LARGE.jks" --at "$AT"

# Exit status 1 only means "problems found"; anything else means ksdoctor could not do the job.
declare -a CASE_SUMMARY
for i in "${!CASE_NAMES[@]}"; do
  rc=0
  # shellcheck disable=SC2086  # the arguments are paths without spaces, split on purpose
  "$KSDOCTOR" ${CASE_ARGS[$i]} </dev/null >/dev/null || rc=$?
  [ "$rc" -le 1 ] || die "ksdoctor ${CASE_ARGS[$i]} failed (exit $rc)"
  rc=0
  # shellcheck disable=SC2086
  json=$("$KSDOCTOR" ${CASE_ARGS[$i]} --format json </dev/null) || rc=$?
  [ "$rc" -le 1 ] || die "ksdoctor ${CASE_ARGS[$i]} --format json failed (exit $rc)"
  # A short account of the result: how many chains are complete, reach a root, end at a trusted
  # root, have every signature right; the findings by code.
  CASE_SUMMARY+=("$(jq -r '(.entries // []) as $e | def n(f): [$e[] | select(f)] | length;
      "\($e | length) entries: \(n(.complete)) complete, \(n(.reaches_root)) reach a root, \(n(.root_trusted)) root trusted, \(n(.signatures_ok)) all signatures ok; findings: \((.findings // []) | group_by(.code) | map("\(length) \(.[0].code)") | join(", ") | if . == "" then "none" else . end)"' \
      <<<"$json" 2>/dev/null || echo '?') (exit $rc)")
  echo "== ${CASE_NAMES[$i]}: ${CASE_SUMMARY[$i]}" >&2
done

# ---------------------------------------------------------------- measuring

median_ms() { # PREFIX INDEX
  jq -s "[.[].results[$2].times[]] | sort | if length % 2 == 1 then .[length / 2 | floor]
         else (.[length / 2 - 1] + .[length / 2]) / 2 end * 1000" "$1".*
}
min_ms() { # PREFIX INDEX: the fastest run, less sensitive than the median to other jobs' load
  jq -s "[.[].results[$2].times[]] | min * 1000" "$1".*
}
per_round() { echo $(( ($1 + ROUNDS - 1) / ROUNDS )); }
peak_rss_kb() { # RUNS command...: the largest and the median %M over RUNS runs
  local runs=$1; shift
  local values=() out
  for _ in $(seq "$runs"); do
    out=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null </dev/null || true)
    values+=("$(tail -n 1 <<<"$out")")
  done
  printf '%s\n' "${values[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%d %d\n", v[NR], v[int((NR+1)/2)]}'
}
fmt() { printf '%.1f' "$1"; }
fmt3() { printf '%.3f' "$1"; }

# Every round runs every command (text and JSON of every case), so that a change of the machine's
# load meanwhile weighs on all sizes alike and the growth ratio stays fair.
out=$WORK/hyperfine
rm -f "$out".*
cmds=()
for i in "${!CASE_NAMES[@]}"; do
  cmds+=(-n "${CASE_NAMES[$i]} text" "$KSDOCTOR ${CASE_ARGS[$i]}")
  cmds+=(-n "${CASE_NAMES[$i]} json" "$KSDOCTOR ${CASE_ARGS[$i]} --format json")
done
for r in $(seq "$ROUNDS"); do
  echo "-- round $r of $ROUNDS" >&2
  hyperfine -N -i --style basic --warmup 1 --runs "$(per_round "$RUNS")" --export-json "$out.$r" "${cmds[@]}" >&2
done

declare -a TEXT_MS JSON_MS ROWS CHECKS
for i in "${!CASE_NAMES[@]}"; do
  TEXT_MS[i]=$(median_ms "$out" $((2 * i)))
  JSON_MS[i]=$(median_ms "$out" $((2 * i + 1)))
  text_min=$(min_ms "$out" $((2 * i))); json_min=$(min_ms "$out" $((2 * i + 1)))
  # shellcheck disable=SC2086
  read -r rss_text rss_text_med < <(peak_rss_kb "$RSS_RUNS" "$KSDOCTOR" ${CASE_ARGS[$i]})
  # shellcheck disable=SC2086
  read -r rss_json rss_json_med < <(peak_rss_kb "$RSS_RUNS" "$KSDOCTOR" ${CASE_ARGS[$i]} --format json)
  n=${CASE_ENTRIES[$i]}
  ROWS+=("| ${CASE_NAMES[$i]} | $n | ${CASE_TRUST[$i]} | $(fmt "${TEXT_MS[$i]}") ($(fmt "$text_min")) | $(fmt "${JSON_MS[$i]}") ($(fmt "$json_min")) | $(fmt3 "$(jq -n "${TEXT_MS[$i]} / $n")") | $(fmt3 "$(jq -n "${JSON_MS[$i]} / $n")") | $rss_text ($rss_text_med) | $rss_json ($rss_json_med) |")
done

# Growth over the sizes with the trust folder (cases 0 .. ${#SIZE_LIST[@]}-1).
last=$(( ${#SIZE_LIST[@]} - 1 ))
GROWTH=()
if [ "$last" -gt 0 ]; then
  expect=$(jq -n "$LARGE / $SMALL")
  g_text=$(jq -n "${TEXT_MS[$last]} / ${TEXT_MS[0]}"); g_json=$(jq -n "${JSON_MS[$last]} / ${JSON_MS[0]}")
  GROWTH+=("- time store-$LARGE / store-$SMALL (with the trust folder): text $(fmt "$g_text")×, json $(fmt "$g_json")× (linear: $(fmt "$expect")×; the fixed cost — start-up, reading the $TRUST_FILES trust certificates — pulls it below)")
  for j in $(seq 1 "$last"); do
    dn=$(( SIZE_LIST[j] - SIZE_LIST[j-1] ))
    GROWTH+=("- marginal cost store-${SIZE_LIST[$((j-1))]} → store-${SIZE_LIST[$j]}: text $(fmt3 "$(jq -n "(${TEXT_MS[$j]} - ${TEXT_MS[$((j-1))]}) / $dn")") ms per entry, json $(fmt3 "$(jq -n "(${JSON_MS[$j]} - ${JSON_MS[$((j-1))]}) / $dn")") ms per entry")
  done
  # Linear (or better): the largest/smallest ratio is at most 10 % above the size ratio.
  CHECKS+=("growth store-$LARGE / store-$SMALL: text $(fmt "$g_text")×, json $(fmt "$g_json")× vs $(fmt "$expect")× for linear (met if ≤ 1.1 × linear): $(jq -rn "if $g_text <= 1.1 * $expect and $g_json <= 1.1 * $expect then \"met\" else \"MISSED\" end")")
fi
CHECKS+=("store-$LARGE + trust folder: text $(fmt "${TEXT_MS[$last]}") ms, json $(fmt "${JSON_MS[$last]}") ms (target ≤ $TARGET_MS ms): $(jq -rn "if ${TEXT_MS[$last]} <= $TARGET_MS and ${JSON_MS[$last]} <= $TARGET_MS then \"met\" else \"MISSED\" end")")

# ---------------------------------------------------------------- report

machine() {
  local cpu mem
  cpu=$(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
  mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
  echo "- CPU: ${cpu:-unknown}, $(nproc) cores available; RAM $mem; $(uname -sr)"
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"); hyperfine $(hyperfine --version | awk '{print $2}')"
  echo "- ksdoctor: $BUILD/ksdoctor (linked $LINKED, measured as a copy), $(grep -m1 CMAKE_BUILD_TYPE: "$BUILD_DIR/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?') build, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes')"
  echo "- load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-minute load average at the end)"
}

generated() {
  echo "<!-- BEGIN VERIFY GENERATED by bench/verify_bench.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ) -->"
  echo
  echo "Inputs (\`$(realpath --relative-to="$ROOT" "$PKI" 2>/dev/null || echo "$PKI")/manifest.txt\`):"
  echo
  grep -E '^(trust/|store-)' "$PKI/manifest.txt" | sed 's/^/- /'
  echo
  echo "Wall time in ms: median over $(( $(per_round "$RUNS") * ROUNDS )) runs (hyperfine), fastest run in parentheses; per entry: median / entries. Peak resident memory in KB (\`/usr/bin/time -f %M\`), largest of $RSS_RUNS runs (median in parentheses)."
  echo
  echo "| case | key entries | trust certs | text ms (fastest) | json ms (fastest) | text ms/entry | json ms/entry | peak RSS text | peak RSS json |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  if [ "${#GROWTH[@]}" -gt 0 ]; then
    echo "Growth:"
    echo
    printf '%s\n' "${GROWTH[@]}"
    echo
  fi
  echo "Results (from the JSON report):"
  echo
  for i in "${!CASE_NAMES[@]}"; do echo "- ${CASE_NAMES[$i]}: ${CASE_SUMMARY[$i]}"; done
  echo
  echo "Targets:"
  echo
  printf -- '- %s\n' "${CHECKS[@]}"
  echo
  echo "Commands (\`KSDOCTOR_STOREPASS=$PASS\` in the environment, stdin not a terminal):"
  echo
  echo '```'
  echo "# $ROUNDS rounds, each: hyperfine -N --warmup 1 --runs $(per_round "$RUNS") over all the commands below"
  echo "ksdoctor verify store-N.jks --trust trust/ --at $AT [--format json]   # N = ${SIZES// /, }"
  echo "ksdoctor verify store-$LARGE.jks --at $AT [--format json]"
  echo "/usr/bin/time -f %M ksdoctor verify ...   # $RSS_RUNS runs each"
  echo '```'
  echo
  echo "Machine:"
  echo
  machine
  echo
  echo "<!-- END VERIFY GENERATED -->"
}

# The section's fixed text, written when RESULTS.md has no verify section yet (kept afterwards).
section_intro() {
  cat <<'EOF'
## `ksdoctor verify`

Produced by `bench/verify_bench.sh` (`make bench-verify` runs it after `make build`). The script
generates the inputs once with `bench/VerifyBenchPki.java` (15 s on 2 quiet cores, ≈ 1 min when
loaded) and caches them in `build/bench/verify/pki/`:

- a PKI, all RSA 2048: one root, two policy CAs (policy 2 under policy 1 under the root) and 20
  issuing CAs — 12 under the root, 5 under policy 1, 3 under policy 2 — so a full path is 3, 4 or 5
  certificates long;
- **store-N.jks** (N = 1 250, 2 500, 5 000; JKS, `changeit`): N private-key entries, each a distinct
  leaf (CN=host-i.example.com, serverAuth, digitalSignature, SKI/AKI, valid at 2030-01-01) issued
  by a seeded choice of issuing CA. All leaves certify one shared EC P-256 key (generating thousands
  of keys would take minutes). The stored chain goes up to the root in ≈ 45 % of the entries, stops
  below the root in ≈ 45 %, is the leaf alone in ≈ 5 %, and lacks the issuing CA in ≈ 5 %;
  the smaller stores are the first N entries of the largest. Other entries' chains hold every CA
  of the PKI, so a CA missing from one entry's chain is also found in the keystore itself
  (reported as MISSING_INTERMEDIATE … found in keystore entry …);
- **trust/**: 10 000 single-certificate PEM files — the 23 CAs of the PKI and 9 977 unrelated
  self-signed CAs (a handful of RSA 2048 / EC P-256 keys, distinct subjects and SKIs).

Every entry's chain is rebuilt from the stored chain, the keystore's certificates and the `--trust`
folder, and every signature on it is checked. The store without `--trust` is measured too, for the
cost of the folder itself. The target: ≤ 0.3 s for the 5 000-entry store with the trust folder, and
linear growth in the number of entries.

The block below is rewritten by every run of the script; the text around it is not.

EOF
}

block=$WORK/results-block.md
generated >"$block"
cat "$block"
if [ "$RESULTS" != "-" ]; then
  if [ -f "$RESULTS" ] && grep -q '<!-- BEGIN VERIFY GENERATED' "$RESULTS"; then
    awk -v block="$block" '
      /<!-- BEGIN VERIFY GENERATED/ {while ((getline line < block) > 0) print line; skip = 1; next}
      /<!-- END VERIFY GENERATED -->/ {skip = 0; next}
      !skip {print}' "$RESULTS" >"$RESULTS.tmp"
    mv "$RESULTS.tmp" "$RESULTS"
  else
    { [ -s "$RESULTS" ] && echo; section_intro; cat "$block"; } >>"$RESULTS"
  fi
  echo "figures written to ${RESULTS#"$ROOT"/}" >&2
fi
