#!/usr/bin/env bash
# Makes the container image's file system, except the application (Jib adds that):
#   /opt/java   a Java runtime of only the modules mailtidy needs (jlink, from the build's JDK)
#   /lib...     the shared libraries that runtime loads, copied from this machine (glibc, zlib, ...)
#   /etc        passwd and group with the mailtidy user (uid 10001), nsswitch.conf, the sample config
#   /var/lib/mailtidy, /tmp
# The image has no shell or package manager: only java and mailtidy (docs/adr/0004-container-image-from-scratch-with-a-jlinked-runtime.md).
# Usage: rootfs.sh TARGET_DIR CONFIG_FILE
set -euo pipefail
out="$1/image/rootfs"
config="$2"
rm -rf "$out"
mkdir -p "$out"

modules=java.base,java.desktop,java.management,java.naming,java.net.http,java.rmi,java.security.jgss
modules+=,java.security.sasl,java.sql,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.management
modules+=,jdk.charsets,jdk.localedata
jlink --add-modules "$modules" --include-locales=en --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$out/opt/java"

# The libraries of the launcher and the JVM's own native libraries, not those of AWT, sound or
# fonts (java.desktop is there for java.beans, which Quartz uses; nothing draws).
libs=$(find "$out/opt/java" -name '*.so' ! -name 'libawt*' ! -name 'libjawt.so' ! -name 'libfontmanager.so' ! -name 'libjsound.so' \
         ! -name 'libsplashscreen.so' ! -name 'liblcms.so' ! -name 'libjavajpeg.so' ! -name 'libmlib_image.so' \
         -print; echo "$out/opt/java/bin/java")
for f in $libs; do
  LD_LIBRARY_PATH="$out/opt/java/lib:$out/opt/java/lib/server" ldd "$f"
done | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
  case "$lib" in "$out"/*) continue ;; esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
# the loader's canonical path, which every ELF binary names
if [ ! -e "$out/lib64/ld-linux-x86-64.so.2" ] && [ -e /lib64/ld-linux-x86-64.so.2 ]; then
  mkdir -p "$out/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/"
fi

mkdir -p "$out/etc/mailtidy" "$out/var/lib/mailtidy" "$out/tmp"
cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
mailtidy:x:10001:10001:mailtidy:/var/lib/mailtidy:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
mailtidy:x:10001:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$out/etc/hosts"
cp "$config" "$out/etc/mailtidy/mailtidy.yaml"
