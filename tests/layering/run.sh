#!/usr/bin/env bash
# The hypervisor's layering, checked (docs/ARCHITECTURE.md, "Layers and the arch
# interface"): prints PASS/FAIL lines and "layering: N passed, M failed".
#  - common code (hypervisor/common, hypervisor/include/hv) includes only <hv/...>,
#    the arch interface <asm/...>, the ABI <xlite/...> and the C library's <std*.h>;
#  - every arch interface header is listed in docs/ARCHITECTURE.md;
#  - arch code includes common code only through <hv/...> (no quoted includes);
#  - no hypervisor source file has more than 800 lines;
#  - each hypercall handler is defined in the file its prototype names.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0 failed=0
pass() { echo "PASS layering/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL layering/$1: $2"; failed=$((failed + 1)); }

bad=$(grep -Hn '^#include' hypervisor/common/*.c hypervisor/include/hv/*.h |
      grep -vE '#include <(hv|asm|xlite)/[a-z0-9_/]+\.h>|#include <std[a-z]+\.h>' || true)
[[ -z $bad ]] && pass common_includes_only_hv_asm_xlite \
    || fail common_includes_only_hv_asm_xlite "$(echo "$bad" | head -3 | tr '\n' ' ')"

missing=""
for h in hypervisor/arch/*/include/asm/*.h; do
    grep -q "asm/$(basename "$h")" docs/ARCHITECTURE.md || missing+=" asm/$(basename "$h")"
done
[[ -z $missing ]] && pass arch_interface_documented \
    || fail arch_interface_documented "not in docs/ARCHITECTURE.md:$missing"

quoted=$(grep -rHn '^#include "' hypervisor --include='*.[chS]' || true)
[[ -z $quoted ]] && pass no_quoted_includes \
    || fail no_quoted_includes "$(echo "$quoted" | head -3 | tr '\n' ' ')"

long=$(find hypervisor -name '*.[chS]' -exec wc -l {} + | awk '$2 != "total" && $1 > 800')
[[ -z $long ]] && pass no_file_over_800_lines || fail no_file_over_800_lines "$long"

# "long do_NAME(...);  /* FILE.c */" in hv/hypercall.h (common/) and asm/hypercall.h
# (arch/<arch>/): the named file defines do_NAME.
wrong=""
check_protos() {
    local header=$1 dir=$2 line name file
    while read -r line; do
        name=$(sed -E 's/^long (do_[a-z_0-9]+)\(.*/\1/' <<< "$line")
        file=$(sed -nE 's|.*/\* ([a-z_0-9]+\.c) \*/.*|\1|p' <<< "$line")
        [[ -n $file ]] || { wrong+=" $name(no file)"; continue; }
        grep -qE "^long $name\(" "$dir/$file" 2> /dev/null || wrong+=" $name($file)"
    done < <(awk '/^long do_/ { l = $0; while (l !~ /;/) { getline n; l = l " " n } print l }' \
                 "$header")
}
check_protos hypervisor/include/hv/hypercall.h hypervisor/common
for a in hypervisor/arch/*/; do
    check_protos "$a/include/asm/hypercall.h" "$a"
done
[[ -z $wrong ]] && pass handlers_in_named_files || fail handlers_in_named_files "$wrong"

echo "layering: $passed passed, $failed failed"
(( failed == 0 ))
