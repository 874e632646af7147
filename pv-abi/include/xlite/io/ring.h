/* xlite PV ABI: the shared request/response ring a split driver's front and back end use. */
#ifndef XLITE_PV_ABI_IO_RING_H
#define XLITE_PV_ABI_IO_RING_H

#include "../xen.h"

/*
 * The protocol (what both ends must agree on; wire-compatible with Xen):
 *
 *  - A ring occupies one (or more, contiguous) shared pages: a 64-byte header
 *    of four indices, then nr_ents slots. nr_ents is the largest power of two
 *    that fits. Each slot holds one request or, later, its response.
 *  - Indices are free-running 32-bit counters (RING_IDX). They are reduced
 *    modulo nr_ents only to address a slot and wrap at 2^32, so "how many"
 *    is always a plain unsigned subtraction.
 *  - The front end writes requests and advances req_prod; the back end reads
 *    them, writes responses into the same slots and advances rsp_prod. At
 *    most nr_ents requests are outstanding at any time.
 *  - Publishing: write the slots, write barrier, then store the producer
 *    index. Consuming: load the producer index once, read barrier, then read
 *    the slots up to it.
 *  - Notification: a consumer that is about to sleep stores in its *_event
 *    the index whose arrival should wake it (its consumer index + 1). A
 *    producer that moved its index from old to new must send an event iff
 *    event lies in (old, new], computed modulo 2^32. After arming the event
 *    the consumer issues a full barrier and checks once more, so a request
 *    published concurrently is never missed ("final check").
 *  - A back end must not trust the front end: it bounds what it consumes by
 *    the slots it still owes responses for, and copies a request out of the
 *    shared page before validating it (RING_COPY_REQUEST).
 *
 * Usage, with request type struct foo_req and response type struct foo_rsp:
 *
 *   DEFINE_RING_TYPES(foo, struct foo_req, struct foo_rsp);   (file scope)
 *   front end:  SHARED_RING_INIT(sring); FRONT_RING_INIT(&front, sring, XLITE_PAGE_SIZE);
 *   back end:   BACK_RING_INIT(&back, sring, XLITE_PAGE_SIZE);
 *
 * The memory barriers default to x86-64 ones and may be predefined by the
 * includer (xen_mb, xen_rmb, xen_wmb).
 */

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t RING_IDX;

/* x86-64 ordering: loads are not reordered with loads, nor stores with
 * stores, so rmb/wmb only need to stop the compiler; mb must also order a
 * store before a later load. */
#ifndef xen_mb
#define xen_mb()  __asm__ __volatile__("mfence" : : : "memory")
#endif
#ifndef xen_rmb
#define xen_rmb() __asm__ __volatile__("" : : : "memory")
#endif
#ifndef xen_wmb
#define xen_wmb() __asm__ __volatile__("" : : : "memory")
#endif
#define xlite_compiler_barrier() __asm__ __volatile__("" : : : "memory")

/* Layout of the header every ring page starts with. */
struct xlite_sring_header {
    RING_IDX req_prod;   /* front end: requests published up to here */
    RING_IDX req_event;  /* back end: wake me when req_prod passes this */
    RING_IDX rsp_prod;   /* back end: responses published up to here */
    RING_IDX rsp_event;  /* front end: wake me when rsp_prod passes this */
    uint8_t  pvt[4];     /* reserved for the device protocol */
    uint8_t  pad[44];
};
#define XLITE_SRING_HEADER_SIZE 64

XLITE_ABI_SIZE(struct xlite_sring_header, XLITE_SRING_HEADER_SIZE, sring_header_size);
XLITE_ABI_OFFSET(struct xlite_sring_header, req_prod, 0, sring_header_req_prod);
XLITE_ABI_OFFSET(struct xlite_sring_header, req_event, 4, sring_header_req_event);
XLITE_ABI_OFFSET(struct xlite_sring_header, rsp_prod, 8, sring_header_rsp_prod);
XLITE_ABI_OFFSET(struct xlite_sring_header, rsp_event, 12, sring_header_rsp_event);
XLITE_ABI_OFFSET(struct xlite_sring_header, pvt, 16, sring_header_pvt);

