#!/bin/bash
# Check the published guest ABI headers (pv-abi/include/xlite):
#  1. every header compiles on its own as C99 (-pedantic), C11 and C++11,
#     with -Wall -Wextra -Werror (abi/<header>/<mode>);
#  2. all headers together, each included twice, in every mode (abi/all-headers/<mode>);
#  3. xen.h and arch-x86_64.h constants assemble (abi/asm-constants);
#  4. the static layout assertions really fire: a deliberately wrong
#     XLITE_ABI_ASSERT must fail to compile while its correct twin compiles
#     (abi/assert-fires/<mode>);
#  5. layout.c, built as C99 and as C++11 and run, re-checks sizes, offsets
#     and constants against the ABI notes and exercises io/ring.h (abi/layout/*,
#     abi/ring/*, abi/layout-cxx).
# Usage: tests/abi/run.sh OUTDIR
# Prints one "PASS abi/..." or "FAIL abi/...: <first error line>" per check;
# exits 1 if anything failed.
set -uo pipefail

if [ $# -ne 1 ]; then
    echo "FAIL abi/usage: usage: $0 OUTDIR"
    exit 1
fi
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
INC=$ROOT/pv-abi/include
OUT=$1
mkdir -p "$OUT" || { echo "FAIL abi/setup: cannot create $OUT"; exit 1; }

failed=0
pass() { echo "PASS abi/$1"; }
fail() { echo "FAIL abi/$1: $2"; failed=1; }

# The first line of a log that says what went wrong.
first_error() {
    local line
    line=$(grep -m1 -E 'error|Error' "$1")
    [ -n "$line" ] || line=$(head -n1 "$1")
    echo "${line:-no output}"
}

# Compiler command per mode (the source file name is appended).
MODES=(c99 c11 cxx11)
compile() { # mode src log
    local mode=$1 src=$2 log=$3
    case $mode in
        c99)   gcc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$INC" -x c "$src" ;;
        c11)   gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$INC" -x c "$src" ;;
        cxx11) g++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I"$INC" -x c++ "$src" ;;
    esac >"$log" 2>&1
}

# Headers the ABI must provide; any other header found is checked too.
REQUIRED=(xen.h arch-x86_64.h sched.h memory.h event_channel.h grant_table.h vcpu.h
          callback.h physdev.h version.h domctl.h io/ring.h io/console.h io/store.h
          errno.h elfnote.h)
mapfile -t FOUND < <(cd "$INC/xlite" && find . -name '*.h' | sed 's|^\./||' | sort)
HEADERS=("${REQUIRED[@]}")
for h in "${FOUND[@]}"; do
    case " ${REQUIRED[*]} " in *" $h "*) ;; *) HEADERS+=("$h") ;; esac
done

# ISO C rejects an empty translation unit under -pedantic, which is all a
# macro-only header (errno.h, elfnote.h) yields; one declaration avoids that.
NONEMPTY='typedef int xlite_abi_tu_is_not_empty;'

