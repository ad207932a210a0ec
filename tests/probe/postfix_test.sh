#!/bin/bash
# ksdoctor probe against a real MTA: a private Postfix instance (tests/probe/postfix_env.sh) with
# a full chain, the leaf only, only TLS 1.0/1.1, only CAMELLIA/ARIA suites, and no TLS. In every
# case a Java 17 client (tests/java/SmtpStartTls.java, SSLContext "TLS", the same truststore)
# must agree with ksdoctor's verdict, message and negotiated protocol/suite; the enumeration is
# cross-checked against sslscan. The instance is stopped on every exit.
#   postfix_test.sh KSDOCTOR JAVA JAVA_CLASSES WORKDIR BASEPORT
set -u
KSDOCTOR=$1 JAVA=$2 CLASSES=$3 WORK=$4 BASE=$5
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null; then
  echo "skip: needs root and Postfix (make deps installs it)"
  exit 77
fi
rm -rf "$WORK" && mkdir -p "$WORK"
if [ "$BASE" = auto ]; then  # five consecutive free ports on 127.0.0.1
  BASE=$(/usr/bin/python3 - <<'PY'
import socket, random
for _ in range(200):
    base = random.randrange(20000, 60000)
    try:
        socks = []
        for p in range(base, base + 5):
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
)
fi
# shellcheck source=postfix_env.sh
source "$HERE/postfix_env.sh"
trap postfix_stop EXIT
trap "exit 1" INT TERM  # so that a ctest timeout stops Postfix too
postfix_setup "$WORK" "$BASE" || { echo "FAIL: Postfix did not start"; exit 1; }

export PROBE_PASS=changeit
keytool -importcert -noprompt -alias root -file "$PKI/root.pem" -keystore "$WORK/trust.p12" \
  -storetype PKCS12 -storepass "$PROBE_PASS" >/dev/null 2>&1 || { echo "FAIL: keytool"; exit 1; }

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# probe CASE PORT [ARGS...]: ksdoctor's JSON in $WORK/CASE.json, exit status in $WORK/CASE.rc
probe() {
  local name=$1 port=$2
  shift 2
  "$KSDOCTOR" probe 127.0.0.1:"$port" --keystore "$WORK/trust.p12" --storepass-env PROBE_PASS \
    --format json --timeout 5 "$@" >"$WORK/$name.json" 2>"$WORK/$name.err"
  echo $? >"$WORK/$name.rc"
}

# java_agrees CASE PORT: the Java client's line against ksdoctor's JSON.
java_agrees() {
  local name=$1 port=$2 line
  line=$("$JAVA" -cp "$CLASSES" SmtpStartTls 127.0.0.1 "$port" "$WORK/trust.p12" "$PROBE_PASS" 2>&1)
  echo "  java: $line"
  local verdict protocol cipher message
  verdict=$(jq -r .java.verdict "$WORK/$name.json")
  message=$(jq -r .java.message "$WORK/$name.json")
  [[ "$line" == *"verdict=$verdict"* ]] || fail "$name: ksdoctor says $verdict, Java: $line"
  if [ "$verdict" != handshake_fails ]; then
    protocol=$(jq -r .java.negotiated.protocol "$WORK/$name.json")
    cipher=$(jq -r .java.negotiated.cipher "$WORK/$name.json")
    [[ "$line" == "protocol=$protocol cipher=$cipher "* ]] ||
      fail "$name: ksdoctor negotiates $protocol $cipher, Java: $line"
  fi
  if [ "$verdict" != trusted ]; then
    [[ "$line" == *"message=$message" ]] || fail "$name: ksdoctor's message '$message', Java: $line"
  fi
}

has_finding() { jq -e --arg c "$2" '[.findings[].code] | index($c)' "$WORK/$1.json" >/dev/null; }

check() {  # CASE RC VERDICT FINDINGS...
  local name=$1 rc=$2 verdict=$3
  shift 3
  [ "$(cat "$WORK/$name.rc")" = "$rc" ] || fail "$name: exit $(cat "$WORK/$name.rc"), want $rc: $(cat "$WORK/$name.err")"
  [ "$(jq -r .java.verdict "$WORK/$name.json" 2>/dev/null)" = "$verdict" ] || fail "$name: verdict $(jq -r .java.verdict "$WORK/$name.json" 2>/dev/null), want $verdict"
  for code in "$@"; do has_finding "$name" "$code" || fail "$name: no $code finding"; done
  echo "case $name: exit $(cat "$WORK/$name.rc"), $(jq -c '[.java.verdict, .java.negotiated, [.findings[].code]]' "$WORK/$name.json")"
}