/* Largest power of two <= n, for 0 < n < 2^24 (0 for n == 0). Constant. */
#define XLITE_RING_POW2_FLOOR(n) \
    ((n) >= 0x800000 ? 0x800000 : (n) >= 0x400000 ? 0x400000 : \
     (n) >= 0x200000 ? 0x200000 : (n) >= 0x100000 ? 0x100000 : \
     (n) >= 0x80000 ? 0x80000 : (n) >= 0x40000 ? 0x40000 : \
     (n) >= 0x20000 ? 0x20000 : (n) >= 0x10000 ? 0x10000 : \
     (n) >= 0x8000 ? 0x8000 : (n) >= 0x4000 ? 0x4000 : \
     (n) >= 0x2000 ? 0x2000 : (n) >= 0x1000 ? 0x1000 : \
     (n) >= 0x800 ? 0x800 : (n) >= 0x400 ? 0x400 : \
     (n) >= 0x200 ? 0x200 : (n) >= 0x100 ? 0x100 : \
     (n) >= 0x80 ? 0x80 : (n) >= 0x40 ? 0x40 : \
     (n) >= 0x20 ? 0x20 : (n) >= 0x10 ? 0x10 : \
     (n) >= 0x8 ? 0x8 : (n) >= 0x4 ? 0x4 : \
     (n) >= 0x2 ? 0x2 : (n) >= 0x1 ? 0x1 : 0)

/* Slots of slot_size bytes in a ring area of ring_bytes (header included). */
#define XLITE_RING_NR_ENTS(ring_bytes, slot_size) \
    XLITE_RING_POW2_FLOOR(((ring_bytes) - XLITE_SRING_HEADER_SIZE) / (slot_size))

