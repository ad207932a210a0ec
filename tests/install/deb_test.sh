#!/usr/bin/env bash
# The .deb as `make deb` makes it (cpack -G DEB with the build's CPack config), checked the way a
# Debian admin would meet it: its file list, its control fields, the binary extracted from it
# running (--version, inspect of a fixture, every library resolved) and lintian without errors.
#   deb_test.sh SOURCE_DIR BUILD_DIR VERSION
# Exit 77 (skipped) only when dpkg-deb or lintian is not installed.
set -euo pipefail
src=$1
build=$2
version=$3
for tool in dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (make deps)"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ksdoctor-deb-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log") \
  || { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
debs=("$tmp"/out/ksdoctor_*.deb)
[[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || fail "cpack made no single ksdoctor_*.deb: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb")"

# Control: the project's version, Depends computed by dpkg-shlibdeps (libc, libssl, zlib...).
deb_version=$(dpkg-deb -f "$deb" Version)
[[ $deb_version =~ ^$version-[0-9]+$ ]] || fail "Version $deb_version is not $version-REVISION"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# The changelog's newest entry is this version.
head -n 1 "$src/packaging/debian/changelog" | grep -qF "ksdoctor ($deb_version) " \
  || fail "packaging/debian/changelog's first entry is not ksdoctor ($deb_version)"

dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/ksdoctor /usr/lib/libksdoctor.a /usr/include/ksdoctor/inspect.hpp \
         /usr/lib/cmake/ksdoctor/ksdoctorConfig.cmake /usr/lib/cmake/ksdoctor/ksdoctorTargets.cmake \
         /usr/share/man/man1/ksdoctor.1.gz /usr/share/bash-completion/completions/ksdoctor \
         /usr/share/doc/ksdoctor/changelog.Debian.gz /usr/share/doc/ksdoctor/copyright; do
  grep -qx -- "$f" "$tmp/files" || fail "the .deb has no $f"
done
! grep -qx /usr/share/man/man1/ksdoctor.1 "$tmp/files" || fail "the .deb has an uncompressed man page"

dpkg-deb -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/ksdoctor
"$bin" --version | tee "$tmp/version"
grep -q "^ksdoctor $version$" "$tmp/version" || fail "--version does not say $version"
grep -q "^OpenSSL: OpenSSL 3" "$tmp/version" || fail "--version names no OpenSSL 3"
ldd "$bin" >"$tmp/ldd"
if grep "not found" "$tmp/ldd"; then fail "ldd: a library of the packaged binary is missing"; fi
# Every shared library the binary loads is in Depends, through the package that ships it (which
# libraries those are depends on how the build links: dynamic OpenSSL gives libssl3, and so on).
grep -q "\blibc6\b" <<<"$depends" || fail "Depends lacks libc6 (dpkg-shlibdeps did not run?)"
# The package that ships a library file, under any of its names (usrmerge: /lib is /usr/lib, and
# dpkg knows each file under the one path its package lists).
package_of() {
  local real path
  real=$(readlink -f "$1")
  for path in "$1" "$real" "${1#/usr}" "${real#/usr}" "/usr${1#/usr}" "/usr${real#/usr}"; do
    if dpkg -S "$path" >"$tmp/dpkg-S" 2>/dev/null; then
      head -n 1 "$tmp/dpkg-S" | cut -d: -f1
      return
    fi
  done
}
for lib in $(awk '$2 == "=>" {print $3}' "$tmp/ldd"); do
  pkg=$(package_of "$lib")
  [[ -n $pkg ]] || fail "no Debian package ships $lib"
  grep -q "\b$pkg\b" <<<"$depends" || fail "$lib ($pkg) is loaded but not in Depends"
done
ks=$src/fixtures/demo/prevent.ks
set +e
KSDOCTOR_STOREPASS=changeit "$bin" inspect "$ks" >"$tmp/packaged.txt"
packaged=$?
KSDOCTOR_STOREPASS=changeit "$build/ksdoctor" inspect "$ks" >"$tmp/built.txt"
built=$?
set -e
[[ $packaged == "$built" && $packaged -le 1 ]] || fail "inspect exit $packaged, build's $built"
cmp "$tmp/packaged.txt" "$tmp/built.txt" || fail "the packaged binary's inspect differs from the build's"
grep -q "smtp" "$tmp/packaged.txt" || fail "inspect of $ks shows no smtp entry"

# lintian: no error. Warnings and infos are listed for the record.
lintian --tag-display-limit 0 "$deb" >"$tmp/lintian.txt" 2>&1 || true
cat "$tmp/lintian.txt"
if grep -q "^E:" "$tmp/lintian.txt"; then fail "lintian reports errors"; fi
echo "OK: $(basename "$deb"): contents, control, packaged binary and lintian"
