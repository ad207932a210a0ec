# Sourced by the probe tests: a private Postfix instance on 127.0.0.1 with fixture certificates,
# one smtpd per case on its own port. Never the system's instance: own config_directory,
# queue_directory and data_directory under $WORK; stopped by the caller's trap.
#
#   postfix_setup WORK BASEPORT   → exports PF_CONF, CA files, PORT_FULL ... PORT_CAMELLIA
#   postfix_stop

pki_make() {  # WORK: root → intermediate → leaf (localhost, 127.0.0.1), and an expired leaf
  local d=$1/pki
  mkdir -p "$d"
  (
    cd "$d"
    cat > ca.ext <<'X'
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X
    cat > leaf.ext <<'X'
basicConstraints=CA:false
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
authorityKeyIdentifier=keyid
X
    openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
      -subj "/CN=Probe Test Root" -addext "basicConstraints=critical,CA:true" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout int.key -out int.csr -subj "/CN=Probe Test Intermediate" 2>/dev/null
    openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -out int.pem \
      -days 3650 -extfile ca.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=localhost" 2>/dev/null
    openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -out leaf.pem \
      -days 3650 -extfile leaf.ext 2>/dev/null
    cat leaf.pem int.pem > full.pem
  ) || return 1
}

postfix_setup() {
  local work=$1 base=$2
  PF_CONF=$work/postfix/conf
  local queue=$work/postfix/queue data=$work/postfix/data
  rm -rf "$work/postfix"
  mkdir -p "$PF_CONF" "$queue" "$data"
  chown postfix "$data"
  pki_make "$work" || return 1
  PKI=$work/pki
  PORT_FULL=$base PORT_LEAF=$((base + 1)) PORT_LEGACY=$((base + 2)) PORT_CAMELLIA=$((base + 3))
  PORT_NOTLS=$((base + 4))
  cat > "$PF_CONF/main.cf" <<X
compatibility_level = 3.6
queue_directory = $queue
data_directory = $data
mail_owner = postfix
setgid_group = postdrop
myhostname = probe-test.localdomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file_prefixes = $work/postfix
maillog_file = $work/postfix/maillog
smtpd_tls_security_level = may
smtpd_tls_chain_files = $PKI/leaf.key, $PKI/full.pem
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_loglevel = 0
smtpd_banner = \$myhostname ESMTP probe-test
X
  # One smtpd per case; -o overrides what differs. TLS 1.0/1.1 and CAMELLIA/ARIA need security
  # level 0 on Debian's OpenSSL 3 (SHA-1 signatures, legacy suites).
  cat > "$PF_CONF/master.cf" <<X
127.0.0.1:$PORT_FULL inet n - n - - smtpd
127.0.0.1:$PORT_LEAF inet n - n - - smtpd -o smtpd_tls_chain_files=$PKI/leaf.key,$PKI/leaf.pem
127.0.0.1:$PORT_LEGACY inet n - n - - smtpd -o smtpd_tls_protocols=TLSv1,TLSv1.1,!TLSv1.2,!TLSv1.3 -o tls_medium_cipherlist=DEFAULT:@SECLEVEL=0
127.0.0.1:$PORT_CAMELLIA inet n - n - - smtpd -o smtpd_tls_protocols=TLSv1.2,!TLSv1.3 -o tls_medium_cipherlist=CAMELLIA:ARIA:@SECLEVEL=0
127.0.0.1:$PORT_NOTLS inet n - n - - smtpd -o smtpd_tls_security_level=none
anvil unix - - n - 1 anvil
proxymap unix - - n - - proxymap
tlsmgr unix - - n 1000? 1 tlsmgr
cleanup unix n - n - 0 cleanup
postlog unix-dgram n - n - 1 postlogd
X
  # Postfix reports a fatal configuration error only to syslog or a terminal.
  script -qec "postfix -c $PF_CONF check" /dev/null || return 1
  postfix -c "$PF_CONF" start 2>&1 || return 1
  # master binds the listeners itself before forking smtpd; wait until they answer.
  local i
  for i in $(seq 1 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$PORT_NOTLS) 2>/dev/null && return 0
    sleep 0.1
  done
  echo "postfix did not start listening on 127.0.0.1:$PORT_NOTLS" >&2
  return 1
}

postfix_stop() {
  [ -n "${PF_CONF:-}" ] && postfix -c "$PF_CONF" stop >/dev/null 2>&1 || true
}
