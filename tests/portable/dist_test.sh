#!/usr/bin/env bash
# dist_test.sh linux|windows BINARY DEPS_PREFIX SOURCE_DIR WORK: packs BINARY with
# scripts/make-dist.sh exactly as `make dist` does and checks the archive: the binary, README.txt,
# and the licence text of every library the binary links (OpenSSL, zlib, libcurl, the C and C++
# runtimes), and a SHA256SUMS line that verifies.
set -u
kind=$1 binary=$2 deps=$3 source_dir=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
"$source_dir/scripts/make-dist.sh" "$kind" "$binary" "$deps" "$work/dist" 0.0.0-test >"$work/make-dist.log" 2>&1 ||
  { cat "$work/make-dist.log"; echo "FAIL: make-dist.sh"; exit 1; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
if [ "$kind" = linux ]; then
  listing=$(tar tzf "$work/dist/ksdoctor-0.0.0-test-linux-x86_64.tar.gz" | sed 's|^ksdoctor-0.0.0-test-linux-x86_64/||')
  want=(ksdoctor README.txt licences/libc6-copyright.txt licences/libstdc++6-copyright.txt)
else
  listing=$(unzip -Z1 "$work/dist/ksdoctor-0.0.0-test-windows-x86_64.zip" | sed 's|^ksdoctor-0.0.0-test-windows-x86_64/||')
  want=(ksdoctor.exe README.txt licences/mingw-w64-common-copyright.txt)
fi
want+=(licences/OpenSSL-LICENSE.txt licences/zlib-LICENSE.txt licences/curl-LICENSE.txt
       licences/nlohmann-json-copyright.txt licences/CLI11-copyright.txt)
for file in "${want[@]}"; do
  grep -qxF "$file" <<<"$listing" || fail "the $kind archive lacks $file"
done
(cd "$work/dist" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not verify"
echo "$kind archive: $(wc -l <<<"$listing") entries"
[ $failures = 0 ]
