/* Debug keys: 'h' lists them; each prints one diagnostic to the console. */
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

static const struct {
    char key;
    const char *what;
    void (*fn)(void);
} keys[] = {
    { 'h', "list the debug keys", key_help },
    { 'm', "memory summary and frame-allocator check", key_memory },
    { 'd', "dump the hypervisor log (dmesg)", key_dmesg },
    { 't', "system time", key_time },
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
