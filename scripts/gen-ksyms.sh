#!/bin/sh
# Generate the hypervisor's symbol table (assembly for the .ksyms section) from an ELF
# image: text symbols only, sorted by address, duplicates collapsed. With no ELF
# argument, emit an empty table for the first link.
set -eu
elf=${1:-}
if [ -n "$elf" ]; then
    nm -n --defined-only "$elf" | awk '$2 ~ /^[tTwW]$/ && $3 !~ /^(\.L|__text_|start32$)/'
fi | awk '
    BEGIN { n = 0 }
    { if (n > 0 && $1 == addr[n - 1]) next; addr[n] = $1; name[n] = $3; n++ }
    END {
        print "\t.section .ksyms, \"a\""
        print "\t.balign 8"
        print "\t.global ksyms_nr, ksyms_addr, ksyms_name_off, ksyms_names"
        print "ksyms_nr:\n\t.quad " n
        print "ksyms_addr:"
        for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
        print "ksyms_name_off:"
        off = 0
        for (i = 0; i < n; i++) { print "\t.long " off; off += length(name[i]) + 1 }
        print "ksyms_names:"
        for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
        print "\t.byte 0"
    }'
