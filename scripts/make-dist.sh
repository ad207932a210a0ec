#!/usr/bin/env bash
# make-dist.sh linux|windows BINARY DEPS_PREFIX DIST_DIR VERSION
# Packs one portable ksdoctor with a README.txt and the licence texts of everything linked into it:
#   linux:   DIST_DIR/ksdoctor-VERSION-linux-x86_64.tar.gz (folder ksdoctor-VERSION-linux-x86_64/)
#   windows: DIST_DIR/ksdoctor-VERSION-windows-x86_64.zip
# then rewrites DIST_DIR/SHA256SUMS over every archive present. BINARY is stripped in the copy only.
# DEPS_PREFIX is where scripts/build-openssl.sh, build-zlib.sh and build-curl.sh installed, with
# their licences.
set -euo pipefail

usage="usage: make-dist.sh linux|windows BINARY DEPS_PREFIX DIST_DIR VERSION"
kind=${1:?$usage}
binary=$(realpath "${2:?$usage}")
deps_prefix=$(realpath "${3:?$usage}")
dist=${4:?$usage}
version=${5:?$usage}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
doc=/usr/share/doc
licences=/usr/share/common-licenses

case $kind in
  linux)
    name=ksdoctor-$version-linux-x86_64
    exe=ksdoctor
    strip="strip"
    nm="nm"
    runtime=("libstdc++ and libgcc (GCC Runtime Library Exception):$doc/libstdc++6/copyright"
             "GNU C Library, linked statically (LGPL-2.1):$doc/libc6/copyright")
    extra_licences=(GPL-3 LGPL-2.1)
    ;;
  windows)
    name=ksdoctor-$version-windows-x86_64
    exe=ksdoctor.exe
    strip=x86_64-w64-mingw32-strip
    nm=x86_64-w64-mingw32-nm
    runtime=("libstdc++ and libgcc (GCC Runtime Library Exception):$doc/gcc-mingw-w64-x86-64-posix-runtime/copyright"
             "MinGW-w64 runtime and winpthreads:$doc/mingw-w64-common/copyright")
    extra_licences=(GPL-3 LGPL-2.1)
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

mkdir -p "$dist"
dist=$(realpath "$dist")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/licences"
cp "$binary" "$stage/$name/$exe"
"$strip" "$stage/$name/$exe"

# Licences: only of what the binary really contains. The symbol table is read once into a
# variable: `nm | grep -q` under pipefail fails whenever grep stops reading first (nm gets SIGPIPE),
# which silently dropped the zlib licence.
copy_licence() { cp "$2" "$stage/$name/licences/$1"; echo "  licences/$1  $3"; }
symbols=$("$nm" "$binary" 2>/dev/null || true)
links() { grep -qE "$1" <<<"$symbols"; }
has_zlib=false has_curl=false
links ' [Tt] (inflateInit2_|zlibVersion)$' && has_zlib=true
links ' [Tt] curl_easy_init$' && has_curl=true
linked="OpenSSL"
$has_zlib && linked+=", zlib"
$has_curl && linked+=", libcurl"
linked+=" from Debian's source packages"
listing=$(
  copy_licence OpenSSL-LICENSE.txt "$deps_prefix/OPENSSL-LICENSE.txt" \
    "OpenSSL $(cut -d' ' -f2 <"$deps_prefix/.ksdoctor-openssl.stamp" | head -1) (Apache-2.0)"
  if $has_zlib; then
    copy_licence zlib-LICENSE.txt "$deps_prefix/ZLIB-LICENSE.txt" "zlib"
  fi
  if $has_curl; then
    copy_licence curl-LICENSE.txt "$deps_prefix/CURL-LICENSE.txt" "libcurl (curl licence, MIT-style)"
  fi
  for entry in "${runtime[@]}"; do
    file=${entry##*:}
    copy_licence "$(basename "$(dirname "$file")")-copyright.txt" "$file" "${entry%:*}"
  done
  copy_licence nlohmann-json-copyright.txt "$doc/nlohmann-json3-dev/copyright" "nlohmann/json (MIT)"
  copy_licence CLI11-copyright.txt "$doc/libcli11-dev/copyright" "CLI11 (BSD-3-Clause)"
  for text in "${extra_licences[@]}"; do
    copy_licence "$text.txt" "$licences/$text" "full text referred to by the files above"
  done
)

cat >"$stage/$name/README.txt" <<README
ksdoctor $version ($kind, x86-64)

ksdoctor sees a Java keystore (JKS, JCEKS, PKCS#12) exactly as the JVM does, explains why Java's TLS
would fail with it, and repairs it. One self-contained executable: no Java, no OpenSSL, no other
library needs to be installed.

  $exe inspect KEYSTORE            entries as Java sees them, with findings
  $exe verify KEYSTORE             rebuild every key entry's chain
  $exe --help                      all commands

Built from Debian 12 packages, with $linked
compiled in (its legacy provider included, so RC2-40 PKCS#12 files open).
Licence texts of everything linked in:
$listing
README
if [ "$kind" = windows ]; then
  sed -i 's/$/\r/' "$stage/$name/README.txt"
fi

# Reproducible archives: fixed order, owner and time (the last commit's).
epoch=$(git -C "$source_dir" log -1 --format=%ct 2>/dev/null || date +%s)
find "$stage/$name" -exec touch -h -d "@$epoch" {} +
case $kind in
  linux)
    tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
      -cf - "$name" | gzip -9n >"$dist/$name.tar.gz"
    archive=$name.tar.gz
    ;;
  windows)
    rm -f "$dist/$name.zip"
    (cd "$stage/$name" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
      TZ=UTC zip -X -q -@ "$dist/$name.zip")
    archive=$name.zip
    ;;
esac

shopt -s nullglob
(cd "$dist" && archives=(*.tar.gz *.zip) && sha256sum -- "${archives[@]}" >SHA256SUMS)
echo "$dist/$archive"
(cd "$dist" && cat SHA256SUMS)
