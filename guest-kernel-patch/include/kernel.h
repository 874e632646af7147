/* Common definitions of the xlite guest kernel: types, logging, panics, strings, lists,
 * the page and small-object allocators. Portable code includes only this. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/xlite_sys.h"

#define NORETURN __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

/* ------------------------------------------------------------------ strings */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t size);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF(3, 4);

/* ------------------------------------------------------------------ log */
/* Into the kernel log ring (dmesg) and onto the console. */
void printk(const char *fmt, ...) PRINTF(1, 2);
/* Copy up to n bytes of the log ring, oldest first; returns the count. */
size_t klog_read(char *buf, size_t n);
NORETURN void panic(const char *fmt, ...) PRINTF(1, 2);

/* ------------------------------------------------------------------ lists */
struct list { struct list *next, *prev; };
#define LIST_INIT(l) { &(l), &(l) }
static inline void list_init(struct list *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct list *l) { return l->next == l; }
static inline void list_add_tail(struct list *l, struct list *e)
{
    e->prev = l->prev;
    e->next = l;
    l->prev->next = e;
    l->prev = e;
}
static inline void list_del(struct list *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = e;
}
#define list_for_each(it, head) for (struct list *it = (head)->next; it != (head); it = it->next)

/* ------------------------------------------------------------------ memory */
/* Page frames by pseudo-physical frame number; the kernel sees every frame at
 * VA = PFN * 4 KiB (its direct map). */
static inline void *pfn_to_va(uint64_t pfn) { return (void *)(uintptr_t)(pfn << PAGE_SHIFT); }
static inline uint64_t va_to_pfn(const void *va) { return (uint64_t)(uintptr_t)va >> PAGE_SHIFT; }

void page_alloc_init(uint64_t first_pfn, uint64_t end_pfn);
uint64_t page_alloc(void);          /* a zeroed frame's PFN, 0 when memory is out */
uint64_t page_alloc_n(unsigned int n);  /* n contiguous zeroed frames, first PFN or 0 */
void page_free(uint64_t pfn);
uint64_t page_free_count(void);
uint64_t page_total_count(void);

void *kmalloc(size_t n);            /* n <= PAGE_SIZE; NULL when memory is out */
void *kzalloc(size_t n);
void kfree(void *p);

#endif
