/* Suites of the kernel's host unit tests; TEST_ONE makes a one-test TCase. */
#ifndef KTESTS_H
#define KTESTS_H

#include <check.h>

Suite *cpio_suite(void);
Suite *elf_suite(void);
Suite *store_wire_suite(void);
Suite *ring_suite(void);
Suite *pvclock_suite(void);
Suite *path_suite(void);
Suite *store_client_suite(void);
Suite *vfs_suite(void);
Suite *console_suite(void);

/* The fake other end of an event channel and its ring page (tests/stubs.c). */
#include <stdint.h>
typedef void (*fake_handler_t)(unsigned int port, void *arg);
struct fake_hv {
    void *page;                        /* what arch_mfn_to_va returns */
    unsigned int port;                 /* the port the driver registered */
    fake_handler_t handler;            /* the driver's event handler */
    void (*on_notify)(unsigned int port);   /* the other end, run on evtchn_notify */
};
extern struct fake_hv fake;

#define ADD_TEST(s, fn) do { TCase *tc = tcase_create(#fn); tcase_add_test(tc, fn); \
                             suite_add_tcase(s, tc); } while (0)

#endif
