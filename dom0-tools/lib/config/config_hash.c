/* kernel_xxh3: the XXH3-64 of the kernel image, compared before building a domain. */
#include "config.h"

#include <stdio.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

uint64_t config_kernel_hash(const void *image, size_t len)
{
    return (uint64_t)XXH3_64bits(image, len);
}

int config_kernel_check(const struct domain_config *c, const void *image, size_t len,
                        char *err, size_t errlen)
{
    uint64_t h;

    if (!c->has_kernel_xxh3)
        return 0;
    h = config_kernel_hash(image, len);
    if (h == c->kernel_xxh3)
        return 0;
    snprintf(err, errlen, "kernel_xxh3: kernel %s hashes to %016llx, config says %016llx",
             c->kernel, (unsigned long long)h, (unsigned long long)c->kernel_xxh3);
    return -1;
}
