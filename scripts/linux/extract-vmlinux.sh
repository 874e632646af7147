#!/usr/bin/env bash
# Take the kernel ELF out of an x86 bzImage: scripts/linux/extract-vmlinux.sh BZIMAGE OUT
#
# The x86 boot protocol (2.08 and later) puts a setup header at offset 0x1F1 of the
# image. We read three of its fields:
#   0x1F1 setup_sects     (1 byte)  512-byte sectors of real-mode setup after the boot
#                                   sector; 0 means 4
#   0x202 header          (4 bytes) "HdrS", the header is present
#   0x206 version         (2 bytes) boot protocol version, at least 0x0208 for the payload
#   0x248 payload_offset  (4 bytes) offset of the compressed kernel from the start of the
#                                   protected-mode part
#   0x24C payload_length  (4 bytes) its length
# The protected-mode part starts at (setup_sects + 1) * 512. The payload's magic says
# which decompressor to use; its output is the kernel's ELF image (vmlinux, no symbols).
set -euo pipefail

die() { echo "extract-vmlinux: $*" >&2; exit 1; }
[[ $# -eq 2 ]] || { echo "usage: $0 BZIMAGE OUT" >&2; exit 2; }
img=$1 out=$2
[[ -f $img ]] || die "no such file: $img"

# le FILE OFFSET SIZE: the little-endian unsigned integer of SIZE bytes at OFFSET.
le() {
    local bytes v=0 i
    read -ra bytes < <(od -An -tu1 -j "$2" -N "$3" -v "$1")
    (( ${#bytes[@]} == $3 )) || die "$1: too short to hold offset $2"
    for (( i = $3 - 1; i >= 0; i-- )); do v=$(( (v << 8) | bytes[i] )); done
    echo "$v"
}

[[ $(od -An -c -j 0x202 -N 4 "$img" | tr -d ' ') == HdrS ]] \
    || die "$img: no 'HdrS' setup header at 0x202 (not an x86 bzImage)"
version=$(le "$img" 0x206 2)
(( version >= 0x208 )) \
    || die "$img: boot protocol $(printf '%#x' "$version") has no payload fields (need 2.08+)"
setup_sects=$(le "$img" 0x1F1 1)
(( setup_sects != 0 )) || setup_sects=4
poff=$(le "$img" 0x248 4)
plen=$(le "$img" 0x24C 4)
start=$(( (setup_sects + 1) * 512 + poff ))
size=$(stat -c %s "$img")
(( plen > 0 && start + plen <= size )) \
    || die "$img: payload at $start+$plen lies outside the file ($size bytes)"

magic=$(od -An -tx1 -j "$start" -N 6 "$img" | tr -d ' \n')
case $magic in
    fd377a585a00*) dec=(xz -dc --single-stream) kind=xz ;;
    1f8b*)         dec=(gzip -dc) kind=gzip ;;
    28b52ffd*)     dec=(zstd -dc) kind=zstd ;;
    425a68*)       dec=(bzip2 -dc) kind=bzip2 ;;
    5d0000*)       dec=(xz -dc --format=lzma --single-stream) kind=lzma ;;
    02214c18*)     dec=(lz4 -dc) kind=lz4 ;;
    894c5a4f*)     dec=(lzop -dc) kind=lzo ;;
    *) die "$img: payload magic $magic is not xz/gzip/zstd/bzip2/lzma/lz4/lzo" ;;
esac
command -v "${dec[0]}" > /dev/null || die "need ${dec[0]} to decompress a $kind payload"

tmp=$out.tmp.$$
trap 'rm -f -- "$tmp" "$tmp.err"' EXIT
# The payload may end with the 4-byte uncompressed size the kernel build appends:
# --single-stream (xz) stops at the end of the stream; gzip only warns about it.
dd if="$img" bs=64K skip="$start" count="$plen" iflag=skip_bytes,count_bytes status=none \
    | { "${dec[@]}" 2> "$tmp.err" || true; } > "$tmp"
[[ $(od -An -c -N 4 "$tmp" | tr -d ' ') == 177ELF ]] \
    || die "$img: the $kind payload did not decompress to an ELF image: $(head -n 2 "$tmp.err")"
rm -f -- "$tmp.err"
mv -- "$tmp" "$out"
printf 'extract-vmlinux: %s: protocol %x.%02x, setup_sects %d, %s payload at %#x (%d bytes) -> %s (%d bytes)\n' \
    "$img" $((version >> 8)) $((version & 255)) "$setup_sects" "$kind" "$start" "$plen" \
    "$out" "$(stat -c %s "$out")"
