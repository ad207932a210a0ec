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
    # OPENSSLDIR, ENGINESDIR and MODULESDIR would otherwise name this build's prefix, i.e.
    # \work\... on the current drive: a folder any Windows user may create, whose openssl.cnf,
    # certs/ or module DLLs OpenSSL would then trust (CVE-2019-1552). ksdoctor reads no openssl.cnf,
    # and the three point at OpenSSL's admin-only default for MinGW. They are set on make's command
    # line because Configure, running on Linux, takes C:/... for a relative path.
    configure=(mingw64 "${common[@]}" --cross-compile-prefix=x86_64-w64-mingw32- no-autoload-config)
    windows_ssl="C:/Program Files/Common Files/SSL"
    make_overrides=("OPENSSLDIR=$windows_ssl" "ENGINESDIR=$windows_ssl/engines-3"
                    "MODULESDIR=$windows_ssl/ossl-modules")
    export CC=gcc-posix CXX=g++-posix
    ;;
  linux-static)
    # Debian's OPENSSLDIR, so default certificate paths match the distribution's dynamic libssl.
    configure=(linux-x86_64 "${common[@]}" --openssldir=/usr/lib/ssl)
    make_overrides=()
    export CC=gcc CXX=g++
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

source_dir=$("$here/fetch-debian-source.sh" openssl "$deps/src")
version=$(cat "$deps/src/openssl.version")
stamp_text="$version | ${configure[*]} | CC=$CC${make_overrides[*]:+ ${make_overrides[*]}}"
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
make -j"$jobs" "${make_overrides[@]}" build_libs
make "${make_overrides[@]}" install_dev >/dev/null
cp "$source_dir/LICENSE.txt" "$prefix/OPENSSL-LICENSE.txt"
echo "$stamp_text" >"$stamp"
echo "OpenSSL for $target installed in $prefix ($version)"
