#!/usr/bin/env bash
# build-openssl.sh TARGET PREFIX      TARGET = mingw64 | linux-static
# Builds Debian bookworm's OpenSSL source package (Debian's patches applied) as static libraries and
# installs headers and libraries into PREFIX. `no-module` puts the legacy provider inside libcrypto, so
# ksdoctor opens RC2-40 PKCS#12 files with no ossl-modules/legacy.so next to it. A stamp in PREFIX
# (source version + configure line) makes a second run a no-op. Sources land in build-deps/src and the
# build tree in build-deps/TARGET (override with KSDOCTOR_DEPS_DIR); JOBS defaults to 2.
set -euo pipefail

usage="usage: build-openssl.sh mingw64|linux-static PREFIX"
target=${1:?$usage}
prefix=${2:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
deps=${KSDOCTOR_DEPS_DIR:-$here/../build-deps}
jobs=${JOBS:-2}
mkdir -p "$deps" "$prefix"
deps=$(cd "$deps" && pwd)
prefix=$(cd "$prefix" && pwd)

common=(no-shared no-module no-tests "--prefix=$prefix" --libdir=lib)
case $target in
  mingw64)
    # OPENSSLDIR would otherwise be this build's prefix, i.e. \work\... on the current drive, a
    # folder any Windows user may create: an openssl.cnf planted there could load a DLL as a
    # provider (CVE-2019-1552). ksdoctor needs no openssl.cnf on Windows: never read one, and point
    # OPENSSLDIR at OpenSSL's admin-only default for MinGW.
    configure=(mingw64 "${common[@]}" --cross-compile-prefix=x86_64-w64-mingw32-
               no-autoload-config "--openssldir=C:/Program Files/Common Files/SSL")
    # The -posix compilers: the same threading model as the C++ side (std::thread on winpthreads).
    export CC=gcc-posix CXX=g++-posix
    ;;
  linux-static)
    # Debian's OPENSSLDIR, so default certificate paths match the distribution's dynamic libssl.
    configure=(linux-x86_64 "${common[@]}" --openssldir=/usr/lib/ssl)
    export CC=gcc CXX=g++
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

source_dir=$("$here/fetch-debian-source.sh" openssl "$deps/src")
version=$(cat "$deps/src/openssl.version")
stamp_text="$version | ${configure[*]} | CC=$CC"
stamp=$prefix/.ksdoctor-openssl.stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
  echo "OpenSSL for $target already in $prefix ($version)"
  exit 0
fi

build_dir=$deps/$target/openssl-build
rm -rf "$build_dir"
mkdir -p "$build_dir"
cd "$build_dir"
"$source_dir/Configure" "${configure[@]}"
make -j"$jobs" build_libs
make install_dev >/dev/null
cp "$source_dir/LICENSE.txt" "$prefix/OPENSSL-LICENSE.txt"
echo "$stamp_text" >"$stamp"
echo "OpenSSL for $target installed in $prefix ($version)"
