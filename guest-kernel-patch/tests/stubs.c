/* What the kernel's portable files need from the rest of the kernel, for the host
 * tests: memory from malloc (pages page-aligned, so VA = PFN * 4 KiB holds), a silent
 * printk, strlcpy (not in glibc), and a fake event channel (struct fake_hv) through
 * which a test plays the other end of a ring. */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "arch.h"
#include "ktests.h"
#include "sched.h"

struct fake_hv fake;
struct boot_info boot;
struct thread *current;
int kernel_domid;

struct thread *thread_create(const char *n, void (*fn)(void *), void *a)
{
    (void)n, (void)fn, (void)a;
    return NULL;
}

int arch_domid(void)
{
    return 5;
}

void arch_shutdown(unsigned int reason)
{
    (void)reason;
    abort();
}

void *arch_mfn_to_va(uint64_t mfn)
{
    (void)mfn;
    return fake.page;
}

void evtchn_set_handler(unsigned int port, evtchn_handler_t h, void *arg)
{
    (void)arg;
    fake.port = port;
    fake.handler = h;
}

void evtchn_unmask(unsigned int port)
{
    (void)port;
}

void evtchn_notify(unsigned int port)
{
    if (fake.on_notify)
        fake.on_notify(port);
}

/* Sleeping means waiting for the other end: deliver its event at once. */
bool waitq_wait(struct waitq *w, uint64_t deadline)
{
    (void)w, (void)deadline;
    if (fake.handler)
        fake.handler(fake.port, NULL);
    return true;
}

void waitq_wake_all(struct waitq *w)
{
    (void)w;
}

void printk(const char *fmt, ...)
{
    (void)fmt;
}

uint64_t page_alloc_n(unsigned int n)
{
    void *p = aligned_alloc(PAGE_SIZE, n * PAGE_SIZE);
    if (!p)
        return 0;
    memset(p, 0, n * PAGE_SIZE);
    return va_to_pfn(p);
}

uint64_t page_alloc(void)
{
    return page_alloc_n(1);
}

void page_free(uint64_t pfn)
{
    free(pfn_to_va(pfn));
}

void *kmalloc(size_t n)
{
    return n > PAGE_SIZE ? NULL : calloc(1, n);
}

void *kzalloc(size_t n)
{
    return kmalloc(n);
}

void kfree(void *p)
{
    free(p);
}

size_t strlcpy(char *d, const char *s, size_t size)
{
    size_t n = strlen(s);

    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(d, s, k);
        d[k] = '\0';
    }
    return n;
}
