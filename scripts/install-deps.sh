#!/bin/sh
# Install the Debian packages xlite needs to build and test, if any are missing.
# Called by the Makefile before building; a newcomer never runs it by hand.
# QEMU comes from bookworm-backports when it can: Debian 12's QEMU 7.2 mis-emulates
# IRET stack reads under SMAP and the #GP error code of a software INT n in long mode.
set -eu

PKGS="gcc make binutils qemu-system-x86 grub-pc-bin grub-common xorriso mtools \
check pkg-config libxxhash-dev newlib-source xz-utils bzip2 cpio"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done

want_backports=0
if ! qemu-system-x86_64 --version 2>/dev/null | grep -Eq 'version ([89]|[1-9][0-9])\.'; then
    want_backports=1
fi

[ -z "$missing" ] && [ "$want_backports" = 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "xlite: missing Debian packages:$missing" >&2
    echo "xlite: run as root, or: sudo apt-get install -y$missing" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Add bookworm-backports using the URIs of the machine's own Debian entry, so no
# host name is ever written into the repository.
BP=/etc/apt/sources.list.d/xlite-backports.sources
if [ "$want_backports" = 1 ] && [ ! -f "$BP" ]; then
    uris=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        if grep -Eq '^Suites:.*\bbookworm\b' "$f"; then
            uris=$(awk '/^URIs:/ && !/security/ {sub(/^URIs:[ \t]*/, ""); print; exit}' "$f")
            [ -n "$uris" ] && break
        fi
    done
    if [ -z "$uris" ] && [ -f /etc/apt/sources.list ]; then
        uris=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
    fi
    if [ -n "$uris" ]; then
        printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\n' "$uris" > "$BP"
        if [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
            echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >> "$BP"
        fi
    fi
fi

apt-get update -qq || true
if [ -n "$missing" ]; then
    apt-get install -y -qq --no-install-recommends $missing
fi
if [ "$want_backports" = 1 ]; then
    if [ -f "$BP" ] && apt-get install -y -qq --no-install-recommends \
            -t bookworm-backports qemu-system-x86; then
        :
    else
        echo "xlite: bookworm-backports QEMU unavailable; tests fall back to -cpu max,-smap" >&2
    fi
fi
exit 0
