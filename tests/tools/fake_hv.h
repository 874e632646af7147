/* An in-memory stand-in for the hypervisor behind dom0-tools/lib/ctrl, for the domain
 * builder's host tests: frames with owners, an M2P, domains, the domctl commands, the
 * memory, MMU, event-channel and grant-table calls the builder makes, foreign mappings
 * with counts, and the caller's allocations. It checks what the real hypervisor would
 * refuse (a pin or hypercall_init while a writable mapping exists, a context whose CR3
 * is not the pinned L4) and records what tests assert on: calls, creates, destroys,
 * frames ever mapped. fail_at / map_fail_at make the Nth hypercall / map fail. */
#ifndef XLITE_TESTS_TOOLS_FAKE_HV_H
#define XLITE_TESTS_TOOLS_FAKE_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "ctrl.h"

#define FAKE_NR_FRAMES   0x10000u
#define FAKE_MFN_BASE    0x80000u         /* MFNs are FAKE_MFN_BASE + index */
#define FAKE_MAX_DOMS    8u
#define FAKE_MAX_MAPS    64u

struct fake_frame {
    bool used;
    bool grant;                 /* a grant-table frame (not guest RAM) */
    bool ever_mapped;
    uint16_t owner;
    uint8_t *page;              /* NULL: all zero */
    unsigned int maps, wmaps;   /* live mappings, writable ones */
    uint64_t m2p;
};

struct fake_dom {
    bool exists;
    domid_t id;
    char name[32];
    uint64_t max_pages, tot_pages;
    uint32_t max_vcpus;
    uint64_t shared_info_mfn, grant_mfn, pinned_l4, hypercall_mfn;
    bool paused, has_ctx;
    struct vcpu_guest_context ctx;
    uint32_t next_port;
    domid_t port_remote[8];
};

struct fake_hv {
    struct fake_frame *frames;      /* FAKE_NR_FRAMES */
    uint64_t free_frames;
    uint64_t next_free;             /* allocation cursor, from the top down */
    struct fake_dom dom[FAKE_MAX_DOMS];
    unsigned int calls, maps_done;  /* hypercalls issued, map() calls */
    unsigned int fail_at;           /* >0: the fail_at-th hypercall fails */
    unsigned int map_fail_at;       /* >0: the map_fail_at-th map() fails */
    bool destroy_fails;             /* destroydomain answers -EBUSY */
    unsigned int creates, destroys;
    long allocs_live, maps_live;
    unsigned int violations;        /* things the real hypervisor would refuse */
    char violation[160];            /* the first one */
    uint64_t reservation_frames;    /* pages increase_reservation handed out */
    struct { void *va; uint64_t mfn; bool writable; } live[FAKE_MAX_MAPS];
    struct ctrl ctrl;
};

void fake_hv_init(struct fake_hv *hv);
void fake_hv_free(struct fake_hv *hv);
/* The domain with this id, or NULL. */
struct fake_dom *fake_dom(struct fake_hv *hv, domid_t id);
/* A frame's bytes (read-only view for checks; all-zero page for untouched frames). */
const uint8_t *fake_page(struct fake_hv *hv, uint64_t mfn);
struct fake_frame *fake_frame(struct fake_hv *hv, uint64_t mfn);
/* Frames currently owned by anyone. */
uint64_t fake_used_frames(const struct fake_hv *hv);

#endif