/* Same, for a DEFINE_RING_TYPES name: usable as an array bound. */
#define XLITE_CONST_RING_SIZE(name, ring_bytes) \
    XLITE_RING_NR_ENTS(ring_bytes, sizeof(union name##_sring_entry))

/* ---- index arithmetic, independent of the slot type ---- */

/* Read a peer-written index once, then order later slot reads after it. */
static inline RING_IDX xlite_ring_read_prod(const volatile RING_IDX *prod)
{
    RING_IDX v = *prod;
    xen_rmb();
    return v;
}

/* Publish slots written so far by moving a producer index. */
static inline void xlite_ring_publish(volatile RING_IDX *prod, RING_IDX new_prod)
{
    xen_wmb();  /* slot contents before the index */
    *prod = new_prod;
}

/* Does moving a producer index from old_prod to new_prod cross event? */
static inline int xlite_ring_need_notify(RING_IDX old_prod, RING_IDX new_prod, RING_IDX event)
{
    return (RING_IDX)(new_prod - event) < (RING_IDX)(new_prod - old_prod);
}

/* Publish, then tell whether the consumer asked to be woken (1 = notify). */
static inline int xlite_ring_push_check_notify(volatile RING_IDX *prod,
                                               const volatile RING_IDX *event,
                                               RING_IDX new_prod)
{
    RING_IDX old_prod = *prod;  /* we are its only writer */
    xlite_ring_publish(prod, new_prod);
    xen_mb();                   /* index visible before we read the peer's event */
    return xlite_ring_need_notify(old_prod, new_prod, *event);
}

/* Responses published by the back end and not yet consumed. */
static inline RING_IDX xlite_ring_unconsumed_responses(const volatile RING_IDX *rsp_prod,
                                                       RING_IDX rsp_cons)
{
    return (RING_IDX)(*rsp_prod - rsp_cons);
}

/*
 * Requests the back end may consume now: what the front end published, but
 * never more than the slots the back end has not answered yet (a bogus
 * req_prod from a hostile front end cannot make it overrun its responses).
 */
static inline RING_IDX xlite_ring_unconsumed_requests(const volatile RING_IDX *req_prod,
                                                      RING_IDX req_cons,
                                                      RING_IDX rsp_prod_pvt,
                                                      unsigned int nr_ents)
{
    RING_IDX published = (RING_IDX)(*req_prod - req_cons);
    RING_IDX room = (RING_IDX)(nr_ents - (RING_IDX)(req_cons - rsp_prod_pvt));
    return published < room ? published : room;
}

/* Final check before sleeping: 1 = more work, 0 = event armed, safe to sleep. */
static inline int xlite_ring_final_check_responses(const volatile RING_IDX *rsp_prod,
                                                   volatile RING_IDX *rsp_event,
                                                   RING_IDX rsp_cons)
{
    if (xlite_ring_unconsumed_responses(rsp_prod, rsp_cons))
        return 1;
    *rsp_event = rsp_cons + 1;
    xen_mb();  /* event visible before the producer index is read again */
    return xlite_ring_unconsumed_responses(rsp_prod, rsp_cons) != 0;
}

static inline int xlite_ring_final_check_requests(const volatile RING_IDX *req_prod,
                                                  volatile RING_IDX *req_event,
                                                  RING_IDX req_cons, RING_IDX rsp_prod_pvt,
                                                  unsigned int nr_ents)
{
    if (xlite_ring_unconsumed_requests(req_prod, req_cons, rsp_prod_pvt, nr_ents))
        return 1;
    *req_event = req_cons + 1;
    xen_mb();
    return xlite_ring_unconsumed_requests(req_prod, req_cons, rsp_prod_pvt, nr_ents) != 0;
}

static inline void xlite_ring_zero_bytes(uint8_t *p, size_t n)
{
    while (n--)
        *p++ = 0;
}

/* ---- typed rings (Xen's macro names) ---- */

/*
 * Defines union name_sring_entry, struct name_sring (the shared page),
 * struct name_front_ring and struct name_back_ring (each end's private
 * state), and _t typedefs for the three structs.
 */
#define DEFINE_RING_TYPES(name, req_t, rsp_t)                                  \
    union name##_sring_entry {                                                 \
        req_t req;                                                             \
        rsp_t rsp;                                                             \
    };                                                                         \
    struct name##_sring {                                                      \
        RING_IDX req_prod, req_event;                                          \
        RING_IDX rsp_prod, rsp_event;                                          \
        uint8_t  pvt[4];                                                       \
        uint8_t  pad[44];                                                      \
        union name##_sring_entry ring[1]; /* really nr_ents slots */           \
    };                                                                         \
    struct name##_front_ring {                                                 \
        RING_IDX req_prod_pvt;  /* next slot to fill; published by push */     \
        RING_IDX rsp_cons;      /* next response to read */                    \
        unsigned int nr_ents;                                                  \
        struct name##_sring *sring;                                            \
    };                                                                         \
    struct name##_back_ring {                                                  \
        RING_IDX rsp_prod_pvt;  /* next slot to answer; published by push */   \
        RING_IDX req_cons;      /* next request to read */                     \
        unsigned int nr_ents;                                                  \
        struct name##_sring *sring;                                            \
    };                                                                         \
    typedef struct name##_sring name##_sring_t;                                \
    typedef struct name##_front_ring name##_front_ring_t;                      \
    typedef struct name##_back_ring name##_back_ring_t;                        \
    XLITE_ABI_OFFSET(struct name##_sring, ring, XLITE_SRING_HEADER_SIZE,       \
                     name##_sring_slots_at_64)

/* Reset a shared ring page's header (front end, before advertising it). */
#define SHARED_RING_INIT(s) do {                                               \
        (s)->req_prod = 0;                                                     \
        (s)->rsp_prod = 0;                                                     \
        (s)->req_event = 1;                                                    \
        (s)->rsp_event = 1;                                                    \
        xlite_ring_zero_bytes((s)->pvt, sizeof((s)->pvt));                     \
        xlite_ring_zero_bytes((s)->pad, sizeof((s)->pad));                     \
    } while (0)

/* ring_bytes: size of the shared area, header included (e.g. one page). */
#define FRONT_RING_INIT(r, s, ring_bytes) FRONT_RING_ATTACH(r, s, 0, ring_bytes)
#define FRONT_RING_ATTACH(r, s, idx, ring_bytes) do {                          \
        (r)->req_prod_pvt = (idx);                                             \
        (r)->rsp_cons = (idx);                                                 \
        (r)->nr_ents = XLITE_RING_NR_ENTS(ring_bytes, sizeof((s)->ring[0]));   \
        (r)->sring = (s);                                                      \
    } while (0)
