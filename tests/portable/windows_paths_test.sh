#!/usr/bin/env bash
# windows_paths_test.sh WINE_RUN KSDOCTOR_EXE REFERENCE_KSDOCTOR SOURCE_DIR SDDL_HELPER PREFIX
# ksdoctor.exe on Windows paths, under Wine in its own WINEPREFIX (PREFIX, created on first use):
#  1. DLP install trees planted in C:\Program Files and C:\ProgramData are found by `locate` with
#     no --root (the known folders only, never all of Z:); a misplaced prevent.ks is reported and
#     put in place by --fix;
#  2. --fix replacing a configured prevent.ks keeps a backup and the replaced file's DACL (set to a
#     distinctive one first; read back by SDDL_HELPER, the portable_sddl program);
#  3. --properties given as C:\...\Protect.properties infers its install (drive letter, backslashes);
#  4. --storepass-file whose line ends in CR LF;
#  5. keystore paths with non-ASCII names (Prüfung, 日本), relative and as C:\ paths: same JSON as
#     the Linux build;
#  6. --trust system reads crypt32's ROOT and CA stores: a leaf claiming a real root of the host's
#     CA bundle (which Wine's ROOT store holds) as issuer is caught as a bad signature, as on Linux.
set -uo pipefail

usage="usage: windows_paths_test.sh WINE_RUN KSDOCTOR_EXE REFERENCE_KSDOCTOR SOURCE_DIR SDDL_HELPER PREFIX"
wine_run=$(realpath "${1:?$usage}")
exe=$(realpath "${2:?$usage}")
reference=$(realpath "${3:?$usage}")
source_dir=$(realpath "${4:?$usage}")
sddl=$(realpath "${5:?$usage}")
export KSDOCTOR_WINEPREFIX=$(realpath -m "${6:?$usage}")
export LC_ALL=C.UTF-8
[ -x "$reference" ] || { echo "FAIL: no reference build at $reference (make build)"; exit 1; }
command -v jq >/dev/null || { echo "FAIL: jq missing (apt-get install jq)"; exit 1; }

failures=0
ok() { echo "ok: $*"; }
bad() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
ksdoctor() { "$wine_run" "$exe" "$@"; }
sddl_of() { "$wine_run" "$sddl" get "$1" | tr -d '\r'; }

# The prefix (wineboot on first use), then a clean C:\ with nothing of DLP's in it.
"$wine_run" "$sddl" get 'C:\windows\win.ini' >/dev/null 2>&1
drive_c=$KSDOCTOR_WINEPREFIX/drive_c
[ -d "$drive_c/Program Files" ] && [ -d "$drive_c/ProgramData" ] ||
  { echo "FAIL: no C:\\Program Files or C:\\ProgramData in $KSDOCTOR_WINEPREFIX"; exit 1; }
work=$drive_c/ksdoctor-test
clean() { rm -rf "$drive_c/Program Files/Symantec" "$drive_c/ProgramData/Symantec" "$work"; }
clean
trap clean EXIT
mkdir -p "$work"
plant() {
  clean
  mkdir -p "$work"
  cp -a "$source_dir/fixtures/installs/$1/Program Files/." "$drive_c/Program Files/"
  cp -a "$source_dir/fixtures/installs/$1/ProgramData/." "$drive_c/ProgramData/"
}

program='C:\Program Files\Symantec\DataLossPrevention\DetectionServer\16.0'
data_unix="$drive_c/ProgramData/Symantec/DataLossPrevention/DetectionServer/16.0"
program_unix="$drive_c/Program Files/Symantec/DataLossPrevention/DetectionServer/16.0"

