#!/usr/bin/env bash
# build-zlib.sh TARGET PREFIX      TARGET = mingw64 | linux-static
# Builds Debian bookworm's zlib source package as a static libz.a and installs it with zlib.h into
# PREFIX (for the rotated .gz log reader). Same layout and stamp scheme as build-openssl.sh.
set -euo pipefail

usage="usage: build-zlib.sh mingw64|linux-static PREFIX"
target=${1:?$usage}
prefix=${2:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
deps=${KSDOCTOR_DEPS_DIR:-$here/../build-deps}
jobs=${JOBS:-2}
mkdir -p "$deps" "$prefix"
deps=$(cd "$deps" && pwd)
prefix=$(cd "$prefix" && pwd)

case $target in
  mingw64) environment=(CHOST=x86_64-w64-mingw32 CC=x86_64-w64-mingw32-gcc-posix) ;;
  linux-static) environment=(CC=gcc CFLAGS="-O2 -fPIE") ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

source_dir=$("$here/fetch-debian-source.sh" zlib "$deps/src")
version=$(cat "$deps/src/zlib.version")
stamp_text="$version | ${environment[*]} | --static"
stamp=$prefix/.ksdoctor-zlib.stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
  echo "zlib for $target already in $prefix ($version)"
  exit 0
fi

# zlib's configure builds in its source folder: work on a copy per target.
build_dir=$deps/$target/zlib-build
rm -rf "$build_dir"
cp -a "$source_dir" "$build_dir"
cd "$build_dir"
env "${environment[@]}" ./configure --static --prefix="$prefix" --libdir="$prefix/lib"
make -j"$jobs" libz.a
make install >/dev/null
cp LICENSE "$prefix/ZLIB-LICENSE.txt"
echo "$stamp_text" >"$stamp"
echo "zlib for $target installed in $prefix ($version)"
