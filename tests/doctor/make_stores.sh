#!/usr/bin/env bash
# Builds, once per test run, the keystore variants and PEM files tests/doctor/gen_trees.py puts into
# its install trees (each tree copies one of them; nothing is generated per tree):
#
#   good.ks      JKS: key 'smtp' (dlp-gateway.example.com -> DLP Test Issuing CA -> DLP Test Root
#                CA), trusted 'dlp-test-root-ca', 'partner-root-ca'
#   leafonly.ks  the same with the key entry's chain only its leaf
#   expired.ks   the same as good.ks with a leaf valid 2020-01-01 .. 2025-01-01 (full chain)
#   peer-full.pem  mail.partner.example's leaf + Partner Issuing CA (Java trusts it with any variant)
#   peer-leaf.pem  the leaf only (Java, with a variant as truststore, lacks Partner Issuing CA)
#   bundle.pem     DLP Test Issuing CA + Partner Issuing CA (the --trust source)
#
#   make_stores.sh OUT_DIR      (needs openssl and keytool; store and key password changeit)
set -euo pipefail
OUT=$1
rm -rf "$OUT"
CA=$OUT/ca
PW=changeit
# shellcheck source=../../fixtures/ca_config.sh
source "$(cd "$(dirname "$0")/../../fixtures" && pwd)/ca_config.sh"
write_ca_config "$CA" 3000

quiet() {  # run quietly, show the output when it fails
  if ! "$@" >"$OUT/cmd.log" 2>&1; then
    cat "$OUT/cmd.log" >&2
    echo "make_stores.sh: failed: $*" >&2
    exit 1
  fi
}
# issue NAME SUBJECT EXT START END [ISSUER]
issue() {
  local name=$1 subj=$2 ext=$3 start=$4 end=$5 issuer=${6:-}
  quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$CA/$name.key.pem"
  quiet openssl req -new -config "$CA/ca.cnf" -key "$CA/$name.key.pem" -subj "$subj" \
      -out "$CA/$name.csr"
  if [[ -z "$issuer" ]]; then
    quiet openssl ca -batch -config "$CA/ca.cnf" -selfsign -keyfile "$CA/$name.key.pem" \
        -in "$CA/$name.csr" -out "$CA/$name.crt.pem" -startdate "$start" -enddate "$end" \
        -extensions "$ext" -notext
  else
    quiet openssl ca -batch -config "$CA/ca.cnf" -cert "$CA/$issuer.crt.pem" \
        -keyfile "$CA/$issuer.key.pem" -in "$CA/$name.csr" -out "$CA/$name.crt.pem" \
        -startdate "$start" -enddate "$end" -extensions "$ext" -notext
  fi
}
LONG=(20200101000000Z 21200101000000Z)
issue dlp-root "/C=US/O=DLP Test/CN=DLP Test Root CA" v3_root "${LONG[@]}"
issue dlp-issuing "/C=US/O=DLP Test/CN=DLP Test Issuing CA" v3_intermediate "${LONG[@]}" dlp-root
LEAF_DNS=dlp-gateway.example.com issue gateway "/C=US/O=Example Corp/CN=dlp-gateway.example.com" \
    v3_server "${LONG[@]}" dlp-issuing
LEAF_DNS=dlp-gateway.example.com issue gateway-expired \
    "/C=US/O=Example Corp/CN=dlp-gateway.example.com" v3_server 20200101000000Z \
    20250101000000Z dlp-issuing
issue partner-root "/C=US/O=Partner Inc/CN=Partner Root CA" v3_root "${LONG[@]}"
issue partner-issuing "/C=US/O=Partner Inc/CN=Partner Issuing CA" v3_intermediate "${LONG[@]}" \
    partner-root
LEAF_DNS=mail.partner.example issue partner-mta "/C=US/O=Partner Inc/CN=mail.partner.example" \
    v3_server "${LONG[@]}" partner-issuing

kt() { quiet keytool -J-Duser.language=en "$@"; }
# store NAME LEAF [CHAIN]: key 'smtp' (LEAF's key, chain LEAF + CHAIN) and the two trusted roots
store() {
  local name=$1 leaf=$2 chain=${3:-} p12=$OUT/ca/$1.p12
  quiet openssl pkcs12 -export -out "$p12" -inkey "$CA/$leaf.key.pem" -in "$CA/$leaf.crt.pem" \
      ${chain:+-certfile "$chain"} -name smtp -passout "pass:$PW"
  kt -importkeystore -noprompt -srckeystore "$p12" -srcstoretype PKCS12 -srcstorepass "$PW" \
      -destkeystore "$OUT/$name.ks" -deststoretype JKS -deststorepass "$PW" -destkeypass "$PW"
  kt -importcert -noprompt -keystore "$OUT/$name.ks" -storetype JKS -storepass "$PW" \
      -alias dlp-test-root-ca -file "$CA/dlp-root.crt.pem"
  kt -importcert -noprompt -keystore "$OUT/$name.ks" -storetype JKS -storepass "$PW" \
      -alias partner-root-ca -file "$CA/partner-root.crt.pem"
}
cat "$CA/dlp-issuing.crt.pem" "$CA/dlp-root.crt.pem" >"$CA/dlp-chain.pem"
store good gateway "$CA/dlp-chain.pem"
store leafonly gateway
store expired gateway-expired "$CA/dlp-chain.pem"

cat "$CA/partner-mta.crt.pem" "$CA/partner-issuing.crt.pem" >"$OUT/peer-full.pem"
cp "$CA/partner-mta.crt.pem" "$OUT/peer-leaf.pem"
cat "$CA/dlp-issuing.crt.pem" "$CA/partner-issuing.crt.pem" >"$OUT/bundle.pem"
rm -f "$OUT/cmd.log"
