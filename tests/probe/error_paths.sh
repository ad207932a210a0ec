#!/bin/bash
# ksdoctor probe against scripted peers (tests/probe/fake_smtp.py) on 127.0.0.1 and ::1: every
# way the probe cannot run ends with exit 2, exactly one line on stderr naming the cause, within
# the timeout; STARTTLS not advertised is a finding (exit 1), not an error.
#   error_paths.sh KSDOCTOR WORKDIR
set -u
KSDOCTOR=$1
WORK=$2
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$WORK" && mkdir -p "$WORK"
failures=0
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
trap "exit 1" INT TERM

start_peer() {  # MODE ADDRESS → the port in $p
  local portfile=$WORK/$1-${2//:/_}.port
  /usr/bin/python3 "$HERE/fake_smtp.py" "$1" "$2" "$portfile" >>"$WORK/peers.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$portfile" ] && break; sleep 0.05; done
  p=$(cat "$portfile")
}

# expect NAME STATUS PATTERN MAX_SECONDS ARGS...: exit STATUS, stderr one line matching PATTERN
# (for status 2; for status 1 stderr must be empty), finished within MAX_SECONDS.
expect() {
  local name=$1 status=$2 pattern=$3 max=$4
  shift 4
  local start end rc
  start=$(date +%s.%N)
  "$KSDOCTOR" probe "$@" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  end=$(date +%s.%N)
  local lines
  lines=$(wc -l <"$WORK/err")
  local ok=1
  [ "$rc" = "$status" ] || ok=0
  if [ "$status" = 2 ]; then
    [ "$lines" = 1 ] || ok=0
    grep -Eq "$pattern" "$WORK/err" || ok=0
  else
    [ "$lines" = 0 ] || ok=0
    grep -Eq "$pattern" "$WORK/out" || ok=0
  fi
  awk -v s="$start" -v e="$end" -v m="$max" 'BEGIN { exit !(e - s <= m) }' || ok=0
  if [ $ok = 1 ]; then
    echo "ok   $name (exit $rc, $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }') s)"
  else
    echo "FAIL $name: exit $rc (want $status), stderr:"; cat "$WORK/err"; head -5 "$WORK/out"
    failures=$((failures + 1))
  fi
}

# A port nothing listens on: bind one, note it, close it.
free_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

expect refused 2 "connection refused by 127.0.0.1 port $free_port" 5 127.0.0.1:$free_port --timeout 2
# ".." makes the resolver refuse the name itself: no query leaves the machine.
expect dns 2 "cannot resolve no-such-host\.\.invalid" 5 no-such-host..invalid:25 --timeout 2
start_peer silent 127.0.0.1
expect timeout 2 "timeout after 2 s waiting for the SMTP greeting" 4 127.0.0.1:$p --timeout 2
start_peer ssh 127.0.0.1
expect not-smtp 2 "does not speak SMTP: the SMTP greeting was \"SSH-2\.0" 4 127.0.0.1:$p --timeout 2
start_peer banner554 127.0.0.1
expect banner-554 2 "refused the SMTP session: 554 5\.7\.1" 4 127.0.0.1:$p --timeout 2
start_peer 454 127.0.0.1
expect starttls-454 2 "refused STARTTLS: 454 4\.7\.0 TLS not available" 4 127.0.0.1:$p --timeout 2
start_peer reset 127.0.0.1
expect reset 2 "connection reset during the TLS handshake" 6 127.0.0.1:$p --timeout 2
start_peer close 127.0.0.1
expect closed 2 "connection closed by the server during the TLS handshake" 6 127.0.0.1:$p --timeout 2
start_peer no-starttls 127.0.0.1
expect no-starttls 1 "STARTTLS_NOT_OFFERED" 4 127.0.0.1:$p --timeout 2
# IPv6: the same peers on ::1, with the bracketed HOST:PORT form.
if /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1",0))' 2>/dev/null; then
  start_peer no-starttls ::1
  expect ipv6-no-starttls 1 "STARTTLS_NOT_OFFERED" 4 "[::1]:$p" --timeout 2
  start_peer 454 ::1
  expect ipv6-454 2 "refused STARTTLS: 454" 4 "[::1]:$p" --timeout 2
else
  echo "skip ipv6: no ::1 on this machine"
fi
expect usage-port 2 "bad port" 2 127.0.0.1:99999

[ $failures = 0 ] && echo "all error paths pass" || echo "$failures failure(s)"
exit $((failures > 0))