#define BACK_RING_INIT(r, s, ring_bytes) BACK_RING_ATTACH(r, s, 0, ring_bytes)
#define BACK_RING_ATTACH(r, s, idx, ring_bytes) do {                           \
        (r)->rsp_prod_pvt = (idx);                                             \
        (r)->req_cons = (idx);                                                 \
        (r)->nr_ents = XLITE_RING_NR_ENTS(ring_bytes, sizeof((s)->ring[0]));   \
        (r)->sring = (s);                                                      \
    } while (0)

#define RING_SIZE(r)           ((r)->nr_ents)
#define RING_FREE_REQUESTS(r)  ((RING_IDX)(RING_SIZE(r) - ((r)->req_prod_pvt - (r)->rsp_cons)))
#define RING_FULL(r)           (RING_FREE_REQUESTS(r) == 0)

/* Slot for index idx (any RING_IDX; it is reduced modulo the ring size). */
#define RING_GET_REQUEST(r, idx)  (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].req))
#define RING_GET_RESPONSE(r, idx) (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].rsp))

/* Back end: take a private copy of a request; validate the copy only. */
#define RING_COPY_REQUEST(r, idx, dst) do {                                    \
        *(dst) = *RING_GET_REQUEST(r, idx);                                    \
        xlite_compiler_barrier();                                              \
    } while (0)

/* Peer's producer index, read once and ordered before the slot reads. */
#define XLITE_RING_REQ_PROD(r) xlite_ring_read_prod(&(r)->sring->req_prod)
#define XLITE_RING_RSP_PROD(r) xlite_ring_read_prod(&(r)->sring->rsp_prod)

#define RING_HAS_UNCONSUMED_RESPONSES(r) \
    xlite_ring_unconsumed_responses(&(r)->sring->rsp_prod, (r)->rsp_cons)
#define RING_HAS_UNCONSUMED_REQUESTS(r) \
    xlite_ring_unconsumed_requests(&(r)->sring->req_prod, (r)->req_cons, \
                                   (r)->rsp_prod_pvt, RING_SIZE(r))

/* Back end: would consuming request index cons leave no slot to answer it? */
#define RING_REQUEST_CONS_OVERFLOW(r, cons) \
    ((RING_IDX)((cons) - (r)->rsp_prod_pvt) >= RING_SIZE(r))
/* Back end: is the front end's published req_prod impossible? */
#define RING_REQUEST_PROD_OVERFLOW(r, prod) \
    ((RING_IDX)((prod) - (r)->rsp_prod_pvt) > RING_SIZE(r))

#define RING_PUSH_REQUESTS(r)  xlite_ring_publish(&(r)->sring->req_prod, (r)->req_prod_pvt)
#define RING_PUSH_RESPONSES(r) xlite_ring_publish(&(r)->sring->rsp_prod, (r)->rsp_prod_pvt)

/* Publish and set notify to 1 if the peer must be sent an event. */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify)                         \
    ((notify) = xlite_ring_push_check_notify(&(r)->sring->req_prod,            \
                                             &(r)->sring->req_event,           \
                                             (r)->req_prod_pvt))
#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify)                        \
    ((notify) = xlite_ring_push_check_notify(&(r)->sring->rsp_prod,            \
                                             &(r)->sring->rsp_event,           \
                                             (r)->rsp_prod_pvt))

/* Set work_to_do to 1 if there is more to consume; else arm the event. */
#define RING_FINAL_CHECK_FOR_REQUESTS(r, work_to_do)                           \
    ((work_to_do) = xlite_ring_final_check_requests(&(r)->sring->req_prod,     \
                                                    &(r)->sring->req_event,    \
                                                    (r)->req_cons,             \
                                                    (r)->rsp_prod_pvt,         \
                                                    RING_SIZE(r)))
#define RING_FINAL_CHECK_FOR_RESPONSES(r, work_to_do)                          \
    ((work_to_do) = xlite_ring_final_check_responses(&(r)->sring->rsp_prod,    \
                                                     &(r)->sring->rsp_event,   \
                                                     (r)->rsp_cons))

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_IO_RING_H */
