/* Bring-up of the frame allocator: size the frame table from the memory map, place it
 * in free RAM, and give the allocator every page that is RAM and not in use (the first
 * MiB, the hypervisor image, the Multiboot2 information, the modules, the table). */
#include <hv/lib.h>
#include <hv/memmap.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <asm/machine.h>
#include <hv/printk.h>

#define MAX_RANGES   (MB2_MAX_MMAP + 8)
#define LOW_RESERVED (1ul << 20)       /* BIOS data, real-mode trampolines later */

struct frame_allocator frame_alloc;
static uint64_t usable_bytes;
static uint64_t table_start, table_bytes;

static size_t collect_reserved(const struct boot_info *bi, uint64_t mbi_maddr,
                               struct mem_range *r)
{
    extern char __image_start[], __image_end[];
    size_t n = 0;

    r[n++] = (struct mem_range){ 0, LOW_RESERVED };
    r[n++] = (struct mem_range){ virt_to_maddr(__image_start), virt_to_maddr(__image_end) };
    r[n++] = (struct mem_range){ mbi_maddr, mbi_maddr + bi->info_size };
    for (uint32_t i = 0; i < bi->nr_modules; i++)
        r[n++] = (struct mem_range){ bi->modules[i].start, bi->modules[i].end };
    return n;
}

static size_t collect_available(const struct boot_info *bi, struct mem_range *a)
{
    size_t n = 0;

    for (uint32_t i = 0; i < bi->nr_mmap; i++)
        if (bi->mmap[i].type == MB2_MEM_AVAILABLE && bi->mmap[i].len)
            a[n++] = (struct mem_range){ bi->mmap[i].addr, bi->mmap[i].addr + bi->mmap[i].len };
    return n;
}

void page_alloc_init(const struct boot_info *bi, uint64_t mbi_maddr)
{
    static struct mem_range avail[MB2_MAX_MMAP], reserved[MB2_MAX_MODULES + 8];
    static struct mem_range free_r[MAX_RANGES];
    size_t na = collect_available(bi, avail);
    size_t nr = collect_reserved(bi, mbi_maddr, reserved);
    int nf = memmap_free_ranges(avail, na, reserved, nr, free_r, MAX_RANGES);

    if (nf <= 0)
        panic("mm: no free RAM in the memory map");

    /* The table covers frames 0 .. end of the highest free range. */
    uint64_t nr_frames = free_r[nf - 1].end >> PAGE_SHIFT;
    table_bytes = ALIGN_UP(nr_frames * sizeof(struct frame), PAGE_SIZE);
    table_start = 0;
    for (int i = 0; i < nf && !table_start; i++)
        if (free_r[i].end - free_r[i].start >= table_bytes)
            table_start = free_r[i].start;
    if (!table_start)
        panic("mm: no room for a %lu KiB frame table", table_bytes >> 10);

    reserved[nr++] = (struct mem_range){ table_start, table_start + table_bytes };
    nf = memmap_free_ranges(avail, na, reserved, nr, free_r, MAX_RANGES);
    frames_init(&frame_alloc, maddr_to_virt(table_start), 0, nr_frames);
    frame_alloc.flush_tlb = flush_tlb_all;
    for (int i = 0; i < nf; i++)
        frames_add_free_range(&frame_alloc, free_r[i].start >> PAGE_SHIFT,
                              free_r[i].end >> PAGE_SHIFT);
    usable_bytes = mb2_usable_bytes(bi);
    pr_info("mm: frame table %lu frames, %lu KiB at %#lx\n", nr_frames, table_bytes >> 10,
            table_start);
    if (frames_check(&frame_alloc))
        panic("mm: frame allocator inconsistent after initialisation");
}

void show_memory_summary(void)
{
    printk("Memory: %lu MiB usable RAM, %lu MiB free\n", usable_bytes >> 20,
           (frame_alloc.nr_free << PAGE_SHIFT) >> 20);
}
