/* Debug keys: 'h' lists them; each prints one diagnostic to the console. */
#include <hv/domain.h>
#include <hv/event_channel.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/keyhandler.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>
#include <asm/time.h>

static void key_help(void);

static void key_memory(void)
{
    show_memory_summary();
    printk("frames: %lu managed, %lu free; allocator %s\n", frame_alloc.nr_managed,
           frame_alloc.nr_free, frames_check(&frame_alloc) ? "INCONSISTENT" : "consistent");
}

static void key_dmesg(void)
{
    printk("--- log ring buffer ---\n");
    logbuf_dump();
    printk("--- end of log ---\n");
}

static void key_time(void)
{
    uint64_t ns = now_ns();

    printk("time: %lu.%09lu s since boot, TSC %lu Hz\n", ns / 1000000000, ns % 1000000000,
           tsc_hz);
}

/* Every vCPU's scheduling state: tells a guest that put itself to sleep for good (blocked
 * with no timer armed and nothing pending) from a lost wake-up or a spinning vCPU. */
static void key_vcpus(void)
{
    uint64_t now = now_ns();

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        const struct domain *d = domains[i];
        if (!d || d->state != DOM_RUNNING)
            continue;
        for (unsigned int n = 0; n < d->max_vcpus; n++) {
            const struct vcpu *v = d->vcpus[n];
            if (!v)
                continue;
            const struct vcpu_info *vi = v->vcpu_info;
            char poll[64];
            evtchn_poll_describe(v, poll, sizeof(poll));
            printk("vcpu d%u v%u: %s%s%s%s runstate %d upcall mask %u pending %u sel %#lx "
                   "singleshot %s%ld us periodic %s%lu us rip %#lx\n",
                   d->id, v->id, v->online ? "up" : "down", v->blocked ? " blocked" : "",
                   poll, d->paused ? " paused" : "", v->runstate.state,
                   vi ? vi->evtchn_upcall_mask : 0, vi ? vi->evtchn_upcall_pending : 0,
                   vi ? (unsigned long)vi->evtchn_pending_sel : 0ul,
                   v->singleshot.active ? "in " : "off ",
                   v->singleshot.active ? (long)(v->singleshot.expires - now) / 1000 : 0l,
                   v->periodic.active ? "every " : "off ",
                   v->periodic.active ? (unsigned long)(v->periodic_ns / 1000) : 0ul,
                   (unsigned long)v->regs.rip);
        }
    }
}

static const struct {
    char key;
    const char *what;
    void (*fn)(void);
} keys[] = {
    { 'h', "list the debug keys", key_help },
    { 'm', "memory summary and frame-allocator check", key_memory },
    { 'd', "dump the hypervisor log (dmesg)", key_dmesg },
    { 't', "system time", key_time },
    { 'v', "vCPU states (blocked, timers, pending events)", key_vcpus },
    { 'p', "hypercall profile (with the 'bench' option)", hypercall_profile_show },
};

static void key_help(void)
{
    printk("Debug keys:");
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        printk(" '%c' %s%s", keys[i].key, keys[i].what, i + 1 < ARRAY_SIZE(keys) ? ";" : "\n");
}

void handle_debug_key(int key)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (keys[i].key == key) {
            keys[i].fn();
            return;
        }
    }
    if (key != '\r' && key != '\n')
        printk("debug key '%c' (0x%02x) unknown; 'h' lists them\n",
               key >= 0x20 && key < 0x7F ? key : '?', key);
}
