/* A domU that gives its console ring frame back (decrease_reservation) has no ring the
 * hypervisor drains any more: text it left there is never read, since the frame may
 * belong to another domain by then. Booted by
 * tests/boot/scenarios/bootdom-console-ring.sh, which checks that the text never shows.
 * Without it: the console timer (or the shutdown) drains the freed frame, reading and
 * writing a page that is no longer this domain's. */
#include <stdbool.h>

#include "ptutil.h"
#include "rt.h"
#include <xlite/io/console.h>

#define SPIN_CYCLES 1000000000ull      /* ~0.4 s: several console timer periods */

void test_main(void)
{
    uint64_t mfn = start_info->console.domU.mfn;
    struct xencons_interface *ring = mfn_to_virt(mfn);
    const char *text = "LEFT IN A FREED RING\n";

    rt_console_ring_off();              /* results through console_io only */
    uint32_t prod = ring->out_prod;
    for (const char *p = text; *p; p++)
        ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = *p;
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);   /* not notified */

    t_begin("console_ring_freed");
    t_eq("unmap", pt_uvm(ring, 0), 0);
    t_eq("decrease_reservation", pt_decrease(mfn), 1);
    t_end();
    uint64_t t0 = __builtin_ia32_rdtsc();
    while (__builtin_ia32_rdtsc() - t0 < SPIN_CYCLES)
        ;
    test_pass("spun_past_console_polls");
    rt_shutdown(SHUTDOWN_poweroff);
}
