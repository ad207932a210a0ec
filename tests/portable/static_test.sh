#!/usr/bin/env bash
# static_test.sh STATIC_KSDOCTOR REFERENCE_KSDOCTOR SOURCE_DIR HELPER_DIR
# The fully static Linux ksdoctor: no dynamic loader needed, and inside a chroot that holds only the
# binary, the fixtures and a minimal /etc, it reads every fixture keystore (the RC2-40 -legacy
# PKCS#12 files too) and every install tree exactly as the normal dynamic build does. HELPER_DIR
# holds the static test helpers portable_legacy_provider and portable_resolve_name (built with the
# same flags), which show the legacy provider is inside libcrypto and that name resolution answers
# from the chroot's /etc/hosts. Needs root (chroot); exits 77 (skipped) otherwise.
set -uo pipefail

usage="usage: static_test.sh STATIC_KSDOCTOR REFERENCE_KSDOCTOR SOURCE_DIR HELPER_DIR"
static=$(realpath "${1:?$usage}")
reference=$(realpath "${2:?$usage}")
source_dir=$(realpath "${3:?$usage}")
helpers=$(realpath "${4:?$usage}")
test_host=ksdoctor-static-test.invalid

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: chroot needs root"
  exit 77
fi
[ -x "$reference" ] || { echo "FAIL: no reference build at $reference (make build)"; exit 1; }

fail() {
  echo "FAIL: $*"
  exit 1
}

# 1. Static: nothing for ld.so to load.
file_says=$(file -b "$static")
case $file_says in
  *"statically linked"* | *"static-pie linked"*) echo "ok: file: $file_says" ;;
  *) fail "file says: $file_says" ;;
esac
ldd_says=$(ldd "$static" 2>&1)
case $ldd_says in
  *"not a dynamic executable"* | *"statically linked"*) echo "ok: ldd: $(echo "$ldd_says" | head -1 | xargs)" ;;
  *) fail "ldd lists libraries: $ldd_says" ;;
esac

# 2. The chroot: binary, helpers, fixtures, /etc with passwd, group, hosts, nsswitch.conf.
jail=$(mktemp -d "${TMPDIR:-/tmp}/ksdoctor-static.XXXXXX")
trap 'rm -rf "$jail"' EXIT
mkdir -p "$jail/etc" "$jail/tmp"
chmod 1777 "$jail/tmp"
cp "$static" "$jail/ksdoctor"
cp "$helpers/portable_resolve_name" "$jail/"
cp -a "$source_dir/fixtures" "$jail/fixtures"
printf 'root:x:0:0:root:/:/ksdoctor\nnobody:x:65534:65534:nobody:/:/ksdoctor\n' >"$jail/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$jail/etc/group"
printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$test_host" >"$jail/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$jail/etc/nsswitch.conf"
echo "chroot: $(cd "$jail" && find . -maxdepth 1 -mindepth 1 | sort | xargs)"

# 3. Legacy provider inside libcrypto, even in a chroot holding nothing but the helper; names from
# the chroot's /etc/hosts.
mkdir "$jail/empty"
cp "$helpers/portable_legacy_provider" "$jail/empty/"
chroot "$jail/empty" /portable_legacy_provider || fail "legacy provider in an empty chroot"
rm -r "$jail/empty"
chroot "$jail" /portable_resolve_name "$test_host" 127.0.0.1 ||
  fail "getaddrinfo($test_host) in the chroot did not read its /etc/hosts"
echo "ok: getaddrinfo($test_host) = 127.0.0.1 from the chroot's /etc/hosts"

# 4. The same JSON and exit status as the dynamic build, fixture by fixture.
run_reference() { (cd "$source_dir" && "$reference" "$@"); }
run_candidate() { chroot "$jail" /ksdoctor "$@"; }
# shellcheck source=fixture_cases.sh
source "$(dirname "$0")/fixture_cases.sh"
cd "$source_dir" || exit 1

for legacy in fixtures/pkcs12/openssl-legacy.p12 fixtures/pkcs12/java-legacy.p12; do
  recovered=$(run_candidate inspect --format json --storepass changeit "$legacy" |
    jq '[.entries[] | select(.key.status == "recovered")] | length')
  [ "${recovered:-0}" -ge 1 ] || fail "$legacy: no key recovered in the chroot"
  echo "ok: $legacy: $recovered key(s) recovered (RC2-40 certificates) in the chroot"
done

compare_all_keystores inspect
compare_all_keystores verify
compare_all_logs
compare_all_installs
finish