# 1. each header alone
for h in "${HEADERS[@]}"; do
    if [ ! -f "$INC/xlite/$h" ]; then
        for mode in "${MODES[@]}"; do fail "$h/$mode" "missing pv-abi/include/xlite/$h"; done
        continue
    fi
    src=$OUT/tu-${h//\//-}.c
    printf '#include <xlite/%s>\n%s\n' "$h" "$NONEMPTY" >"$src"
    for mode in "${MODES[@]}"; do
        log=$OUT/tu-${h//\//-}.$mode.log
        if compile "$mode" "$src" "$log"; then
            pass "$h/$mode"
        else
            fail "$h/$mode" "$(first_error "$log")"
        fi
    done
done

# 2. everything together, arch-x86_64.h first, each header twice (guards,
#    clashing names, C99 duplicate assertion typedefs)
src=$OUT/tu-all.c
{
    echo '#include <xlite/arch-x86_64.h>'
    for h in "${FOUND[@]}"; do echo "#include <xlite/$h>"; done
    for h in "${FOUND[@]}"; do echo "#include <xlite/$h>"; done
} >"$src"
for mode in "${MODES[@]}"; do
    if compile "$mode" "$src" "$OUT/tu-all.$mode.log"; then
        pass "all-headers/$mode"
    else
        fail "all-headers/$mode" "$(first_error "$OUT/tu-all.$mode.log")"
    fi
done

# 3. constants from assembly
src=$OUT/asm-constants.S
cat >"$src" <<'EOF'
#include <xlite/xen.h>
#include <xlite/arch-x86_64.h>
    mov $__HYPERVISOR_iret, %eax
    mov $XLITE_HYPERCALL_STUB_OFFSET(XLITE_HYPERCALL_IRET_STUB), %ecx
    mov $FLAT_KERNEL_CS, %edx
    mov $(VGCF_in_kernel | VGCF_online), %esi
    movabs $HYPERVISOR_VIRT_START, %rax
    movabs $MACH2PHYS_NR_ENTRIES, %rbx
    mov $XLITE_RFLAGS_IF, %edi
EOF
if gcc -c -Wall -Werror -I"$INC" "$src" -o "$OUT/asm-constants.o" >"$OUT/asm-constants.log" 2>&1; then
    pass "asm-constants"
else
    fail "asm-constants" "$(first_error "$OUT/asm-constants.log")"
fi

# 4. a wrong layout assertion must stop the build; its correct twin must not
for mode in "${MODES[@]}"; do
    good=$OUT/assert-good.c
    bad=$OUT/assert-bad.c
    printf '#include <xlite/xen.h>\nXLITE_ABI_ASSERT(sizeof(struct start_info) == 1168, start_info_is_1168);\n' >"$good"
    printf '#include <xlite/xen.h>\nXLITE_ABI_ASSERT(sizeof(struct start_info) == 1167, deliberately_wrong);\n' >"$bad"
    if ! compile "$mode" "$good" "$OUT/assert-good.$mode.log"; then
        fail "assert-fires/$mode" "correct assertion does not compile: $(first_error "$OUT/assert-good.$mode.log")"
    elif compile "$mode" "$bad" "$OUT/assert-bad.$mode.log"; then
        fail "assert-fires/$mode" "sizeof(struct start_info) == 1167 compiled"
    elif ! grep -q deliberately_wrong "$OUT/assert-bad.$mode.log"; then
        fail "assert-fires/$mode" "failed, but not on the assertion: $(first_error "$OUT/assert-bad.$mode.log")"
    else
        pass "assert-fires/$mode"
    fi
done

# 5. run-time layout and ring checks, as C and as C++
CLOG=$OUT/layout-c.build.log
if gcc -std=c99 -pedantic -O2 -g -Wall -Wextra -Werror -I"$INC" "$HERE/layout.c" \
        -o "$OUT/layout-c" >"$CLOG" 2>&1; then
    timeout 20 "$OUT/layout-c" >"$OUT/layout-c.out" 2>&1
    rc=$?
    cat "$OUT/layout-c.out"
    grep -q '^FAIL ' "$OUT/layout-c.out" && failed=1
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$OUT/layout-c.out"; then
        fail "layout" "layout test exited with status $rc"
    fi
else
    fail "layout" "build: $(first_error "$CLOG")"
fi

XLOG=$OUT/layout-cxx.build.log
if g++ -std=c++11 -O2 -g -Wall -Wextra -Werror -I"$INC" -x c++ "$HERE/layout.c" \
        -o "$OUT/layout-cxx" >"$XLOG" 2>&1; then
    timeout 20 "$OUT/layout-cxx" >"$OUT/layout-cxx.out" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "layout-cxx" "C++ build exited with status $rc: $(grep -m1 '^FAIL' "$OUT/layout-cxx.out")"
    elif ! cmp -s "$OUT/layout-c.out" "$OUT/layout-cxx.out"; then
        fail "layout-cxx" "C++ build prints something else than the C build (see $OUT)"
    else
        pass "layout-cxx"
    fi
else
    fail "layout-cxx" "build: $(first_error "$XLOG")"
fi

exit $failed
