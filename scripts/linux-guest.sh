#!/usr/bin/env bash
# Debian 12's own Linux kernel as an xlite guest: fetch, unpack, extract, build an initramfs.
#
#   scripts/linux-guest.sh [--dbg] [--force]
#
# Output (everything under build/linux/, reruns are instant):
#   vmlinux            the kernel ELF taken out of Debian's bzImage (has Xen's ELF notes)
#   initrd.cpio        busybox initramfs (cpio newc, uncompressed); initrd.cpio.gz the same gzipped
#   config             the kernel's .config, for reference
#   version            the kernel package and version used
# With --dbg (or LINUX_DBG=1) also, from the kernel's -dbg package (~860 MB download, about
# a minute to unpack, once):
#   System.map         symbols, for scripts/linux/sym.sh (the System.map in the
#                      linux-image .deb is a one-line placeholder)
#   vmlinux.debug      the same kernel with DWARF, for `addr2line -e` and `gdb`
#
# The packages come from apt's own cache (/var/cache/apt/archives): a package that is
# not there is fetched with `apt-get download` (download only, nothing installed, no
# dependencies pulled in); `apt-get update` runs once if apt knows no candidate. As a
# normal user the .debs go to build/linux/debs/ instead. --force rebuilds the outputs.
#
# The kernel package is what linux-image-amd64 depends on (LINUX_IMAGE_PKG overrides,
# e.g. linux-image-6.1.0-57-amd64 or a backports kernel such as linux-image-6.12...).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/linux
dbg=${LINUX_DBG:-0} force=0
for a in "$@"; do
    case $a in
        --dbg) dbg=1 ;;
        --force) force=1 ;;
        *) echo "usage: $0 [--dbg] [--force]" >&2; exit 2 ;;
    esac
done

say() { echo "linux-guest: $*" >&2; }
die() { say "$*"; exit 1; }
for t in apt-get apt-cache dpkg-deb readelf xz cpio gzip od dd; do
    command -v "$t" > /dev/null || die "needs '$t' (Debian: apt-get install apt dpkg binutils xz-utils cpio gzip coreutils)"
done
mkdir -p "$out"

# ---------------------------------------------------------------- packages
if (( EUID == 0 )); then cache=/var/cache/apt/archives; else cache=$out/debs; fi
mkdir -p "$cache"

updated=0
# candidate PKG: apt's candidate version ("" if apt knows none).
candidate() { apt-cache policy "$1" 2> /dev/null | sed -n 's/^ *Candidate: //p' | grep -vx '(none)' || true; }
ensure_lists() {
    local pkg=$1
    [[ -n $(candidate "$pkg") ]] && return 0
    (( ! updated )) || die "apt knows no candidate for '$pkg' even after apt-get update"
    (( EUID == 0 )) || die "apt knows no '$pkg'; run (as root): apt-get update"
    say "apt knows no '$pkg': running apt-get update once"
    apt-get update -qq >&2
    updated=1
    [[ -n $(candidate "$pkg") ]] || die "apt knows no candidate for '$pkg' even after apt-get update"
}

