#!/usr/bin/env bash
# convert, checked by a JVM: every fixture keystore Java can open (with its store and key
# password) is converted to JKS, JCEKS and PKCS#12; CompareStores must see the same aliases,
# kinds, chains, dates and private key bytes; keytool -list must read the result. Secret-key
# stores are converted only where ksdoctor supports it and must otherwise fail with exit 2.
#   convert_roundtrip.sh KSDOCTOR SOURCE_DIR WORK_DIR
set -uo pipefail
KSDOCTOR=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/classes"
javac -d "$WORK/classes" "$SRC/tests/java/CompareStores.java" || exit 1
pass=0 fail=0
while IFS=$'\t' read -r file type storepass keypass _; do
  [[ $storepass == "''" || $storepass == "-" ]] && continue
  [[ $keypass == "-" ]] && keypass=$storepass
  case $file in
    *duplicate-alias* | *key-cert-mismatch* | *raw-* | *passwordless* | *nomac* | *openssl-* | \
      *uppercase-alias* | *many-entries* | *empty*) continue ;;  # not loadable/ambiguous for Java
  esac
  for to in jks jceks pkcs12; do
    out="$WORK/$(basename "$file").$to"
    if ! KSDOCTOR_STOREPASS=$storepass KP=$keypass "$KSDOCTOR" convert "$SRC/fixtures/$file" \
      --to "$to" --out "$out" --keypass-env KP > "$out.log" 2>&1; then
      if grep -q "secret key" "$out.log" && [[ $to != pkcs12 || $file == *jceks* ]]; then
        echo "ok   $file -> $to (refused: $(tail -1 "$out.log"))"
        pass=$((pass + 1))
        continue
      fi
      echo "FAIL $file -> $to: $(tail -1 "$out.log")"
      fail=$((fail + 1))
      continue
    fi
    if [[ $(stat -c %a "$out") != 600 ]]; then
      echo "FAIL $file -> $to: mode $(stat -c %a "$out")"
      fail=$((fail + 1))
      continue
    fi
    if ! keytool -list -keystore "$out" -storepass "$storepass" > /dev/null 2>&1; then
      echo "FAIL $file -> $to: keytool -list refuses it"
      fail=$((fail + 1))
      continue
    fi
    result=$(java -cp "$WORK/classes" CompareStores "$SRC/fixtures/$file" "$out" "$storepass" \
      "$keypass" 2>&1)
    if [[ $result == OK* ]]; then
      echo "ok   $file -> $to ($result)"
      pass=$((pass + 1))
    else
      echo "FAIL $file -> $to: $result"
      fail=$((fail + 1))
    fi
  done
done < "$SRC/fixtures/manifest.tsv"
echo "convert round trip: $pass ok, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
