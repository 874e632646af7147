/* Event-channel port tables (see evtchn_ports.h). No hardware access: the bits live
 * in whatever shared_info the table points to, kicks go through the caller's env. */
#include <stddef.h>

#include <hv/evtchn_ports.h>
#include <hv/lib.h>
#include <xlite/errno.h>

#define WORD_BITS   (8 * sizeof(xen_ulong_t))

static bool test_and_set(xen_ulong_t *map, unsigned int bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << (bit % WORD_BITS);

    return __atomic_fetch_or(&map[bit / WORD_BITS], m, __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear(xen_ulong_t *map, unsigned int bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << (bit % WORD_BITS);

    return __atomic_fetch_and(&map[bit / WORD_BITS], ~m, __ATOMIC_SEQ_CST) & m;
}

static bool test_bit(const xen_ulong_t *map, unsigned int bit)
{
    return (__atomic_load_n(&map[bit / WORD_BITS], __ATOMIC_SEQ_CST) >> (bit % WORD_BITS)) & 1;
}

bool evtchn_virq_is_per_vcpu(unsigned int virq)
{
    return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
           virq == VIRQ_XENPMU;
}

bool evtchn_port_in_use(const struct evtchn_table *t, evtchn_port_t port)
{
    return port < EVTCHN_NR_PORTS && t->ports[port].state != EVTCHN_FREE &&
           t->ports[port].state != EVTCHN_RESERVED;
}

void evtchn_table_init(struct evtchn_table *t, domid_t domid, unsigned int nr_vcpus)
{
    memset(t, 0, sizeof(*t));
    t->domid = domid;
    t->nr_vcpus = nr_vcpus;
    t->ports[0].state = EVTCHN_RESERVED;
    t->free_hint = 1;
}

/* Lowest free port, or 0 when the table is full. */
static evtchn_port_t find_free(const struct evtchn_table *t)
{
    for (evtchn_port_t p = t->free_hint; p < EVTCHN_NR_PORTS; p++)
        if (t->ports[p].state == EVTCHN_FREE)
            return p;
    return 0;
}

static void take(struct evtchn_table *t, evtchn_port_t port, uint8_t state, uint8_t vcpu,
                 domid_t dom, uint16_t arg)
{
    t->ports[port] = (struct evtchn_port){ .state = state, .vcpu = vcpu, .dom = dom,
                                           .arg = arg };
    t->nr_used++;
    t->free_hint = port + 1;      /* the port was the lowest free one */
}

static void release(struct evtchn_table *t, evtchn_port_t port)
{
    t->ports[port] = (struct evtchn_port){ .state = EVTCHN_FREE };
    t->nr_used--;
    if (port < t->free_hint)
        t->free_hint = port;
    if (t->shared)
        test_and_clear(t->shared->evtchn_pending, port);
}

int evtchn_alloc_unbound(struct evtchn_table *t, domid_t remote, evtchn_port_t *port)
{
    evtchn_port_t p = find_free(t);

    if (!p)
        return -XEN_ENOSPC;
    take(t, p, EVTCHN_UNBOUND, 0, remote, 0);
    *port = p;
    return 0;
}

int evtchn_bind_interdomain(const struct evtchn_env *env, struct evtchn_table *local,
                            struct evtchn_table *remote, evtchn_port_t rport,
                            evtchn_port_t *lport)
{
    evtchn_port_t p = find_free(local);

    if (!p)
        return -XEN_ENOSPC;
    if (rport >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    struct evtchn_port *r = &remote->ports[rport];
    if (r->state != EVTCHN_UNBOUND || r->dom != local->domid)
        return -XEN_EINVAL;
    take(local, p, EVTCHN_INTERDOMAIN, 0, remote->domid, (uint16_t)rport);
    r->state = EVTCHN_INTERDOMAIN;            /* keeps the vCPU it notifies */
    r->dom = local->domid;
    r->arg = (uint16_t)p;
    evtchn_set_pending(env, local, p);
    *lport = p;
    return 0;
}

int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu,
                     evtchn_port_t *port)
{
    if (virq >= NR_VIRQS)
        return -XEN_EINVAL;
    bool per_vcpu = evtchn_virq_is_per_vcpu(virq);
    if (!per_vcpu && vcpu != 0)
        return -XEN_EINVAL;
    if (vcpu >= t->nr_vcpus)
        return -XEN_ENOENT;
    uint16_t *slot = &t->virq_port[per_vcpu ? vcpu : 0][virq];
    if (*slot)
        return -XEN_EEXIST;
    evtchn_port_t p = find_free(t);
    if (!p)
        return -XEN_ENOSPC;
    take(t, p, EVTCHN_VIRQ, (uint8_t)vcpu, 0, (uint16_t)virq);
    *slot = (uint16_t)p;
    *port = p;
    return 0;
}

int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, evtchn_port_t *port)
{
    if (vcpu >= t->nr_vcpus)
        return -XEN_ENOENT;
    evtchn_port_t p = find_free(t);
    if (!p)
        return -XEN_ENOSPC;
    take(t, p, EVTCHN_IPI, (uint8_t)vcpu, 0, 0);
    *port = p;
    return 0;
}

int evtchn_bind_vcpu(struct evtchn_table *t, evtchn_port_t port, uint32_t vcpu)
{
    if (vcpu >= t->nr_vcpus)
        return -XEN_ENOENT;
    if (port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    struct evtchn_port *c = &t->ports[port];
    switch (c->state) {
    case EVTCHN_VIRQ:
        if (evtchn_virq_is_per_vcpu(c->arg))
            return -XEN_EINVAL;
        break;
    case EVTCHN_UNBOUND:
    case EVTCHN_INTERDOMAIN:
        break;
    default:
        return -XEN_EINVAL;
    }
    c->vcpu = (uint8_t)vcpu;
    return 0;
}

int evtchn_close(const struct evtchn_env *env, struct evtchn_table *t, evtchn_port_t port)
{
    if (!evtchn_port_in_use(t, port))
        return -XEN_EINVAL;
    struct evtchn_port *c = &t->ports[port];
    if (c->state == EVTCHN_VIRQ) {
        for (unsigned int v = 0; v < EVTCHN_MAX_VCPUS; v++)
            if (t->virq_port[v][c->arg] == port)
                t->virq_port[v][c->arg] = 0;
    } else if (c->state == EVTCHN_INTERDOMAIN) {
        struct evtchn_table *peer = env->lookup(env->ctx, c->dom);
        if (peer) {
            struct evtchn_port *r = &peer->ports[c->arg];
            if (r->state == EVTCHN_INTERDOMAIN && r->dom == t->domid && r->arg == port) {
                r->state = EVTCHN_UNBOUND;    /* offered back to us, as Xen does */
                r->arg = 0;
            }
        }
    }
    release(t, port);
    return 0;
}

/* The vcpu_info events for `vcpu` are delivered to. */
static struct vcpu_info *vinfo(struct evtchn_table *t, unsigned int vcpu)
{
    return t->vcpu_info[vcpu] ? t->vcpu_info[vcpu] : &t->shared->vcpu_info[vcpu];
}

void evtchn_set_pending(const struct evtchn_env *env, struct evtchn_table *t,
                        evtchn_port_t port)
{
    struct shared_info *s = t->shared;
    unsigned int vcpu = t->ports[port].vcpu;

    if (!s || test_and_set(s->evtchn_pending, port))
        return;
    bool kick = false;
    if (!test_bit(s->evtchn_mask, port) &&
        !test_and_set(&vinfo(t, vcpu)->evtchn_pending_sel, port / WORD_BITS)) {
        __atomic_store_n(&vinfo(t, vcpu)->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
        kick = true;
    }
    env->notify(env->ctx, t, port, vcpu, kick);
}

int evtchn_send(const struct evtchn_env *env, struct evtchn_table *t, evtchn_port_t port)
{
    if (port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    struct evtchn_port *c = &t->ports[port];
    switch (c->state) {
    case EVTCHN_INTERDOMAIN: {
        struct evtchn_table *peer = env->lookup(env->ctx, c->dom);
        if (peer)
            evtchn_set_pending(env, peer, c->arg);
        return 0;
    }
    case EVTCHN_IPI:
        evtchn_set_pending(env, t, port);
        return 0;
    case EVTCHN_UNBOUND:
        return 0;                             /* nobody to tell yet: silently dropped */
    default:
        return -XEN_EINVAL;
    }
}

int evtchn_status(const struct evtchn_table *t, evtchn_port_t port,
                  struct evtchn_status *st)
{
    if (port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    const struct evtchn_port *c = &t->ports[port];
    memset(&st->u, 0, sizeof(st->u));
    st->vcpu = c->vcpu;
    switch (c->state) {
    case EVTCHN_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = c->dom;
        break;
    case EVTCHN_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = c->dom;
        st->u.interdomain.port = c->arg;
        break;
    case EVTCHN_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = c->arg;
        break;
    case EVTCHN_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    default:
        st->status = EVTCHNSTAT_closed;
        break;
    }
    return 0;
}

int evtchn_unmask(const struct evtchn_env *env, struct evtchn_table *t, evtchn_port_t port)
{
    if (!evtchn_port_in_use(t, port))
        return -XEN_EINVAL;
    struct shared_info *s = t->shared;
    unsigned int vcpu = t->ports[port].vcpu;
    if (s && test_and_clear(s->evtchn_mask, port) && test_bit(s->evtchn_pending, port) &&
        !test_and_set(&vinfo(t, vcpu)->evtchn_pending_sel, port / WORD_BITS)) {
        __atomic_store_n(&vinfo(t, vcpu)->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
        env->notify(env->ctx, t, port, vcpu, true);
    }
    return 0;
}

void evtchn_reset(const struct evtchn_env *env, struct evtchn_table *t)
{
    for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS && t->nr_used; p++)
        if (evtchn_port_in_use(t, p))
            evtchn_close(env, t, p);
}

bool evtchn_send_virq(const struct evtchn_env *env, struct evtchn_table *t,
                      unsigned int vcpu, unsigned int virq)
{
    if (virq >= NR_VIRQS)
        return false;
    unsigned int row = evtchn_virq_is_per_vcpu(virq) ? vcpu : 0;
    if (row >= EVTCHN_MAX_VCPUS || !t->virq_port[row][virq])
        return false;
    evtchn_set_pending(env, t, t->virq_port[row][virq]);
    return true;
}

int evtchn_poll_port_state(const struct evtchn_table *t, evtchn_port_t port)
{
    if (!evtchn_port_in_use(t, port))
        return -XEN_EINVAL;
    return t->shared && test_bit(t->shared->evtchn_pending, port);
}

const char *evtchn_table_check(const struct evtchn_env *env, const struct evtchn_table *t)
{
    unsigned int used = 0;
    xen_ulong_t in_use[EVTCHN_NR_PORTS / WORD_BITS] = { 0 };

    if (t->ports[0].state != EVTCHN_RESERVED || t->ports[0].vcpu || t->ports[0].dom ||
        t->ports[0].arg)
        return "port 0 is not reserved";
    if (t->nr_vcpus == 0 || t->nr_vcpus > EVTCHN_MAX_VCPUS)
        return "bad nr_vcpus";
    if (t->free_hint == 0 || t->free_hint > EVTCHN_NR_PORTS)
        return "bad free_hint";
    for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++) {
        const struct evtchn_port *c = &t->ports[p];
        if (c->state == EVTCHN_FREE) {
            if (p < t->free_hint)
                return "free port below free_hint";
            if (c->vcpu || c->dom || c->arg)
                return "free port keeps a binding";
            continue;
        }
        used++;
        in_use[p / WORD_BITS] |= (xen_ulong_t)1 << (p % WORD_BITS);
        if (c->vcpu >= t->nr_vcpus)
            return "port notifies a vCPU the domain does not have";
        switch (c->state) {
        case EVTCHN_UNBOUND:
            if (c->arg)
                return "unbound port keeps a peer port";
            break;
        case EVTCHN_INTERDOMAIN: {
            const struct evtchn_table *peer = env->lookup(env->ctx, c->dom);
            if (!peer)
                return "interdomain peer domain does not exist";
            if (c->arg == 0 || c->arg >= EVTCHN_NR_PORTS)
                return "interdomain peer port out of range";
            const struct evtchn_port *r = &peer->ports[c->arg];
            if (r->state != EVTCHN_INTERDOMAIN || r->dom != t->domid || r->arg != p)
                return "interdomain pair is not mutual";
            break;
        }
        case EVTCHN_VIRQ: {
            if (c->arg >= NR_VIRQS || c->dom)
                return "bad virq port";
            unsigned int row = evtchn_virq_is_per_vcpu(c->arg) ? c->vcpu : 0;
            if (t->virq_port[row][c->arg] != p)
                return "virq port missing from the virq map";
            break;
        }
        case EVTCHN_IPI:
            if (c->dom || c->arg)
                return "ipi port keeps a binding";
            break;
        default:
            return "bad port state";
        }
    }
    if (used != t->nr_used)
        return "nr_used does not match the ports in use";
    for (unsigned int w = 0; t->shared && w < EVTCHN_NR_PORTS / WORD_BITS; w++)
        if (__atomic_load_n(&t->shared->evtchn_pending[w], __ATOMIC_SEQ_CST) & ~in_use[w])
            return "pending bit on a port not in use";
    for (unsigned int v = 0; v < EVTCHN_MAX_VCPUS; v++) {
        for (unsigned int q = 0; q < NR_VIRQS; q++) {
            uint16_t p = t->virq_port[v][q];
            if (!p)
                continue;
            if (p >= EVTCHN_NR_PORTS || t->ports[p].state != EVTCHN_VIRQ ||
                t->ports[p].arg != q)
                return "virq map names a port not bound to that virq";
            if (evtchn_virq_is_per_vcpu(q) ? t->ports[p].vcpu != v : v != 0)
                return "virq map row does not match the port";
        }
    }
    return NULL;
}
