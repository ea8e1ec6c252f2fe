#!/usr/bin/env bash
# Wraps the PyInstaller bundle (`make dist`) into dist/<app-id>_<version>_<arch>.deb:
#   /opt/<app-id>/                     the bundle as built
#   /usr/bin/<app-id>                  a symlink to its program (the bootloader follows it)
#   /usr/share/applications/<app-id>.desktop   claims tel: and callto: links
#   /usr/share/icons/hicolor/scalable/apps/<app-id>.svg
# No maintainer scripts: dpkg's triggers (desktop-file-utils, the icon cache) refresh the
# desktop database and icon cache when the files land.
# Usage: packaging/linux/build-deb.sh [BUNDLE_DIR] [OUT_DIR]; DEB_MAINTAINER overrides the
# Maintainer field, DEB_COMPRESSION (gzip, xz) the compression.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# Name and version come from the package, as in build.spec (console/__init__.py imports
# nothing, so any python3 reads it).
meta() { python3 -c "import sys; sys.path.insert(0, sys.argv[1]); import console; print(console.$1)" "$root"; }
app_id=$(meta APP_ID)
app_name=$(meta APP_NAME)
version=$(meta __version__)
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-"FindMe Console team <findme-console@users.invalid>"}

bundle=${1:-$root/dist/$app_id}
out=${2:-$root/dist}
if [ ! -x "$bundle/$app_id" ]; then
  echo "build-deb: no bundle at $bundle (run 'make dist' first)" >&2
  exit 1
fi
icon=$root/resources/icons/findme.svg
if [ ! -f "$icon" ]; then
  echo "build-deb: the application icon $icon is missing" >&2
  exit 1
fi

stage=$root/build/deb/${app_id}_${version}_${arch}
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/icons/hicolor/scalable/apps"

cp -a "$bundle" "$stage/opt/$app_id"
ln -s "/opt/$app_id/$app_id" "$stage/usr/bin/$app_id"
sed -e "s|@APP_NAME@|$app_name|g" -e "s|@APP_ID@|$app_id|g" \
  "$here/findme-console.desktop.in" >"$stage/usr/share/applications/$app_id.desktop"
cp "$icon" "$stage/usr/share/icons/hicolor/scalable/apps/$app_id.svg"

# A package's files belong to root and are not writable by others, whatever the umask of
# the build; --root-owner-group below sets the owner.
chmod -R u+rwX,go+rX,go-w "$stage"

installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@APP_ID@|$app_id|g" -e "s|@VERSION@|$version|g" -e "s|@ARCH@|$arch|g" \
  -e "s|@MAINTAINER@|$maintainer|g" -e "s|@INSTALLED_SIZE@|$installed_kb|g" \
  "$here/control.in" >"$stage/DEBIAN/control"

mkdir -p "$out"
deb=$out/${app_id}_${version}_${arch}.deb
# gzip by default: every dpkg reads it and it takes seconds; DEB_COMPRESSION=xz gives a
# package a quarter smaller (42 MB instead of 57) for nearly two minutes more of build time.
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-gzip}" -z6 --build "$stage" "$deb" >/dev/null
echo "$deb"
