#!/usr/bin/env bash
# Hostile unprivileged domains beside a victim (issue "hostile guests"): with
# dom0=none, domains that free page tables under CR3 (test_hostile_baseptr), feed
# absurd times to every timer (test_hostile_timers), hand VCPUOP_initialise the
# hypervisor's selectors and an FPU image FXRSTOR would refuse
# (domu_hostile_vcpu_init), and iret to a GDT data segment (test_hostile_iret_gdt_cs,
# which is crashed for it) all run next to domu_mmu_victim.elf, which outlives them and
# finds its memory, page tables and M2P entries untouched. Nothing faults in the
# hypervisor, only the iret domain crashes, and every frame comes back.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}
victim=$guests/domu_mmu_victim.elf
baseptr=$guests/test_hostile_baseptr.elf
timers=$guests/test_hostile_timers.elf
vcpu=$guests/domu_hostile_vcpu_init.elf
iret=$guests/test_hostile_iret_gdt_cs.elf
for f in "$victim" "$baseptr" "$timers" "$vcpu" "$iret"; do
    [[ -f $f ]] || fail "no $f (make guests)"
done

boot_build_iso hostile-guests -c "exit_on_shutdown dom0=none" \
    -m "$victim domU name=victim memory=8 cmdline=\"watch_first=2 watch_last=5\"" \
    -m "$baseptr domU name=baseptr memory=16" \
    -m "$timers domU name=timers memory=8" \
    -m "$vcpu domU name=vcpuinit memory=8 vcpus=2" \
    -m "$iret domU name=iret memory=8"
boot_iso hostile-guests "$BOOT_ISO"

expect "^domU module 4: d5 'iret': 8 MiB"
expect_exit 5 55

says baseptr '^PASS new_baseptr_away_from_unpinned_l4$' '^PASS batch_new_baseptr_unpin_flush$' \
    '^PASS new_user_baseptr_from_unpinned_l4$' '^DONE 3 passed, 0 failed$'
says timers '^PASS periodic_period_limits$' '^PASS periodic_1ms_ticks$' \
    '^PASS far_singleshot_times$' '^DONE 3 passed, 0 failed$'
says vcpuinit '^PASS initialise_bad_selectors_einval$' '^PASS initialise_fpu_mxcsr_masked$' \
    '^DONE 2 passed, 0 failed$'
has '^d5 \(iret\): crashed: return to guest faulted$'
says victim '^PASS victim_outlived_attackers$' '^PASS victim_intact$' '^DONE 2 passed, 0 failed$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'HYPERVISOR FAULT|LEAK|still referenced|\((victim|baseptr|timers|vcpuinit)\) FAIL'
reject '^d[1-4] \([a-z]+\): crashed'