# 1. the full chain: trusted; enumeration cross-checked with sslscan, bounded to 15 s.
start=$(date +%s)
probe full "$PORT_FULL" --save-chain "$WORK/full-chain.pem"
elapsed=$(($(date +%s) - start))
check full 0 trusted
java_agrees full "$PORT_FULL"
[ "$elapsed" -le 16 ] || fail "full: the probe with enumeration took $elapsed s"
[ "$(jq -r .enumeration_complete "$WORK/full.json")" = true ] || fail "full: enumeration incomplete"
[ "$(grep -c 'BEGIN CERTIFICATE' "$WORK/full-chain.pem")" = 2 ] || fail "full: --save-chain"
[ "$(jq '.chain | length' "$WORK/full.json")" = 2 ] || fail "full: chain length"
[ "$(jq -r .tls.group "$WORK/full.json")" = x25519 ] || fail "full: group $(jq -r .tls.group "$WORK/full.json")"

# 2. the leaf only: Java cannot build the path; the intermediate is what is missing.
probe leaf "$PORT_LEAF" --no-enumerate --save-chain "$WORK/leaf-chain.pem"
check leaf 1 untrusted SERVER_CHAIN_INCOMPLETE MISSING_INTERMEDIATE
java_agrees leaf "$PORT_LEAF"
[ "$(grep -c 'BEGIN CERTIFICATE' "$WORK/leaf-chain.pem")" = 1 ] || fail "leaf: --save-chain"
# ... and `verify --peer` on the saved chain says the same as the probe.
"$KSDOCTOR" verify "$WORK/trust.p12" --storepass-env PROBE_PASS --peer "$WORK/leaf-chain.pem" \
  --format json >"$WORK/leaf-verify.json" 2>/dev/null
[ "$(jq -r .java_message "$WORK/leaf-verify.json")" = "$(jq -r .java.message "$WORK/leaf.json")" ] ||
  fail "leaf: verify --peer and probe disagree"

# 3. TLS 1.0/1.1 only: no protocol in common with Java 17.
probe legacy "$PORT_LEGACY"
check legacy 1 handshake_fails NO_PROTOCOL_IN_COMMON_WITH_JAVA LEGACY_PROTOCOL_ENABLED
java_agrees legacy "$PORT_LEGACY"
[ "$(jq -c .protocols "$WORK/legacy.json")" = '{"TLSv1":true,"TLSv1.1":true,"TLSv1.2":false,"TLSv1.3":false}' ] ||
  fail "legacy: protocols $(jq -c .protocols "$WORK/legacy.json")"

# 4. CAMELLIA/ARIA only (TLS 1.2): no suite in common with Java 17.
probe camellia "$PORT_CAMELLIA"
check camellia 1 handshake_fails NO_CIPHER_IN_COMMON_WITH_JAVA
java_agrees camellia "$PORT_CAMELLIA"
jq -e '.ciphers["TLSv1.2"] | length > 0 and all(test("CAMELLIA|ARIA"))' "$WORK/camellia.json" >/dev/null ||
  fail "camellia: suites $(jq -c '.ciphers' "$WORK/camellia.json")"

# 5. no TLS at all: a finding, exit 1.
probe notls "$PORT_NOTLS" --no-enumerate
check notls 1 handshake_fails STARTTLS_NOT_OFFERED

# 6. --as-server: an RSA key entry can serve what the full-chain server accepts; a store
# without key entries cannot.
openssl pkcs12 -export -inkey "$PKI/leaf.key" -in "$PKI/full.pem" -name dlp -out "$WORK/prevent.p12" \
  -passout env:PROBE_PASS 2>/dev/null
probe asserver "$PORT_FULL" --as-server "$WORK/prevent.p12"
[ "$(jq -r .as_server.handshake_possible "$WORK/asserver.json")" = true ] || fail "as-server: RSA key"
probe asserver-none "$PORT_FULL" --as-server "$WORK/trust.p12"
check asserver-none 1 trusted AS_SERVER_NO_KEY_ENTRY