# deb_of PKG: print the path of PKG's candidate .deb, downloading it only if absent.
deb_of() {
    local pkg=$1 ver file
    ensure_lists "$pkg"
    ver=$(candidate "$pkg")
    file=$cache/${pkg}_${ver//:/%3a}_amd64.deb
    if [[ ! -s $file ]]; then
        say "downloading $pkg $ver into $cache"
        (cd "$cache" && apt-get download -q "$pkg=$ver" >&2 2> >(grep -v '^W: Download is performed unsandboxed' >&2))
    fi
    [[ -s $file ]] || die "apt-get download did not leave $file"
    echo "$file"
}

# Asking apt costs seconds; the answer is kept in $out/debs.list and reused while apt's
# package lists are older than it and the .debs it names are still in the cache.
stamp=$out/debs.list
lists=/var/lib/apt/lists
image_pkg="" kdeb="" bdeb=""
if (( ! force )) && [[ -s $stamp && ( ! -d $lists || $stamp -nt $lists ) ]]; then
    read -r image_pkg kdeb bdeb < "$stamp" || true
    [[ ( -z ${LINUX_IMAGE_PKG:-} || $image_pkg == "${LINUX_IMAGE_PKG:-}" ) \
        && -s $kdeb && -s $bdeb ]] || image_pkg=""
fi
if [[ -z $image_pkg ]]; then
    # The metapackage only depends on the versioned image package; that one holds the kernel.
    image_pkg=${LINUX_IMAGE_PKG:-}
    if [[ -z $image_pkg ]]; then
        ensure_lists linux-image-amd64
        image_pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
        [[ -n $image_pkg ]] || die "cannot tell which kernel linux-image-amd64 depends on"
    fi
    kdeb=$(deb_of "$image_pkg")
    bdeb=$(deb_of busybox-static)
    echo "$image_pkg $kdeb $bdeb" > "$stamp"
fi
kver=${image_pkg#linux-image-}        # e.g. 6.1.0-57-amd64 (the /boot file suffix)

# ---------------------------------------------------------------- kernel
# Unpack only /boot of the image package (its 400 MB of modules are not needed: the Xen
# front-end drivers Linux needs to boot, hvc_xen and xenbus, are built in).
kdir=$out/pkg/$image_pkg
if (( force )) || [[ ! -s $kdir/boot/vmlinuz-$kver || $kdir/boot/vmlinuz-$kver -ot $kdeb ]]; then
    say "unpacking /boot of $(basename "$kdeb")"
    rm -rf "$kdir" && mkdir -p "$kdir"
    dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$kdir" ./boot
    touch "$kdir/boot/vmlinuz-$kver"
fi
[[ -s $kdir/boot/vmlinuz-$kver ]] || die "$kdeb has no /boot/vmlinuz-$kver"
cp -p "$kdir/boot/config-$kver" "$out/config"

if (( force )) || [[ ! -s $out/vmlinux || $out/vmlinux -ot $kdir/boot/vmlinuz-$kver ]]; then
    bash "$root/scripts/linux/extract-vmlinux.sh" "$kdir/boot/vmlinuz-$kver" "$out/vmlinux" >&2
fi
if [[ ! -s $out/version || $out/version -ot $out/vmlinux ]]; then
    # Xen's notes (GUEST_OS, ENTRY, ...) make it a kernel the domain builder can load.
    readelf -n "$out/vmlinux" | grep -q '^ *Xen ' \
        || { rm -f "$out/vmlinux"; die "$out/vmlinux has no Xen ELF notes: not a PV-capable kernel"; }
    printf '%s %s\n' "$image_pkg" "$(dpkg-deb -f "$kdeb" Version)" > "$out/version"
fi

# ---------------------------------------------------------------- debug symbols (optional)
if (( dbg )); then
    if (( force )) || [[ ! -s $out/System.map || ! -s $out/vmlinux.debug ]]; then
        ddeb=$(deb_of "$image_pkg-dbg")
        say "unpacking System.map and vmlinux from $(basename "$ddeb") (about a minute)"
        rm -rf "$out/dbg" && mkdir -p "$out/dbg"
        dpkg-deb --fsys-tarfile "$ddeb" | tar -x -C "$out/dbg" \
            "./usr/lib/debug/boot/System.map-$kver" "./usr/lib/debug/boot/vmlinux-$kver"
        mv "$out/dbg/usr/lib/debug/boot/System.map-$kver" "$out/System.map"
        mv "$out/dbg/usr/lib/debug/boot/vmlinux-$kver" "$out/vmlinux.debug"
        rm -rf "$out/dbg"
    fi
fi

# ---------------------------------------------------------------- initramfs
bdir=$out/pkg/busybox-static
if (( force )) || [[ ! -x $bdir/bin/busybox || $bdir/bin/busybox -ot $bdeb ]]; then
    rm -rf "$bdir" && mkdir -p "$bdir"
    dpkg-deb -x "$bdeb" "$bdir"
    touch "$bdir/bin/busybox"
fi
init_src=$root/tests/linux/init.sh
rootfs=$out/initrd-root
if (( force )) || [[ ! -s $out/initrd.cpio || $out/initrd.cpio -ot $init_src \
        || $out/initrd.cpio -ot $bdir/bin/busybox || $out/initrd.cpio -ot "$0" ]]; then
    say "building $out/initrd.cpio"
    rm -rf "$rootfs"
    mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
    cp "$bdir/bin/busybox" "$rootfs/bin/busybox"
    # One symlink per applet, where busybox itself says the applet lives.
    "$bdir/bin/busybox" --list-full | while read -r app; do
        [[ -e $rootfs/$app ]] || ln -s /bin/busybox "$rootfs/$app"
    done
    install -m 755 "$init_src" "$rootfs/init"
    # Fixed owner and times: the archive's bytes depend only on its inputs.
    find "$rootfs" -exec touch -h -d @0 {} +
    {
        (cd "$rootfs" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
        # /dev/console as a second, hand-made newc archive (the kernel unpacks
        # concatenated archives): the kernel opens it for init's stdin/stdout/stderr
        # before anything is mounted, and making the node with mknod would need root.
        cpio_entry() {   # NAME MODE RDEVMAJOR RDEVMINOR
            local name=$1 pad
            printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
                0 "$2" 0 0 1 0 0 0 0 "$3" "$4" $(( ${#name} + 1 )) 0
            printf '%s\0' "$name"
            pad=$(( (4 - (110 + ${#name} + 1) % 4) % 4 ))
            (( pad == 0 )) || head -c "$pad" /dev/zero
        }
        cpio_entry dev/console $((0x2000 | 0600)) 5 1
        cpio_entry TRAILER!!! 0 0 0
    } > "$out/initrd.cpio.tmp"
    mv "$out/initrd.cpio.tmp" "$out/initrd.cpio"
    gzip -9 -n -c "$out/initrd.cpio" > "$out/initrd.cpio.gz"
fi

say "kernel $(cat "$out/version"): $out/vmlinux ($(stat -c %s "$out/vmlinux") bytes)"
say "initramfs: $out/initrd.cpio ($(stat -c %s "$out/initrd.cpio") bytes), $out/initrd.cpio.gz"
(( ! dbg )) || say "symbols: $out/System.map, $out/vmlinux.debug"
