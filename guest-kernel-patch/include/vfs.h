/* The VFS: one in-memory tree of nodes. Files from the cpio ramdisk are read-only and
 * point into the module; directories marked writable (tmpfs: /tmp, /run, /var/log)
 * take new files kept in kernel pages; character devices have their own operations.
 * Open files (struct file) are shared by descriptors and counted. */
#ifndef VFS_H
#define VFS_H

#include "kernel.h"

#define NAME_MAX_LEN 55
#define PATH_MAX_LEN 256
#define TMPFS_MAX_PAGES 512            /* 2 MiB per tmpfs file */

struct file;
struct devops {
    int (*open)(struct file *f);       /* set up f->priv; -errno refuses the open */
    long (*read)(struct file *f, char *kbuf, size_t n);
    long (*write)(struct file *f, const char *kbuf, size_t n);
    int (*poll)(struct file *f);       /* XPOLLIN/XPOLLOUT now */
    long (*ioctl)(struct file *f, unsigned long cmd, uint64_t arg);
    void (*close)(struct file *f);
};

struct node {
    uint32_t type;                     /* XST_* */
    uint32_t ino;
    char name[NAME_MAX_LEN + 1];
    struct node *parent;
    struct list children, sibling;
    bool writable;                     /* tmpfs: may create/remove/write here */
    int opens;                         /* open files naming it */
    bool unlinked;                     /* no name any more: freed when opens drops to 0 */
    uint64_t size;
    const char *rodata;                /* ramdisk file contents */
    uint64_t *pages;                   /* tmpfs file: PFN per page (one page of them) */
    const struct devops *dev;
};

enum fkind { F_NODE, F_PIPE_R, F_PIPE_W };
struct pipe;
struct file {
    int refs;
    enum fkind kind;
    int flags;                         /* XO_* */
    struct node *node;
    uint64_t off;
    struct pipe *pipe;
    void *priv;                        /* device state */
};

void vfs_init(void);
struct node *vfs_root(void);
/* Resolve an absolute path; NULL if missing. */
struct node *vfs_lookup(const char *path);
struct node *vfs_mknode(struct node *dir, const char *name, uint32_t type);
int vfs_mkdir_p(const char *path, bool writable);
int vfs_add_device(const char *path, const struct devops *ops);
int vfs_load_cpio(const void *data, size_t len);

struct file *file_open(const char *path, int flags, long *err);
struct file *file_get(struct file *f);
void file_put(struct file *f);
long file_read(struct file *f, char *kbuf, size_t n);
long file_write(struct file *f, const char *kbuf, size_t n);
int file_poll(struct file *f);
long node_read(struct node *n, uint64_t off, char *kbuf, size_t len);
int vfs_unlink(const char *path);
void vfs_stat(const struct node *n, struct xstat *st);

/* Pipes (kernel/pipe.c). */
int pipe_create(struct file **r, struct file **w);
long pipe_read(struct file *f, char *kbuf, size_t n);
long pipe_write(struct file *f, const char *kbuf, size_t n);
int pipe_poll(struct file *f);
void pipe_close(struct file *f);

/* Anything that may make a poll() true wakes this queue. */
struct waitq;
extern struct waitq poll_waitq;

#endif
