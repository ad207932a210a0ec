#!/usr/bin/env bash
# windows_test.sh WINE_RUN KSDOCTOR_EXE REFERENCE_KSDOCTOR SOURCE_DIR
# ksdoctor.exe under Wine (WINE_RUN = the build's wine-run.sh) reads every fixture keystore as the
# normal dynamic Linux build does: same exit status, same JSON and stderr, byte for byte
# (stdout and stderr are binary: no CRLF).
# locate is left out: on Windows it reports native paths, which differ by design.
set -uo pipefail

usage="usage: windows_test.sh WINE_RUN KSDOCTOR_EXE REFERENCE_KSDOCTOR SOURCE_DIR"
wine_run=$(realpath "${1:?$usage}")
exe=$(realpath "${2:?$usage}")
reference=$(realpath "${3:?$usage}")
source_dir=$(realpath "${4:?$usage}")
[ -x "$reference" ] || { echo "FAIL: no reference build at $reference (make build)"; exit 1; }

case $(file -b "$exe") in
  *"PE32+ executable"*"x86-64"*) echo "ok: $(file -b "$exe")" ;;
  *) echo "FAIL: not a Windows x86-64 executable: $(file -b "$exe")"; exit 1 ;;
esac
# Only system DLLs: everything else (libstdc++, winpthread, OpenSSL) is linked in.
imports=$(x86_64-w64-mingw32-objdump -p "$exe" | awk '/DLL Name:/ {print tolower($3)}' | sort -u)
foreign=$(echo "$imports" | grep -vxE 'kernel32.dll|user32.dll|advapi32.dll|ws2_32.dll|crypt32.dll|bcrypt.dll|msvcrt.dll|shell32.dll|ole32.dll|api-ms-win-.*' || true)
[ -z "$foreign" ] || { echo "FAIL: imports non-system DLLs: $foreign"; exit 1; }
echo "ok: imports only $(echo "$imports" | xargs)"

run_reference() { (cd "$source_dir" && "$reference" "$@"); }
run_candidate() { (cd "$source_dir" && "$wine_run" "$exe" "$@"); }
# shellcheck source=fixture_cases.sh
source "$(dirname "$0")/fixture_cases.sh"
cd "$source_dir" || exit 1

compare_all_keystores inspect
compare_all_keystores verify
compare_all_logs
finish
