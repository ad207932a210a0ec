#!/usr/bin/env bash
# convert of secret keys, checked by a JVM: keys of every algorithm keytool -genseckey and
# -importpass make, in JCEKS and PKCS#12, converted to the other format and back; CompareStores must
# see the same aliases, kinds, dates and key bytes and algorithms, and keytool -list must read each
# result. A key Java's PKCS12 cannot name must be refused as Java refuses it. (Every fixture keystore
# is converted to every type, and judged by a JVM, in tests/roundtrip.) The last line counts the
# secret key conversions the JVM confirmed.
#   secret_keys.sh KSDOCTOR SOURCE_DIR WORK_DIR
set -uo pipefail
KSDOCTOR=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/classes"
javac -d "$WORK/classes" "$SRC/tests/java/CompareStores.java" || exit 1
pass=0 fail=0 secret=0
# Secret keys of every kind keytool -genseckey / -importpass makes, in JCEKS and in PKCS12, each
# converted to the other format and back.
gen="$WORK/genseckey" && mkdir -p "$gen"
algorithms=("AES 128" "AES 192" "AES 256" "DES 56" "DESede 168" "HmacSHA1 160" "HmacSHA224 224"
  "HmacSHA256 256" "HmacSHA384 384" "HmacSHA512 512" "HmacSHA3-256 256" "HmacSHA3-512 512"
  "ARCFOUR 128")
for st in jceks pkcs12; do
  store="$gen/keys.$st"
  for a in "${algorithms[@]}"; do
    read -r alg size <<< "$a"
    keytool -genseckey -keystore "$store" -storetype "$st" -storepass changeit -keypass changeit \
      -alias "${alg,,}-$size" -keyalg "$alg" -keysize "$size" > /dev/null 2>&1 ||
      { echo "FAIL keytool -genseckey $st $a"; fail=$((fail + 1)); }
  done
  printf 'pbe-Secret-1\npbe-Secret-1\n' | keytool -importpass -keystore "$store" -storetype "$st" \
    -storepass changeit -keypass changeit -alias pbe > /dev/null 2>&1 ||
    { echo "FAIL keytool -importpass $st"; fail=$((fail + 1)); }
done
check() {  # check ORIGINAL CONVERTED WHAT
  local result
  if ! keytool -list -keystore "$2" -storepass changeit > /dev/null 2>&1; then
    echo "FAIL $3: keytool -list refuses it"
    fail=$((fail + 1))
    return
  fi
  result=$(java -cp "$WORK/classes" CompareStores "$1" "$2" changeit changeit 2>&1)
  if [[ $result =~ ^OK.*\(([0-9]+)\ secret\ keys\) ]]; then
    echo "ok   $3 ($result)"
    pass=$((pass + 1)) secret=$((secret + BASH_REMATCH[1]))
  else
    echo "FAIL $3: $result"
    fail=$((fail + 1))
  fi
}
convert() {  # convert FROM TO_TYPE OUT
  KSDOCTOR_STOREPASS=changeit KP=changeit "$KSDOCTOR" convert "$1" --to "$2" --out "$3" \
    --keypass-env KP > "$3.log" 2>&1
}
for pair in "jceks pkcs12" "pkcs12 jceks"; do
  read -r from to <<< "$pair"
  if convert "$gen/keys.$from" "$to" "$gen/there.$to" &&
    convert "$gen/there.$to" "$from" "$gen/back.$from"; then
    check "$gen/keys.$from" "$gen/there.$to" "keytool $from -> $to"
    # Against the middle file: a trip through PKCS12 renames some keys as Java's would ("DES" comes
    # back "DES/CBC"), and the bytes were already compared with the original.
    check "$gen/there.$to" "$gen/back.$from" "keytool $from -> $to -> $from"
  else
    echo "FAIL keytool $from -> $to: $(tail -1 "$gen"/*.log)"
    fail=$((fail + 1))
  fi
done

# A key Java's PKCS12 keystore cannot name (no OID for Blowfish): Java refuses it, so must we.
keytool -genseckey -keystore "$gen/blowfish.jceks" -storetype jceks -storepass changeit \
  -keypass changeit -alias bf -keyalg Blowfish -keysize 128 > /dev/null 2>&1
# keytool -importkeystore skips the entry (exit status 0) with Java's reason.
java_says=$(keytool -importkeystore -srckeystore "$gen/blowfish.jceks" -srcstoretype jceks \
  -srcstorepass changeit -destkeystore "$gen/blowfish-java.p12" -deststoretype pkcs12 \
  -deststorepass changeit -noprompt 2>&1)
if [[ $java_says != *"unrecognized algorithm name: Blowfish"* ]]; then
  echo "FAIL Java itself stored a Blowfish key in PKCS12: the refusal below is wrong"
  fail=$((fail + 1))
fi
convert "$gen/blowfish.jceks" pkcs12 "$gen/blowfish.p12"
status=$?
if [[ $status -eq 2 && ! -e $gen/blowfish.p12 ]] && grep -q "Blowfish" "$gen/blowfish.p12.log"; then
  echo "ok   Blowfish JCEKS -> pkcs12 refused: $(tail -1 "$gen/blowfish.p12.log")"
  pass=$((pass + 1))
else
  echo "FAIL Blowfish JCEKS -> pkcs12: exit $status, $(tail -1 "$gen/blowfish.p12.log")"
  fail=$((fail + 1))
fi

echo "convert round trip: $pass ok, $fail failed; $secret secret keys converted between JCEKS and" \
  "PKCS12 and confirmed by Java"
[[ $fail -eq 0 && $pass -gt 0 && $secret -gt 0 ]]
