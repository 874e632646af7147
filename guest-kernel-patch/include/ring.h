/* Byte rings with free-running 32-bit indices (portable, host-tested): used = wr - rd
 * modulo 2^32, the slot is index % size. Pipes, the console input ring and the
 * hypervisor's console/store rings all follow this rule. */
#ifndef RING_H
#define RING_H

#include <stddef.h>
#include <stdint.h>

#define PIPE_BUF_SIZE 4096

static inline uint32_t ring_used(uint32_t rd, uint32_t wr) { return wr - rd; }

/* Copy out up to n bytes; advances *rd. A corrupt producer index (more than size
 * "used") is clamped to size. */
static inline size_t ring_get(const char *buf, uint32_t size, uint32_t *rd, uint32_t wr,
                              char *dst, size_t n)
{
    uint32_t used = ring_used(*rd, wr);
    size_t k = 0;

    if (used > size)
        used = size;
    while (k < n && k < used) {
        dst[k] = buf[(*rd + k) % size];
        k++;
    }
    *rd += (uint32_t)k;
    return k;
}

/* Copy in up to n bytes while there is room; advances *wr. */
static inline size_t ring_put(char *buf, uint32_t size, uint32_t rd, uint32_t *wr,
                              const char *src, size_t n)
{
    uint32_t used = ring_used(rd, *wr);
    size_t k = 0;

    if (used > size)
        return 0;
    while (k < n && used + k < size) {
        buf[(*wr + k) % size] = src[k];
        k++;
    }
    *wr += (uint32_t)k;
    return k;
}

#endif
