#!/bin/bash
# Build newlib once for the freestanding PV guest (x86_64-elf) with the host
# gcc/binutils, cached under OUTDIR.  Usage: scripts/build-newlib.sh OUTDIR
# Result: OUTDIR/install/x86_64-elf/{lib/libc.a,lib/libm.a,include/}
set -euo pipefail

TARBALL=${NEWLIB_TARBALL:-/usr/src/newlib/newlib-3.3.0.tar.xz}

if [ $# -ne 1 ] || [ -z "$1" ]; then echo "usage: $0 OUTDIR" >&2; exit 2; fi
[ -f "$TARBALL" ] || {
    echo "build-newlib: $TARBALL missing: install Debian package newlib-source" >&2
    exit 1
}
mkdir -p "$1"
OUT=$(cd "$1" && pwd)

# Serialise concurrent callers (e.g. parallel make targets sharing OUTDIR).
exec 9>"$OUT/.lock"
flock 9

GCC_INC=$(gcc -print-file-name=include)

# Why each flag:
#  -ffreestanding -fno-stack-protector: no hosted libc/SSP runtime beneath us.
#  -mno-red-zone: the hypervisor writes event frames just below the guest %rsp,
#    which would clobber a leaf function's red zone.
#  -fpie -mcmodel=small: every reference is %rip-relative (+-2 GiB) or an
#    absolute 64-bit data reloc, so the same archive links into a guest placed
#    low (1 MiB, like Xen's test kernels) or in the top 2 GiB; non-PIC small
#    would need the low 2 GiB, -mcmodel=kernel the top 2 GiB, and large is slow.
#    A fixed-address `ld -static` resolves the GOT/PLT relocs at link time.
#  -march=x86-64 -mtune=generic: SSE2 baseline only (the hypervisor saves
#    FPU/SSE per vCPU); nothing newer, so no AVX state to worry about.
#  -nostdinc + gcc's own include dir: keep glibc's /usr/include out of the
#    build; only newlib's headers and gcc's freestanding ones are visible.
CFLAGS_T="-O2 -g -ffreestanding -fno-stack-protector -mno-red-zone"
CFLAGS_T+=" -fpie -mcmodel=small -march=x86-64 -mtune=generic"
CFLAGS_T+=" -nostdinc -isystem $GCC_INC"

# Why each option beyond the mandated ones:
#  --disable-nls: no message catalogues in a guest kernel.
#  --enable-newlib-io-long-long / -c99-formats: %lld, %zu, %hhx, %jd in
#    kernel printfs (off by default in 3.3.0).
#  Default (dlmalloc) malloc kept rather than nano-malloc: the guest has MiBs of
#    RAM, and nano-malloc's first-fit list degrades with many allocations.
#  --disable-libgloss: its board support is useless to us; our syscalls are ours.
CONF_ARGS=(--target=x86_64-elf --prefix="$OUT/install"
    --disable-multilib --disable-newlib-supplied-syscalls --disable-nls
    --enable-newlib-io-long-long --enable-newlib-io-c99-formats
    --disable-libgloss)
TOOLS=(CC_FOR_TARGET=gcc AR_FOR_TARGET=ar AS_FOR_TARGET=as LD_FOR_TARGET=ld
    RANLIB_FOR_TARGET=ranlib NM_FOR_TARGET=nm OBJCOPY_FOR_TARGET=objcopy
    OBJDUMP_FOR_TARGET=objdump STRIP_FOR_TARGET=strip
    READELF_FOR_TARGET=readelf)

# Cache key: the source, the toolchain, and this recipe (flags live here, so
# hashing the script covers them; any edit to it forces a rebuild).
STAMP="newlib $(sha256sum <"$TARBALL" | cut -c1-16)
script $(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-16)
gcc $(gcc -dumpfullversion) $(ld --version | head -1)
cflags $CFLAGS_T
configure ${CONF_ARGS[*]}"

if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ]; then
    exit 0
fi

echo "build-newlib: building newlib 3.3.0 into $OUT (about a minute)..."
# No valid stamp: whatever is there may be half-built; start from scratch.
rm -rf "$OUT/.stamp" "$OUT/src" "$OUT/obj" "$OUT/install" "$OUT/build.log"
mkdir -p "$OUT/src" "$OUT/obj"

LOG=$OUT/build.log
fail() {
    echo "build-newlib: FAILED ($1); last 30 lines of $LOG:" >&2
    tail -n 30 "$LOG" >&2
    exit 1
}

tar -xJf "$TARBALL" -C "$OUT/src" --strip-components=1 >>"$LOG" 2>&1 ||
    fail "extract"
# Out-of-tree build; env -u keeps a caller's host CFLAGS etc. from leaking in.
(cd "$OUT/obj" &&
    env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u MAKEFLAGS -u MFLAGS \
        "$OUT/src/configure" "${CONF_ARGS[@]}" "${TOOLS[@]}" \
        CFLAGS_FOR_TARGET="$CFLAGS_T") >>"$LOG" 2>&1 || fail "configure"
# MAKEFLAGS unset: a parent make's jobserver/flags must not steer this build.
(cd "$OUT/obj" && env -u MAKEFLAGS -u MFLAGS make -j"$(nproc)") \
    >>"$LOG" 2>&1 || fail "make"
(cd "$OUT/obj" && env -u MAKEFLAGS -u MFLAGS make install) \
    >>"$LOG" 2>&1 || fail "make install"

LIB=$OUT/install/x86_64-elf/lib
for f in "$LIB/libc.a" "$LIB/libm.a" "$OUT/install/x86_64-elf/include/stdio.h"
do
    [ -s "$f" ] || fail "missing $f after install"
done

echo "$STAMP" >"$OUT/.stamp"
echo "build-newlib: done: $LIB/libc.a libm.a"
