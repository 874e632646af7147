#!/bin/bash
# Prove the freestanding newlib build links into a program and works:
# build a tiny static binary against it, check its shape, run it on the host.
# Usage: tests/newlib/run.sh BUILD_NEWLIB_DIR OUTDIR
# Prints exactly one of "PASS newlib-link" / "FAIL newlib-link: <reason>".
set -uo pipefail

fail() { echo "FAIL newlib-link: $*"; exit 1; }

[ $# -eq 2 ] || fail "usage: $0 BUILD_NEWLIB_DIR OUTDIR"
HERE=$(cd "$(dirname "$0")" && pwd)
NL=$1/install/x86_64-elf
OUT=$2
for lib in libc.a libm.a; do
    [ -f "$NL/lib/$lib" ] ||
        fail "no $NL/lib/$lib (run scripts/build-newlib.sh $1 first)"
done
mkdir -p "$OUT" || fail "cannot create $OUT"

# Same code generation as newlib itself (see scripts/build-newlib.sh); glibc's
# headers are kept out so only newlib's and gcc's freestanding ones are seen.
CFLAGS="-O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib
    -fno-stack-protector -mno-red-zone -fpie -mcmodel=small
    -march=x86-64 -mtune=generic
    -nostdinc -isystem $NL/include -isystem $(gcc -print-file-name=include)"
LIBGCC=$(gcc -print-libgcc-file-name)
LOG=$OUT/build.log
: >"$LOG"

for src in start.S syscalls.c main.c; do
    # shellcheck disable=SC2086 # CFLAGS is a word list on purpose
    gcc $CFLAGS -c "$HERE/$src" -o "$OUT/${src%.*}.o" >>"$LOG" 2>&1 ||
        fail "compiling $src: $(head -n 3 "$LOG" | tr '\n' ' ')"
done

# Link twice: at 1 MiB (where Xen-style test kernels sit; low enough that the
# host can also exec it) and in the top 2 GiB (link only).  Both succeeding
# shows the code-model choice works for either guest placement.
OBJS=("$OUT/start.o" "$OUT/main.o" "$OUT/syscalls.o")
LIBS=(--start-group "$NL/lib/libc.a" "$NL/lib/libm.a" "$LIBGCC" --end-group)
BIN=$OUT/newlib-test
ld -static -nostdlib -z noexecstack -Ttext-segment=0x100000 \
    -o "$BIN" "${OBJS[@]}" "${LIBS[@]}" >>"$LOG" 2>&1 ||
    fail "link at 1 MiB: $(tail -n 3 "$LOG" | tr '\n' ' ')"
ld -static -nostdlib -z noexecstack -Ttext-segment=0xffffffff80100000 \
    -o "$BIN-high" "${OBJS[@]}" "${LIBS[@]}" >>"$LOG" 2>&1 ||
    fail "link in top 2 GiB: $(tail -n 3 "$LOG" | tr '\n' ' ')"
# Any linker warning (RWX segment, exec stack, ...) is a sign of a bad setup.
grep -q 'warning' "$LOG" && fail "linker warning: $(grep -m1 warning "$LOG")"

# Shape: ELF64, x86-64, fixed-address executable, no interpreter/dynamic.
hdr=$(readelf -h "$BIN" 2>&1)
grep -q 'Class: *ELF64' <<<"$hdr" || fail "not ELF64"
grep -q 'Machine: *Advanced Micro Devices X86-64' <<<"$hdr" || fail "not x86-64"
grep -q 'Type: *EXEC' <<<"$hdr" || fail "not a static (ET_EXEC) executable"
phdr=$(readelf -lW "$BIN" 2>&1)
grep -qE 'INTERP|DYNAMIC' <<<"$phdr" && fail "has INTERP/DYNAMIC segment"

# Red zone: with -mno-red-zone gcc never touches memory below %rsp, so any
# negative %rsp displacement in the linked code means some object (newlib or
# libgcc) was built assuming a red zone.  (Frame-pointer code using negative
# %rbp offsets without moving %rsp would escape this cheap check.)
rz=$(objdump -d --no-show-raw-insn "$BIN" |
    awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 }
         /-0x[0-9a-f]+\(%rsp\)/ { print fn; exit }')
[ -z "$rz" ] || fail "red-zone access below %rsp in $rz"

# Run it (timeout guards against a hang in our exit path).
timeout 10 "$BIN" >"$OUT/actual.txt" 2>"$OUT/stderr.txt"
rc=$?
[ $rc -eq 0 ] || fail "binary exited with status $rc"
diff -u "$HERE/expected.txt" "$OUT/actual.txt" >"$OUT/diff.txt" ||
    fail "output differs from expected.txt (see $OUT/diff.txt)"

echo "PASS newlib-link"
