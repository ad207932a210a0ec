# shellcheck shell=bash
# Sourced by static_test.sh and windows_test.sh: every fixture keystore and install tree, run through
# a reference ksdoctor (the normal dynamic build) and a candidate (static or .exe), compared by exit
# status, JSON output and error messages. The caller defines run_reference ARGS... and run_candidate
# ARGS...; both run in the source tree (the parent of fixtures/), so paths in the JSON are equal.

failures=0
cases=0

# compare_case ARGS...: one ksdoctor invocation on both builds: exit status, stdout, stderr.
compare_case() {
  local expected actual expected_status actual_status expected_err actual_err
  expected_err=$(mktemp)
  actual_err=$(mktemp)
  expected=$(run_reference "$@" 2>"$expected_err")
  expected_status=$?
  actual=$(run_candidate "$@" 2>"$actual_err")
  actual_status=$?
  cases=$((cases + 1))
  if [ -z "$expected" ] && [ ! -s "$expected_err" ]; then
    failures=$((failures + 1))
    echo "NO OUTPUT from the reference: ksdoctor $*"
  elif [ "$expected_status" != "$actual_status" ] || [ "$expected" != "$actual" ] ||
    ! diff -q "$expected_err" "$actual_err" >/dev/null; then
    failures=$((failures + 1))
    echo "DIFFERS: ksdoctor $* (exit $expected_status vs $actual_status)"
    diff <(echo "$expected"; cat "$expected_err") <(echo "$actual"; cat "$actual_err") |
      head -20
  fi
  rm -f "$expected_err" "$actual_err"
}

# keystore_password FILE: the store password from fixtures/manifest.tsv ('' = empty), changeit for
# the stores the manifest leaves out (the refused-*.p12 and the install trees' prevent.ks).
keystore_password() {
  local relative=${1#fixtures/} line
  line=$(awk -F'\t' -v f="$relative" '$1 == f {print $3 "\t" $4}' fixtures/manifest.tsv)
  if [ -z "$line" ]; then
    printf 'changeit\tchangeit\n'
  else
    printf '%s\n' "$line" | sed "s/''//g"
  fi
}

# compare_all_keystores COMMAND...: `ksdoctor COMMAND --format json` on every fixture keystore.
compare_all_keystores() {
  local file passwords storepass keypass
  while IFS= read -r -d '' file; do
    passwords=$(keystore_password "$file")
    storepass=${passwords%%$'\t'*}
    keypass=${passwords#*$'\t'}
    if [ "$keypass" = "-" ] || [ "$keypass" = "$storepass" ]; then
      compare_case "$@" --format json --storepass "$storepass" "$file"
    else
      compare_case "$@" --format json --storepass "$storepass" --keypass "$keypass" "$file"
    fi
  done < <(find fixtures -type f \( -name '*.jks' -o -name '*.jceks' -o -name '*.p12' \
             -o -name '*.pfx' -o -name '*.ks' \) -print0 | sort -z)
}

# compare_all_installs: `ksdoctor locate --root DIR --format json` on every install tree, and
# `doctor` on each of them and on the demo install (at a fixed time: its JSON names the time).
compare_all_installs() {
  local root
  for root in fixtures/installs/*/; do
    compare_case locate --format json --root "${root%/}"
    compare_case doctor --format json --no-network --at 2026-12-01T00:00:00Z --storepass changeit \
      --root "${root%/}"
  done
  compare_case doctor --format json --no-network --at 2026-12-01T00:00:00Z --storepass changeit \
    --root fixtures/demo/tree --peer mail.partner.example=fixtures/demo/downstream-chain.pem \
    --trust fixtures/demo/ca-bundle.pem
}

# compare_all_logs: `ksdoctor logs --format json` on every SMTP log fixture and the rotated folder
# (plain, CRLF, cut, gzip; both line formats).
compare_all_logs() {
  local file
  for file in fixtures/logs/article/*.log fixtures/logs/variants/*.log; do
    compare_case logs --format json "$file"
  done
  compare_case logs --format json fixtures/logs/rotated
  compare_case logs fixtures/logs/rotated --since 2022-07-01
}

finish() {
  echo "$cases cases compared, $failures differ"
  [ "$failures" -eq 0 ]
}
