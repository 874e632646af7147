/* Frame allocator (a bitmap over the free PFN range, first fit from a moving hint) and
 * kmalloc (power-of-two size classes carved out of whole pages). */
#include "kernel.h"

#define MAX_FRAMES (256ul << 8)

static uint64_t bitmap[MAX_FRAMES / 64];   /* 1 = free */
static uint64_t base_pfn, end_pfn, nr_free, nr_total, hint;

void page_alloc_init(uint64_t first, uint64_t end)
{
    base_pfn = first;
    end_pfn = MIN(end, MAX_FRAMES);
    for (uint64_t p = first; p < end_pfn; p++)
        bitmap[p / 64] |= 1ull << (p % 64);
    nr_free = nr_total = end_pfn - first;
    hint = first;
}

static bool is_free(uint64_t p) { return bitmap[p / 64] >> (p % 64) & 1; }

uint64_t page_alloc_n(unsigned int n)
{
    if (nr_free < n)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t p = pass ? base_pfn : hint;
        while (p + n <= end_pfn) {
            if (!bitmap[p / 64] && p % 64 == 0) {
                p += 64;
                continue;
            }
            unsigned int k = 0;
            while (k < n && is_free(p + k))
                k++;
            if (k == n) {
                for (k = 0; k < n; k++)
                    bitmap[(p + k) / 64] &= ~(1ull << ((p + k) % 64));
                nr_free -= n;
                hint = p + n;
                memset(pfn_to_va(p), 0, n * PAGE_SIZE);
                return p;
            }
            p += k + 1;
        }
    }
    return 0;
}

uint64_t page_alloc(void)
{
    return page_alloc_n(1);
}

void page_free(uint64_t pfn)
{
    if (pfn < base_pfn || pfn >= end_pfn || is_free(pfn))
        panic("page_free: bad frame %#lx", (unsigned long)pfn);
    bitmap[pfn / 64] |= 1ull << (pfn % 64);
    nr_free++;
    if (pfn < hint)
        hint = pfn;
}

uint64_t page_free_count(void) { return nr_free; }
uint64_t page_total_count(void) { return nr_total; }

/* ------------------------------------------------------------------ kmalloc */
/* Each page of a size class starts with this header; free chunks are chained. */
struct slab_page {
    uint32_t size;
    uint32_t used;
};
#define NCLASSES 8                    /* 32 .. 4096 */
static void *free_chunks[NCLASSES];

static unsigned int class_of(size_t n)
{
    unsigned int c = 0;

    while ((32ul << c) < n)
        c++;
    return c;
}

void *kmalloc(size_t n)
{
    if (n > PAGE_SIZE)
        return NULL;
    if (n > PAGE_SIZE / 2) {
        uint64_t p = page_alloc();
        return p ? pfn_to_va(p) : NULL;
    }
    unsigned int c = class_of(n);
    size_t size = 32ul << c;
    if (!free_chunks[c]) {
        uint64_t p = page_alloc();
        if (!p)
            return NULL;
        char *pg = pfn_to_va(p);
        ((struct slab_page *)pg)->size = (uint32_t)size;
        /* The first chunk holds the header. */
        for (size_t off = size; off + size <= PAGE_SIZE; off += size) {
            *(void **)(pg + off) = free_chunks[c];
            free_chunks[c] = pg + off;
        }
    }
    void *r = free_chunks[c];
    free_chunks[c] = *(void **)r;
    memset(r, 0, size);
    return r;
}

void *kzalloc(size_t n)
{
    return kmalloc(n);
}

void kfree(void *p)
{
    if (!p)
        return;
    if (((uintptr_t)p & (PAGE_SIZE - 1)) == 0) {
        page_free(va_to_pfn(p));
        return;
    }
    struct slab_page *sp = (void *)((uintptr_t)p & ~(PAGE_SIZE - 1));
    unsigned int c = class_of(sp->size);
    *(void **)p = free_chunks[c];
    free_chunks[c] = p;
}
