/* console_io (hypercall 18): the guest's first output path.
 *
 * Checks: CONSOLEIO_write returns 0 and its bytes reach the hypervisor console as
 * "(d0) ..." lines (run.sh matches the marker lines below), a zero-length write is a
 * no-op returning 0, a bad buffer pointer fails with -EFAULT rather than crashing,
 * an unknown sub-command is -ENOSYS, CONSOLEIO_read works for dom0 (nothing typed:
 * 0), and text written into the console ring page's out[] reaches the log when the
 * domain shuts down.
 * Without it: no test guest can report anything, and a guest pointer the
 * hypervisor dereferences unchecked would take the whole machine down.
 *
 * EXPECT-LOG: ^\(d0\) console-marker-1 abc XYZ 0123456789$
 * EXPECT-LOG: ^\(d0\) console-marker-2 split across two writes$
 * EXPECT-LOG: ^\(d0\) console-marker-3 ring$
 */
#include "rt.h"
#include <xlite/io/console.h>

static void t_write(void)
{
    static const char line[] = "console-marker-1 abc XYZ 0123456789\n";

    t_begin("write_returns_0");
    t_eq("console_io(write) rc",
         HYPERVISOR_console_io(CONSOLEIO_write, sizeof(line) - 1, line), 0);
    t_eq("second half rc", HYPERVISOR_console_io(CONSOLEIO_write, 17, "console-marker-2 "), 0);
    t_eq("first half rc",
         HYPERVISOR_console_io(CONSOLEIO_write, 24, "split across two writes\n"), 0);
    t_end();
}

static void t_zero_length(void)
{
    t_begin("zero_length");
    t_eq("count 0 rc", HYPERVISOR_console_io(CONSOLEIO_write, 0, "never printed\n"), 0);
    t_eq("count 0, NULL buffer rc", HYPERVISOR_console_io(CONSOLEIO_write, 0, NULL), 0);
    t_end();
}

static void t_bad_pointer(void)
{
    t_begin("bad_pointer_efault");
    /* Unmapped lower-half VA, non-canonical VA, the hypervisor's own range. */
    t_eq("unmapped rc",
         HYPERVISOR_console_io(CONSOLEIO_write, 8, (const char *)0x40000000ul), -XEN_EFAULT);
    t_eq("non-canonical rc",
         HYPERVISOR_console_io(CONSOLEIO_write, 8, (const char *)0x8000000000000000ul),
         -XEN_EFAULT);
    t_eq("hypervisor range rc",
         HYPERVISOR_console_io(CONSOLEIO_write, 8, (const char *)0xFFFF830000000000ul),
         -XEN_EFAULT);
    t_end();
}

static void t_unknown_cmd(void)
{
    char buf[8] = "x";

    t_begin("unknown_cmd_enosys");
    t_eq("cmd 2 rc", HYPERVISOR_console_io(2, 1, buf), -XEN_ENOSYS);
    t_eq("cmd 0x7fffffff rc", HYPERVISOR_console_io(0x7fffffff, 1, buf), -XEN_ENOSYS);
    t_end();
}

static void t_read(void)
{
    char buf[16];

    t_begin("read_dom0");
    t_eq("console_io(read) with nothing typed",
         HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
    t_end();
}

/* Put a line into the ring page; the hypervisor drains out[] at the latest when the
 * domain shuts down (dom0 has no console event channel to kick it earlier). */
static void t_ring(void)
{
    static const char line[] = "console-marker-3 ring\n";
    struct xencons_interface *ring = mfn_to_virt(start_info->console.domU.mfn);

    t_begin("ring_page_mapped");
    t_check(start_info->console.domU.mfn != 0, "console.domU.mfn is 0");
    t_eq("in_cons", ring->in_cons, 0);
    t_eq("out_cons", ring->out_cons, 0);
    t_eq("out_prod", ring->out_prod, 0);
    uint32_t prod = ring->out_prod;
    for (size_t i = 0; i < sizeof(line) - 1; i++, prod++)
        ring->out[MASK_XENCONS_IDX(prod, ring->out)] = line[i];
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
    t_end();
}

void test_main(void)
{
    t_write();
    t_zero_length();
    t_bad_pointer();
    t_unknown_cmd();
    t_read();
    t_ring();
}
