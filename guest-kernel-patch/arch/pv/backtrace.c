/* replaces the native unwinder's view of the kernel image: symbol lookup in the table
 * the second link embeds (.ksyms) and a frame-pointer walk of the kernel stack. */
#include "pv.h"

extern const uint64_t ksyms_nr, ksyms_addr[];
extern const uint32_t ksyms_name_off[];
extern const char ksyms_names[];
extern char _image_start[], _image_end[], _text_end[];

const char *arch_symbol(uint64_t addr, uint64_t *off)
{
    uint64_t lo = 0, hi = ksyms_nr;

    if (!ksyms_nr || addr < ksyms_addr[0])
        return NULL;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_addr[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *off = addr - ksyms_addr[lo];
    return ksyms_names + ksyms_name_off[lo];
}

static bool in_text(uint64_t a)
{
    return a >= (uint64_t)_image_start && a < (uint64_t)_text_end;
}

/* A return address: inside the text and right after a call (e8 rel32, ff /2). */
static bool after_call(uint64_t ret)
{
    const uint8_t *p = (const uint8_t *)ret;

    if (!in_text(ret - 6))
        return false;
    return p[-5] == 0xE8 || (p[-2] == 0xFF && (p[-1] & 0x38) == 0x10) ||
           (p[-3] == 0xFF && (p[-2] & 0x38) == 0x10) || (p[-6] == 0xFF && (p[-5] & 0x38) == 0x10);
}

/* A fault in a function without a frame of its own (a leaf): its caller's return
 * address is at the top of the stack. Frames are trusted only while they stay inside
 * the kernel's memory. */
void arch_backtrace_fault(uint64_t rsp, uint64_t rbp)
{
    printk("  backtrace:\n");
    if (rsp >= (uint64_t)_image_start && rsp + 8 <= (boot.nr_pages << PAGE_SHIFT) &&
        !(rsp & 7)) {
        uint64_t ret = *(uint64_t *)rsp, off = 0;
        const char *s = arch_symbol(ret, &off);
        if (s && after_call(ret) && (rbp < rsp || ((uint64_t *)rbp)[1] != ret))
            printk("    %#lx <%s+%#lx>\n", (unsigned long)ret, s, (unsigned long)off);
    }
    arch_backtrace_frames(rbp);
}

void arch_backtrace(uint64_t rbp)
{
    printk("  backtrace:\n");
    arch_backtrace_frames(rbp);
}

void arch_backtrace_frames(uint64_t rbp)
{
    for (int depth = 0; depth < 16 && rbp && !(rbp & 7); depth++) {
        if (rbp < (uint64_t)_image_start || rbp + 16 > (boot.nr_pages << PAGE_SHIFT))
            break;
        uint64_t ret = ((uint64_t *)rbp)[1], off = 0;
        const char *s = arch_symbol(ret, &off);
        if (!s || ret >= (uint64_t)_image_end)
            break;
        printk("    %#lx <%s+%#lx>\n", (unsigned long)ret, s, (unsigned long)off);
        rbp = ((uint64_t *)rbp)[0];
    }
}
