#!/usr/bin/env bash
# Scaling: `ksdoctor inspect` of the 5 000-entry JKS truststore (from `make bench`) against a
# 50 000-entry one holding each of its certificates ten times under new aliases (bench/GrowStore.java:
# Java's own KeyStore writes it in seconds, where generating 50 000 keys would take most of an hour).
# Every entry is parsed, fingerprinted and linted anew; nothing in ksdoctor shares work between
# equal certificates. Prints the median times (hyperfine) and peak RSS (/usr/bin/time).
# Usage: bench/scale.sh   (after `make bench` has made build/bench/stores/truststore-5000.jks)
set -euo pipefail
cd "$(dirname "$0")/.."
ksdoctor=${KSDOCTOR:-build/ksdoctor}
small=build/bench/stores/truststore-5000.jks
[ -f "$small" ] || { echo "run make bench first (it makes $small)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -d "$work" bench/GrowStore.java
java -cp "$work" GrowStore "$small" "$work/ts-5000.jks" JKS 1
java -cp "$work" GrowStore "$small" "$work/ts-50000.jks" JKS 10
export KSDOCTOR_STOREPASS=changeit
hyperfine -N -i --warmup 3 --runs 15 --export-json "$work/h.json" \
  -n "5000 text" "$ksdoctor inspect $work/ts-5000.jks --at 2030-01-01" \
  -n "50000 text" "$ksdoctor inspect $work/ts-50000.jks --at 2030-01-01" \
  -n "5000 json" "$ksdoctor inspect $work/ts-5000.jks --at 2030-01-01 --format json" \
  -n "50000 json" "$ksdoctor inspect $work/ts-50000.jks --at 2030-01-01 --format json" >/dev/null 2>&1
echo "| store, report | median ms | peak RSS KB | file bytes |"
echo "|---|---:|---:|---:|"
for n in 5000 50000; do
  for fmt in text json; do
    ms=$(jq -r --arg c "$n $fmt" '.results[] | select(.command == $c) | .median * 1000 | . * 10 | round / 10' "$work/h.json")
    # exit status 1 (the store has findings) is expected
    rss=$( { /usr/bin/time -f %M "$ksdoctor" inspect "$work/ts-$n.jks" --at 2030-01-01 --format "$fmt" >/dev/null || true; } 2>&1 | tail -1)
    echo "| $n, $fmt | $ms | $rss | $(stat -c %s "$work/ts-$n.jks") |"
  done
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
