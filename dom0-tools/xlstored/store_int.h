/* xlstored core internals shared by its files (not for the daemon's I/O code). */
#ifndef XLITE_TOOLS_STORE_INT_H
#define XLITE_TOOLS_STORE_INT_H

#include "store.h"

#include <xlite/io/store.h>

/* Errors as the wire names them (xs_err_name gives the string). */
enum xs_err {
    XE_OK, XE_EINVAL, XE_EACCES, XE_EEXIST, XE_EISDIR, XE_ENOENT, XE_ENOMEM, XE_ENOSPC,
    XE_EIO, XE_ENOTEMPTY, XE_ENOSYS, XE_EROFS, XE_EBUSY, XE_EAGAIN, XE_EISCONN, XE_E2BIG,
    XE_EPERM,
};
const char *xs_err_name(enum xs_err err);

#define PERM_READ  1u
#define PERM_WRITE 2u
#define PERM_OWNER 4u           /* only ever returned by perm_for, never stored */

struct store_perm {
    uint16_t domid;
    uint8_t mode;               /* PERM_READ | PERM_WRITE */
};

enum fire { FIRE_NONE, FIRE_EXACT, FIRE_TREE };

/* One node. In a transaction's overlay the same struct is a private copy, or a
 * tombstone (gone) for a node the transaction saw absent or deleted. */
struct node {
    struct node *hnext;
    uint64_t hash;
    char *path;
    uint8_t *value;
    uint32_t vlen;
    uint32_t nperms;
    struct store_perm *perms;   /* [0] = owner and everyone's default */
    char *kids;                 /* child names, each NUL-terminated (DIRECTORY's reply) */
    uint32_t kids_len;
    uint64_t gen;               /* engine generation of its last change */
    /* overlay only */
    bool gone;
    bool dirty;                 /* to be written back on commit */
    bool seen_exists;           /* main tree's state when first looked at */
    uint8_t fire;               /* enum fire, for commit */
    uint64_t seen_gen;
};

struct node_table {
    struct node **bucket;
    size_t nbuckets, count;
};

int table_init(struct node_table *t);
void table_free(struct node_table *t);          /* frees the nodes too */
struct node *table_find(const struct node_table *t, const char *path);
void table_insert(struct node_table *t, struct node *n);   /* never fails */
void table_unlink(struct node_table *t, struct node *n);
/* Calls fn on every node; fn must not change the table. */
void table_each(struct node_table *t, void (*fn)(struct node *n, void *arg), void *arg);

char *str_dup(const char *s);                   /* strdup, which C11 lacks */
struct node *node_new(const char *path);
struct node *node_copy(const struct node *src);
void node_free(struct node *n);
void node_clear(struct node *n);                /* value, perms and kids */
int node_set_value(struct node *n, const void *value, uint32_t len);
int node_set_perms(struct node *n, const struct store_perm *p, uint32_t count);
int kids_add(struct node *n, const char *name);
void kids_remove(struct node *n, const char *name);

/* Paths (path.c). PATH_BUF holds any absolute path and its NUL. */
#define PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)
enum xs_err path_resolve(uint16_t domid, const char *in, bool special_ok, char *out,
                         bool *relative);
bool path_is_special(const char *path);
/* True when `path` is `base` or below it. */
bool path_within(const char *path, const char *base);
void path_parent(const char *path, char *out);  /* "/" for top-level; out may be path */
int domain_path(uint16_t domid, char *out, size_t size);

/* Permissions (perms.c). */
unsigned perm_for(const struct node *n, uint16_t domid);
unsigned perm_for_list(const struct store_perm *p, uint32_t n, uint16_t domid);
enum xs_err perms_parse(const char *const *strs, uint32_t n, struct store_perm *out);
size_t perms_format(const struct store_perm *p, uint32_t n, char *out, size_t size);

struct omsg {
    struct omsg *next;
    bool reply;
    uint32_t len;
    unsigned char data[];
};

struct watch {
    struct watch *next;
    char *path;                 /* absolute or special */
    char *token;
    bool relative;              /* report events relative to the domain path */
};

struct txn {
    struct txn *next;
    uint32_t id;
    struct node_table overlay;
    int64_t node_delta;         /* nodes created less deleted, owned by the caller */
};

struct conn {
    struct conn *next;
    struct store_conn_id cid;
    struct watch *watches;
    uint32_t nwatches;
    struct txn *txns;
    uint32_t ntxns;
    uint32_t next_txid;
    struct omsg *out_head, *out_tail;
    uint32_t out_replies;
    size_t out_bytes;
    bool dead;
    bool kick;                  /* new output since the sink was last told */
};

struct domain {
    uint16_t domid;
    bool introduced;
    uint64_t mfn;
    uint32_t port;
    uint32_t nnodes;
};

struct store_engine {
    struct store_limits lim;
    struct node_table nodes;
    uint64_t gen;
    struct conn *conns;
    struct domain *doms;
    size_t ndoms, capdoms;
};

/* A view of the tree: the main tree, or a transaction's overlay over it. */
struct view {
    struct store_engine *e;
    struct txn *tx;             /* NULL: main tree */
    uint16_t domid;             /* requester */
};

/* tree.c */
enum xs_err view_get(struct view *v, const char *path, struct node **out);
enum xs_err tree_absent_error(struct view *v, const char *path);
enum xs_err tree_write(struct view *v, const char *path, const void *val, uint32_t len,
                       bool mkdir);
enum xs_err tree_rm(struct view *v, const char *path);
enum xs_err tree_set_perms(struct view *v, const char *path, const struct store_perm *p,
                           uint32_t n);
void tree_changed(struct view *v, struct node *n, enum fire fire);

/* domain.c */
struct domain *domain_get(struct store_engine *e, uint16_t domid, bool create);
void domain_account(struct store_engine *e, uint16_t owner, int delta);
struct conn *conn_find(const struct store_engine *e, struct store_conn_id cid);
void conn_reset(struct store_engine *e, struct conn *c);   /* watches + transactions */

/* outq.c */
void out_push(struct store_engine *e, struct conn *c, uint32_t type, uint32_t req_id,
              uint32_t tx_id, const void *payload, size_t len, bool reply);
void out_error(struct store_engine *e, struct conn *c, const struct xsd_sockmsg *req,
               enum xs_err err);
void out_free_all(struct conn *c);

/* watch.c */
enum xs_err watch_add(struct store_engine *e, struct conn *c, const char *path,
                      const char *token, bool relative, struct watch **out);
void watch_event(struct store_engine *e, struct conn *c, const struct watch *w,
                 const char *path);
enum xs_err watch_remove(struct store_engine *e, struct conn *c, const char *path,
                         const char *token);
void watch_free_all(struct conn *c);
/* Queues events for a change at path (perms: the node's, NULL for special paths). */
void watch_fire(struct store_engine *e, const char *path, enum fire how,
                const struct store_perm *perms, uint32_t nperms);

/* txn.c */
enum xs_err txn_start(struct store_engine *e, struct conn *c, uint32_t *id);
struct txn *txn_find(struct conn *c, uint32_t id);
enum xs_err txn_end(struct store_engine *e, struct conn *c, struct txn *t, bool commit);
void txn_free_all(struct conn *c);

#endif