# 1. locate without --root on the misplaced tree, then --fix.
plant windows-misplaced
json=$(ksdoctor locate --format json)
status=$?
root=$(jq -r .root <<<"$json")
version=$(jq -r '.installs | map(.version) | join(",")' <<<"$json")
program_dir=$(jq -r '.installs[0].program_dir' <<<"$json")
codes=$(jq -r '[.findings[].code] | join(",")' <<<"$json")
if [ "$status" = 1 ] && [ "$root" = 'C:\' ] && [ "$version" = 16.0 ] &&
  [[ "$program_dir" == 'C:\Program Files'[/\\]* ]] && [[ ",$codes," == *,KEYSTORE_MISPLACED,* ]]; then
  ok "locate (no --root): root $root, install $version at $program_dir, findings $codes"
else
  bad "locate (no --root): exit $status, root '$root', versions '$version', program_dir '$program_dir', findings '$codes'"
fi
visited=$(jq -r .scan.entries_visited <<<"$json")
# The whole of Z: (the Linux file system) would be hundreds of thousands of entries.
if [ "${visited:-0}" -gt 0 ] && [ "$visited" -lt 200 ]; then
  ok "the scan stayed in the known folders ($visited entries)"
else
  bad "the scan visited $visited entries"
fi
ksdoctor locate --fix --format json >"$work/fix.json"
status=$?
target="$data_unix/keystore/prevent.ks"
if [ "$status" = 0 ] && cmp -s "$target" "$program_unix/Protect/keystore/prevent.ks" &&
  [ "$(jq -r '.fix.plans[0].action' "$work/fix.json")" = copy ]; then
  ok "locate --fix put the misplaced keystore in C:\\ProgramData\\...\\16.0\\keystore"
else
  bad "locate --fix: exit $status, $(jq -c .fix "$work/fix.json" 2>&1 | head -c 600)"
fi
ksdoctor locate >/dev/null
status=$?
[ "$status" = 0 ] && ok "locate after --fix: exit 0" || bad "locate after --fix: exit $status"

# 2. --fix over an existing keystore (no private key) keeps a backup and the DACL.
plant windows-stale
configured="$data_unix/keystore/prevent.ks"
configured_win='C:\ProgramData\Symantec\DataLossPrevention\DetectionServer\16.0\keystore\prevent.ks'
old=$(sha256sum <"$configured")
# SYSTEM and Administrators full control, Network Service (a service account) read; protected.
# Wine keeps no descriptors: it maps them onto the file's POSIX mode and back (this one becomes
# 0770, read back without the Everyone entry a new file gets), which is still a distinctive DACL.
distinctive='D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;NS)'
default=$(sddl_of "$configured_win")
"$wine_run" "$sddl" set "$configured_win" "$distinctive" || bad "could not set the DACL"
before=$(sddl_of "$configured_win")
if [[ "$before" == D:* ]] && [ "$before" != "$default" ]; then
  ok "distinctive DACL on the configured keystore: $before (was $default)"
else
  bad "the DACL did not take: '$before' (was '$default')"
fi
ksdoctor locate --fix --format json >"$work/fix.json"
status=$?
after=$(sddl_of "$configured_win")
backup=$(jq -r '.fix.plans[0].backup' "$work/fix.json")
backup_unix="$data_unix/keystore/$(basename "${backup//\\//}")"
if [ "$status" = 0 ] && cmp -s "$configured" "$program_unix/Protect/keystore/prevent.ks"; then
  ok "--fix replaced the keystore holding no private key"
else
  bad "--fix over the stale keystore: exit $status, $(jq -c .fix "$work/fix.json" 2>&1 | head -c 600)"
fi
if [ -f "$backup_unix" ] && [ "$(sha256sum <"$backup_unix")" = "$old" ]; then
  ok "backup kept: $backup"
else
  bad "no backup with the old bytes at '$backup'"
fi
[ "$after" = "$before" ] && ok "the replaced file's DACL is kept: $after" ||
  bad "DACL changed by --fix: '$before' -> '$after'"
# The helper tells DACLs apart: the backup is a new file with its folder's inherited DACL.
backup_sddl=$(sddl_of "$backup")
[ -n "$backup_sddl" ] && [ "$backup_sddl" != "$before" ] &&
  ok "a new file (the backup) has its own DACL: $backup_sddl" ||
  bad "the backup's DACL '$backup_sddl' is not told apart from '$before'"

# 3. --properties as a Windows path: the install is inferred, not taken as a custom one.
plant windows-misplaced
properties="$program"'\Protect\config\Protect.properties'
json=$(ksdoctor locate --format json --properties "$properties")
layout=$(jq -r '.installs[0].layout' <<<"$json")
version=$(jq -r '.installs[0].version' <<<"$json")
root=$(jq -r .root <<<"$json")
if [ "$layout" = windows ] && [ "$version" = 16.0 ] && [ "$root" = 'C:\' ] &&
  [ "$(jq -r '.installs[0].data_dir_exists' <<<"$json")" = true ]; then
  ok "--properties $properties: layout $layout, version $version, root $root"
else
  bad "--properties $properties: layout '$layout', version '$version', root '$root'"
fi

# 4. --storepass-file with CR LF.
store=fixtures/jks/server-fullchain.jks
printf 'changeit\r\n' >"$work/storepass.txt"
expected=$(cd "$source_dir" && "$reference" inspect --format json --storepass changeit "$store")
actual=$(cd "$source_dir" && ksdoctor inspect --format json --storepass-file 'C:\ksdoctor-test\storepass.txt' "$store")
if [ -n "$expected" ] && [ "$expected" = "$actual" ] &&
  [ "$(jq -r .integrity <<<"$actual")" = verified ]; then
  ok "--storepass-file ending in CR LF opens the store (integrity verified)"
else
  bad "--storepass-file with CR LF: $(head -c 300 <<<"$actual")"
fi

# 5. Non-ASCII folder names: the same JSON as the Linux build, relative and absolute.
for dir in Prüfung 日本; do
  mkdir -p "$work/$dir"
  cp "$source_dir/fixtures/demo/prevent.ks" "$work/$dir/prevent.ks"
  for command in inspect verify; do
    expected=$(cd "$work" && "$reference" "$command" --format json --storepass changeit "$dir/prevent.ks")
    expected_status=$?
    actual=$(cd "$work" && ksdoctor "$command" --format json --storepass changeit "$dir/prevent.ks")
    actual_status=$?
    if [ -n "$expected" ] && [ "$expected" = "$actual" ] && [ "$expected_status" = "$actual_status" ]; then
      ok "$command $dir/prevent.ks: same JSON and exit status ($actual_status) as Linux"
    else
      bad "$command $dir/prevent.ks: exit $expected_status vs $actual_status"
      diff <(echo "$expected") <(echo "$actual") | head -10
    fi
  done
  absolute="C:\\ksdoctor-test\\$dir\\prevent.ks"
  path=$(ksdoctor inspect --format json --storepass changeit "$absolute" | jq -r .file)
  [ "$path" = "$absolute" ] && ok "inspect $absolute" || bad "inspect $absolute: path '$path'"
done

# 6. --trust system. Wine's crypt32 ROOT store holds the host's CA bundle, the one the Linux build
# reads. The fixtures' PKI is private, so the test makes an impostor: a leaf whose issuer name and
# key id are those of a real root of that bundle, signed by another key. Only a build that found
# the real root in the system store reports CHAIN_SIGNATURE_INVALID (without it:
# MISSING_INTERMEDIATE).
real_root=
for pem in /etc/ssl/certs/ISRG_Root_X1.pem /etc/ssl/certs/*.pem; do
  if [ -f "$pem" ] && openssl x509 -in "$pem" -noout -ext subjectKeyIdentifier 2>/dev/null | grep -q :; then
    real_root=$pem
    break
  fi
done
if [ -z "$real_root" ]; then
  bad "no CA certificate with a key identifier in /etc/ssl/certs (package ca-certificates)"
else
  ski=$(openssl x509 -in "$real_root" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' ')
  subject=$(openssl x509 -in "$real_root" -noout -subject -nameopt compat | sed 's/^subject=//')
  (
    cd "$work" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout impostor-ca.key -out impostor-ca.pem \
      -days 3650 -subj "$subject" -addext "subjectKeyIdentifier=$ski" \
      -addext "basicConstraints=critical,CA:true" &&
      openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=mail.example.org &&
      printf 'authorityKeyIdentifier=keyid\nbasicConstraints=CA:false\nextendedKeyUsage=serverAuth\n' >leaf.ext &&
      openssl x509 -req -in leaf.csr -CA impostor-ca.pem -CAkey impostor-ca.key -set_serial 7 \
        -days 3650 -extfile leaf.ext -out leaf.pem &&
      openssl pkcs12 -export -inkey leaf.key -in leaf.pem -name server -passout pass:changeit \
        -out impostor.p12
  ) >/dev/null 2>&1 || bad "could not make the impostor keystore with openssl"
  codes_of() { jq -c '[.. | objects | select(has("code") and has("severity")) | .code]'; }
  for trust in "--trust system" ""; do
    expected=$(cd "$work" && "$reference" verify --format json --storepass changeit $trust impostor.p12)
    expected_status=$?
    actual=$(cd "$work" && ksdoctor verify --format json --storepass changeit $trust impostor.p12)
    actual_status=$?
    expected_codes=$(codes_of <<<"$expected")
    actual_codes=$(codes_of <<<"$actual")
    want='["MISSING_INTERMEDIATE"]'
    [ -n "$trust" ] && want='["CHAIN_SIGNATURE_INVALID"]'
    if [ "$expected_status" = "$actual_status" ] && [ "$actual_codes" = "$want" ] &&
      [ "$expected_codes" = "$want" ]; then
      ok "verify ${trust:-without --trust} of a leaf naming $(basename "$real_root") as issuer: $actual_codes, as on Linux"
    else
      bad "verify ${trust:-without --trust}: exit $expected_status vs $actual_status, Linux $expected_codes, Windows $actual_codes (want $want)"
    fi
  done
fi

echo "$failures failed"
[ "$failures" -eq 0 ]
