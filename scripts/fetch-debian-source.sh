#!/usr/bin/env bash
# fetch-debian-source.sh PACKAGE DEST_DIR [VERSION]
# Downloads Debian bookworm's source package PACKAGE (with the security and point-release updates)
# and unpacks it with dpkg-source -x, which applies Debian's patches. apt runs with a private sources
# list, lists directory and cache under DEST_DIR/apt, so the machine's apt configuration and state stay
# untouched. Prints the unpacked directory on stdout and writes "PACKAGE VERSION" to
# DEST_DIR/PACKAGE.version. Reuses an earlier unpack of the same version. VERSION pins one version.
set -euo pipefail

usage="usage: fetch-debian-source.sh PACKAGE DEST_DIR [VERSION]"
package=${1:?$usage}
dest=${2:?$usage}
pinned_version=${3:-}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
apt_root=$dest/apt
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

mkdir -p "$apt_root/lists/partial" "$apt_root/cache/archives/partial" "$apt_root/download"
cat >"$apt_root/sources.list" <<LIST
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
LIST

apt_options=(
  -o "Dir::Etc::SourceList=$apt_root/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_root/lists"
  -o "Dir::Cache=$apt_root/cache"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  # The private directories belong to whoever runs this; apt's _apt sandbox user could not write them.
  -o "APT::Sandbox::User=$(id -un)"
)

# One private update per day is enough: security updates are what could change the version.
if [ -z "$(find "$apt_root/lists" -maxdepth 1 -name '*Sources*' -mtime -1 2>/dev/null)" ]; then
  apt-get "${apt_options[@]}" -qq update >&2
fi

# Newest first; a version whose files the mirror does not serve (some mirrors lack the security pool's
# sources) is skipped with a warning, so the log names exactly which version was built.
mapfile -t versions < <(apt-cache "${apt_options[@]}" showsrc "$package" |
  awk -v want="$package" '/^Package: /{p=$2} /^Version: /{if (p==want) print $2}' | sort -Vru)
[ "${#versions[@]}" -gt 0 ] || { echo "no source package $package in bookworm" >&2; exit 1; }
if [ -n "${pinned_version:-}" ]; then versions=("$pinned_version"); fi

for version in "${versions[@]}"; do
  without_epoch=${version#*:}
  unpacked=$dest/$package-$without_epoch
  if [ -f "$unpacked/.ksdoctor-unpacked" ]; then break; fi
  # apt-get source checks the downloaded files against the hashes of the signed Sources index.
  if (cd "$apt_root/download" &&
      apt-get "${apt_options[@]}" -qq source --download-only "$package=$version" >&2); then
    rm -rf "$unpacked"
    dpkg-source -x "$apt_root/download/${package}_${without_epoch}.dsc" "$unpacked" >&2
    touch "$unpacked/.ksdoctor-unpacked"
    break
  fi
  echo "warning: $package $version is listed but not downloadable here; trying an older one" >&2
  unpacked=
done
[ -n "$unpacked" ] || { echo "no version of $package could be downloaded" >&2; exit 1; }
echo "$package $version" >"$dest/$package.version"
echo "$unpacked"
