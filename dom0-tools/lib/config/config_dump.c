/* config_dump: a struct domain_config back to xl.cfg text (`xlite create -n`). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* An snprintf-style appender: counts everything, writes what fits. */
struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

/* key = "s", escaping what the grammar needs escaped. */
static void put_string(struct out *o, const char *key, const char *s)
{
    put(o, "%s = \"", key);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            put(o, "\\%c", c);
        else if (c < 32 || c == 127)
            put(o, "\\x%02x", c);
        else
            put(o, "%c", c);
    }
    put(o, "\"\n");
}

size_t config_dump(const struct domain_config *c, char *buf, size_t size)
{
    struct out o = { buf, size, 0 };

    if (size > 0)
        buf[0] = '\0';
    put_string(&o, "name", c->name);
    put_string(&o, "type", "pv");
    put_string(&o, "kernel", c->kernel);
    if (c->ramdisk[0] != '\0')
        put_string(&o, "ramdisk", c->ramdisk);
    if (c->cmdline[0] != '\0')
        put_string(&o, "cmdline", c->cmdline);
    put(&o, "memory = %u\nmaxmem = %u\n", c->memory_mib, c->maxmem_mib);
    put(&o, "vcpus = %u\nmaxvcpus = %u\n", c->vcpus, c->maxvcpus);
    put_string(&o, "on_poweroff", config_action_name(c->on_poweroff));
    put_string(&o, "on_reboot", config_action_name(c->on_reboot));
    put_string(&o, "on_crash", config_action_name(c->on_crash));
    if (c->has_uuid) {
        const uint8_t *u = c->uuid;

        put(&o, "uuid = \"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
            "%02x%02x%02x%02x%02x%02x\"\n", u[0], u[1], u[2], u[3], u[4], u[5], u[6],
            u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    }
    if (c->has_kernel_xxh3)
        put(&o, "kernel_xxh3 = \"%016llx\"\n", (unsigned long long)c->kernel_xxh3);
    for (size_t i = 0; i < c->n_extra; i++)
        put(&o, "%s = %s\n", c->extra[i].key, c->extra[i].value);
    return o.len;
}
