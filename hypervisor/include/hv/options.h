/* The hypervisor's command-line options (Multiboot2 command line). */
#ifndef XLITE_OPTIONS_H
#define XLITE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct hv_options {
    bool console_com1;      /* console=com1 (default) | none */
    int loglvl;             /* console log level, enum log_level */
    uint64_t dom0_mem;      /* bytes; 0 = builder's default */
    bool dom0_none;         /* dom0=none: no dom0, only boot-time domains (domU modules) */
    bool exit_on_shutdown;  /* end QEMU via isa-debug-exit when nothing is left to run */
    char crash_test[8];     /* debug: trigger a hypervisor fault (pf, ud, gp, de) */
    bool bench;             /* print "bench ..." figures, count cycles per hypercall */
};

extern struct hv_options hv_opts;

/* TSC read first thing in start_xlite (common/main.c), for the bench figures. */
extern uint64_t bench_boot_tsc;

/* The hypervisor's command line as the boot loader gave it. */
const char *hv_cmdline(void);

/* Parse the command line into hv_opts; problems are logged, never fatal. */
void options_parse(const char *cmdline);

#endif
