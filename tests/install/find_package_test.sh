#!/usr/bin/env bash
# The install as the README shows it: `cmake --install BUILD --prefix PREFIX` (what `make install`
# runs), then docs/examples/find_package configured and built against that prefix alone, run on a
# fixture and compared with what `ksdoctor inspect` / `ksdoctor verify` (the installed binary) say.
#   find_package_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ksdoctor-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
for f in bin/ksdoctor lib/libksdoctor.a include/ksdoctor/inspect.hpp include/ksdoctor/versions.hpp \
         lib/cmake/ksdoctor/ksdoctorConfig.cmake lib/cmake/ksdoctor/ksdoctorConfigVersion.cmake \
         lib/cmake/ksdoctor/ksdoctorTargets.cmake share/man/man1/ksdoctor.1 \
         share/bash-completion/completions/ksdoctor share/doc/ksdoctor/cli.md; do
  [[ -e $prefix/$f ]] || fail "cmake --install put no $f under the prefix"
done
# Nothing of the package-only component (gzipped copies) in a plain install.
[[ ! -e $prefix/share/man/man1/ksdoctor.1.gz ]] || fail "plain install has the .deb's ksdoctor.1.gz"
# The installed headers are the public ones only, and the package names no source or build path.
if grep -rl -e "$src" -e "$build" "$prefix/lib/cmake/ksdoctor"; then
  fail "the installed CMake package refers to the source or build tree"
fi

# `make install PREFIX=/usr DESTDIR=STAGE` as packagers use it: the Makefile's own install command
# (its last recipe line; the ones before are `make build`'s, already done), run as make would.
line=$(make -s -C "$src" -n install BUILD="$build" PREFIX=/usr DESTDIR="$tmp/stage" | tail -n 1)
[[ $line == *"cmake --install $build --prefix /usr"* ]] || fail "make install runs: $line"
(cd "$src" && eval "$line") >/dev/null
[[ -x $tmp/stage/usr/bin/ksdoctor ]] || fail "make install DESTDIR=... PREFIX=/usr: no usr/bin/ksdoctor"
[[ -f $tmp/stage/usr/share/man/man1/ksdoctor.1 ]] || fail "make install: no man page"

# The example, against the prefix alone (no package registry, no build tree).
cmake -S "$src/docs/examples/find_package" -B "$tmp/example" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" \
  || { cat "$tmp/configure.log"; fail "the example does not configure"; }
grep -q "^ksdoctor_DIR:PATH=$prefix/lib/cmake/ksdoctor$" "$tmp/example/CMakeCache.txt" \
  || fail "find_package(ksdoctor) did not use the installed prefix"
cmake --build "$tmp/example" -j 2 >"$tmp/build.log" || { cat "$tmp/build.log"; fail "the example does not build"; }

ks=$src/fixtures/demo/prevent.ks
ca=$src/fixtures/pki/intermediate-ca.crt.pem
export KEYSTORE_PASSWORD=changeit KSDOCTOR_STOREPASS=changeit
got=$("$tmp/example/keystore_check" "$ks" "$ca")
echo "$got"
set +e
"$prefix/bin/ksdoctor" inspect --format json "$ks" >"$tmp/inspect.json"
[[ $? -le 1 ]] || fail "ksdoctor inspect failed"
"$prefix/bin/ksdoctor" verify --format json "$ks" --trust "$ca" >"$tmp/verify.json"
[[ $? -le 1 ]] || fail "ksdoctor verify failed"
set -e
want=$(jq -r '"format \(.format)", (.entries[] | "entry \(.alias) \(.kind) chain \(.chain | length)")' \
         "$tmp/inspect.json"
       jq -r '(.entries[] | "chain \(.alias) reaches_root \(if .reaches_root then 1 else 0 end)"
                + " root_trusted \(if .root_trusted then 1 else 0 end)"
                + " complete \(if .complete then 1 else 0 end)"),
              (.findings[] | "finding \(.code)")' "$tmp/verify.json")
if [[ "$got" != "$want" ]]; then
  diff <(echo "$want") <(echo "$got") >&2 || true
  fail "the example and ksdoctor disagree on $ks"
fi
# The fixture is one that has something to find: the test cannot pass on empty output.
grep -q "^finding MISSING_INTERMEDIATE$" <<<"$got" || fail "no MISSING_INTERMEDIATE from the example"
echo "OK: installed to $prefix, example built with find_package(ksdoctor) and agrees with ksdoctor"
