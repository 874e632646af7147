/* What the toolstack remembers about a domain it built, one file per domain:
 * /run/xlite/d<ID>, "key=value" lines. `xlite create` writes it; `xlite list -l`, the
 * console daemon (ring frame and port) and the lifecycle actions read it; `xlite
 * destroy` removes it. */
#ifndef XLITE_TOOLS_DOMREC_H
#define XLITE_TOOLS_DOMREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DOMREC_DIR   "/run/xlite"
#define DOMREC_ARGS  16

struct domrec {
    uint32_t domid;
    char name[64];
    char config[256];                 /* the config file it was created from */
    char args[DOMREC_ARGS][128];      /* key=value overrides given to create */
    unsigned int nargs;
    char kernel[256];
    uint64_t kernel_xxh3;
    char cmdline[1024];
    uint64_t console_mfn, store_mfn;
    uint32_t console_port, store_port;
    char on_poweroff[16], on_reboot[16], on_crash[16];
    uint32_t memory_mib, maxmem_mib, vcpus, maxvcpus;
    uint64_t created_ns;              /* monotonic clock at create (written last) */
};

/* "/run/xlite/d<ID>" into buf. */
void domrec_path(uint32_t domid, char *buf, size_t size);
/* 0, or -1 with errno. */
int domrec_write(const struct domrec *r);
/* 0, or -1 (missing or unreadable; unknown keys are ignored). */
int domrec_read(uint32_t domid, struct domrec *r);
int domrec_remove(uint32_t domid);
/* Whether xlstored runs (its pid file exists): without it domains get no store. */
bool store_running(void);
#define XLSTORED_PIDFILE DOMREC_DIR "/xlstored.pid"
#define XLCONSOLED_PIDFILE DOMREC_DIR "/xlconsoled.pid"

#endif