# The enumeration against sslscan's (IANA names) on the full-chain and legacy servers.
# sslscan prints OpenSSL's suite names and "TLSv1.0": both translated to ksdoctor's (IANA, "TLSv1").
openssl ciphers -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' | awk '{ print $3, $1 }' >"$WORK/names"
for name in full legacy camellia; do
  port_var=PORT_${name^^}
  sslscan --starttls-smtp --no-colour --no-heartbleed --no-renegotiation \
    --no-compression --no-check-certificate 127.0.0.1:"${!port_var}" >"$WORK/$name.sslscan" 2>&1
  grep -E '^(Preferred|Accepted) ' "$WORK/$name.sslscan" |
    awk 'NR == FNR { iana[$1] = $2; next }
         { p = $2 == "TLSv1.0" ? "TLSv1" : $2; print p, ($5 in iana ? iana[$5] : $5) }' \
      "$WORK/names" - | sort -u >"$WORK/$name.theirs"
  jq -r '.ciphers | to_entries[] | .key as $p | .value[] | "\($p) \(.)"' "$WORK/$name.json" |
    sort -u >"$WORK/$name.ours"
  if [ ! -s "$WORK/$name.theirs" ] || ! diff -u "$WORK/$name.theirs" "$WORK/$name.ours" >"$WORK/$name.diff"; then
    fail "$name: sslscan and ksdoctor enumerate differently:"; cat "$WORK/$name.diff"
  else
    echo "sslscan agrees on $name: $(wc -l <"$WORK/$name.ours") protocol/suite pairs"
  fi
done

# 7. doctor on an install whose downstream MTA (the leaf-only server) is probed: it names the
# untrusted chain and the key entry's incomplete chain, prints the commands (probe --save-chain,
# repair --peer, repair), and after running them exactly as printed, the recheck is clean and the
# Java client trusts the MTA with the repaired keystore.
FIX=$(cd "$HERE/../../fixtures" && pwd)
rm -rf "$WORK/doctor" && mkdir -p "$WORK/doctor" && cp -a "$FIX/installs/windows-ok" "$WORK/doctor/root"
(
  cd "$WORK/doctor" || exit 1
  export KSDOCTOR_STOREPASS=changeit
  ksdoctor() { "$KSDOCTOR" "$@"; }
  ksdoctor doctor --root root --downstream 127.0.0.1:"$PORT_LEAF" --trust "$PKI/int.pem" \
    --trust "$FIX/pki/intermediate-ca.crt.pem" --timeout 5 --format json >before.json
  echo $? >before.rc
  jq -r '.diagnosis[].commands[]' before.json >commands.txt
  while IFS= read -r cmd; do
    echo "  doctor fix: $cmd"
    eval "$cmd" >/dev/null
    rc=$?  # 1 is "problems found" (the probe of a leaf-only server), 2 is a failure
    [ $rc -le 1 ] || echo "FAILED ($rc): $cmd" >>failed.txt
  done <commands.txt
  eval "$(jq -r .recheck before.json) --format json" >after.json
  echo $? >after.rc
)
D=$WORK/doctor
[ "$(cat "$D/before.rc")" = 1 ] || fail "doctor: exit $(cat "$D/before.rc") before the fixes, want 1"
[ "$(jq -c '[.diagnosis[].code]' "$D/before.json")" = '["KEY_ENTRY_CHAIN_INCOMPLETE","DOWNSTREAM_CHAIN_UNTRUSTED"]' ] ||
  fail "doctor: diagnosis $(jq -c '[.diagnosis[].code]' "$D/before.json")"
[ "$(jq -r '.installs[0].probes[0].probe.java.verdict' "$D/before.json")" = untrusted ] ||
  fail "doctor: the probe's verdict"
[ ! -e "$D/failed.txt" ] || fail "doctor: fix commands failed: $(cat "$D/failed.txt")"
[ "$(cat "$D/after.rc")" = 0 ] || fail "doctor: exit $(cat "$D/after.rc") after the fixes: $(jq -c '[.diagnosis[].code]' "$D/after.json")"
KS="$D/root/ProgramData/Symantec/DataLossPrevention/DetectionServer/15.8.00000/keystore/prevent.ks"
line=$("$JAVA" -cp "$CLASSES" SmtpStartTls 127.0.0.1 "$PORT_LEAF" "$KS" changeit 2>&1)
[[ "$line" == *"verdict=trusted"* ]] || fail "doctor: Java does not trust the MTA after the fixes: $line"
echo "case doctor: $(jq -c '[.diagnosis[].code]' "$D/before.json") -> $(jq -c '[.diagnosis[].code]' "$D/after.json"); java: $line"

[ $failures = 0 ] && echo "all Postfix cases pass" || echo "$failures failure(s)"
exit $((failures > 0))
