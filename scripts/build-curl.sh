#!/usr/bin/env bash
# build-curl.sh TARGET PREFIX      TARGET = mingw64 | linux-static
# Builds Debian bookworm's curl source package as a static libcurl.a against the OpenSSL that
# build-openssl.sh installed into the same PREFIX: HTTP and HTTPS only (the AIA fetch is its one
# user), no optional libraries, so the portable binaries link nothing else. Same layout and stamp
# scheme as build-openssl.sh.
set -euo pipefail

usage="usage: build-curl.sh mingw64|linux-static PREFIX"
target=${1:?$usage}
prefix=${2:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
deps=${KSDOCTOR_DEPS_DIR:-$here/../build-deps}
jobs=${JOBS:-2}
mkdir -p "$deps" "$prefix"
deps=$(cd "$deps" && pwd)
prefix=$(cd "$prefix" && pwd)
[ -f "$prefix/lib/libssl.a" ] || { echo "build-curl.sh: run build-openssl.sh $target $prefix first" >&2; exit 2; }

case $target in
  mingw64) host=(--host=x86_64-w64-mingw32) environment=(CC=x86_64-w64-mingw32-gcc-posix
             "LIBS=-lws2_32 -lcrypt32 -lbcrypt -ladvapi32 -luser32") ;;
  linux-static) host=() environment=(CC=gcc "CFLAGS=-O2 -fPIE" "LIBS=-lpthread -ldl") ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
features=(--disable-shared --enable-static --with-openssl="$prefix" --without-zlib --without-brotli
          --without-zstd --without-libpsl --without-libidn2 --without-nghttp2 --without-ngtcp2
          --without-nghttp3 --without-librtmp --without-libssh2 --without-libgsasl --without-gssapi
          --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp
          --disable-pop3 --disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt
          --disable-ftp --disable-file --disable-manual --disable-ntlm --disable-alt-svc
          --without-ca-bundle --without-ca-path --disable-docs)

source_dir=$("$here/fetch-debian-source.sh" curl "$deps/src")
version=$(cat "$deps/src/curl.version")
stamp_text="$version | ${environment[*]} | ${host[*]} ${features[*]}"
stamp=$prefix/.ksdoctor-curl.stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
  echo "curl for $target already in $prefix ($version)"
  exit 0
fi

build_dir=$deps/$target/curl-build
rm -rf "$build_dir"
mkdir -p "$build_dir"
cd "$build_dir"
# --disable-docs is newer than bookworm's curl: configure only warns about unknown options.
env "${environment[@]}" PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" \
  "$source_dir/configure" "${host[@]}" --prefix="$prefix" --libdir="$prefix/lib" "${features[@]}" \
  >configure.log 2>&1 || { tail -30 configure.log >&2; exit 1; }
make -j"$jobs" -C lib >/dev/null
make -C lib install >/dev/null
make -C include install >/dev/null
cp "$source_dir/COPYING" "$prefix/CURL-LICENSE.txt"
echo "$stamp_text" >"$stamp"
echo "curl for $target installed in $prefix ($version)"
