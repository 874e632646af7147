#!/usr/bin/env bash
# Build a BIOS-bootable ISO in which GRUB (on the serial console) boots the
# hypervisor through Multiboot2, with optional modules.
#
#   scripts/mkiso.sh -o OUT.iso -k HYPERVISOR.elf [-c "command line"] \
#                    [-m "FILE[ module string]"]...
#
# Each -m adds one module, in order; its string is what follows the first space.
# GRUB splits every command line into words and joins them again with single
# spaces, so runs of blanks collapse; quotes and backslashes inside a word reach
# the kernel backslash-escaped (that is GRUB's own re-quoting, not ours).
set -euo pipefail

usage() {
    echo "usage: $0 -o OUT.iso -k HYPERVISOR.elf [-c CMDLINE] [-m 'FILE[ STRING]']..." >&2
    exit 2
}
die() { echo "mkiso: $*" >&2; exit 1; }

out="" kernel="" cmdline=""
modules=()
while getopts "o:k:c:m:h" opt; do
    case $opt in
        o) out=$OPTARG ;;
        k) kernel=$OPTARG ;;
        c) cmdline=$OPTARG ;;
        m) modules+=("$OPTARG") ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[[ $# -eq 0 && -n $out && -n $kernel ]] || usage

[[ -f $kernel ]] || die "hypervisor '$kernel' not found"
grub-file --is-x86-multiboot2 "$kernel" \
    || die "'$kernel' is not a Multiboot2 x86 kernel (grub-file --is-x86-multiboot2 failed)"

# Turn one word into a GRUB script token that evaluates to exactly that word:
# bare if harmless, else single-quoted (no $-expansion inside), with each '
# written as '\'' like in sh.
grub_word() {
    if [[ $1 =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then
        printf ' %s' "$1"
    else
        printf " '%s'" "${1//\'/\'\\\'\'}"
    fi
}

# The words of a command line or module string, each as a safe GRUB token.
grub_args() {
    local words w
    [[ $1 != *$'\n'* ]] || die "newline in command line or module string: '$1'"
    read -ra words <<< "$1"
    for w in "${words[@]}"; do grub_word "$w"; done
}

# Stage next to OUT so that large modules are copied within one filesystem.
outdir=$(dirname -- "$out")
mkdir -p -- "$outdir"
tmp=$(mktemp -d "$outdir/.mkiso.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
stage=$tmp/iso
mkdir -p "$stage/boot/grub"

# Copy FILE into /boot under its own name (prefixed with TAG if that name is
# already taken) and print the path GRUB will see.
stage_file() {
    local name
    name=$(basename -- "$1")
    [[ ! -e $stage/boot/$name ]] || name="$2-$name"
    cp -- "$1" "$stage/boot/$name"
    printf '/boot/%s' "$name"
}

# Each $(...) is assigned on its own so that a failure inside stops the script.
path=$(stage_file "$kernel" hv)
args=$(grub_args "$cmdline")
entry="    multiboot2 $path$args"
i=0
for m in "${modules[@]}"; do
    file=${m%% *}
    string=""
    [[ $m != *" "* ]] || string=${m#* }
    [[ -f $file ]] || die "module '$file' not found"
    path=$(stage_file "$file" "mod$i")
    args=$(grub_args "$string")
    entry+=$'\n'"    module2 $path$args"
    i=$((i + 1))
done

cat > "$stage/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry 'xlite' {
$entry
}
EOF

# BIOS only (-d i386-pc), no fonts/locales/themes, and only the GRUB modules the
# config needs: quicker and smaller. Quiet unless it fails.
if ! grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" \
        --fonts= --locales= --themes= \
        --install-modules="multiboot2 normal serial terminal" \
        "$stage" > "$tmp/mkrescue.log" 2>&1; then
    cat "$tmp/mkrescue.log" >&2
    die "grub-mkrescue failed for '$out'"
fi
