/* The VFS tree, the cpio ramdisk loaded into it (read-only, contents stay in the
 * module) and tmpfs files (writable directories; contents in kernel pages). */
#include "cpio.h"
#include "path.h"
#include "proc.h"
#include "vfs.h"

static struct node root;
static uint32_t next_ino = 1;

struct node *vfs_root(void)
{
    return &root;
}

void vfs_init(void)
{
    root.type = XST_DIR;
    root.ino = next_ino++;
    list_init(&root.children);
    list_init(&root.sibling);
    root.parent = &root;
}

static struct node *child(struct node *dir, const char *name)
{
    list_for_each(it, &dir->children) {
        struct node *n = container_of(it, struct node, sibling);
        if (!strcmp(n->name, name))
            return n;
    }
    return NULL;
}

struct node *vfs_lookup(const char *path)
{
    char canon[PATH_MAX_LEN], name[NAME_MAX_LEN + 1];
    struct node *n = &root;

    if (path_resolve("/", path, canon, sizeof(canon)))
        return NULL;
    const char *p = canon;
    while (path_next(&p, name)) {
        if (n->type != XST_DIR || !(n = child(n, name)))
            return NULL;
    }
    return n;
}

struct node *vfs_mknode(struct node *dir, const char *name, uint32_t type)
{
    struct node *n = kzalloc(sizeof(*n));

    if (!n)
        return NULL;
    n->type = type;
    n->ino = next_ino++;
    strlcpy(n->name, name, sizeof(n->name));
    n->parent = dir;
    n->writable = dir->writable;
    list_init(&n->children);
    list_add_tail(&dir->children, &n->sibling);
    return n;
}

/* Create every missing directory of an absolute path. */
int vfs_mkdir_p(const char *path, bool writable)
{
    char canon[PATH_MAX_LEN], name[NAME_MAX_LEN + 1];
    struct node *n = &root;
    int rc = path_resolve("/", path, canon, sizeof(canon));

    if (rc)
        return rc;
    const char *p = canon;
    while (path_next(&p, name)) {
        struct node *c = child(n, name);
        if (!c && !(c = vfs_mknode(n, name, XST_DIR)))
            return -XE_NOMEM;
        if (c->type != XST_DIR)
            return -XE_NOTDIR;
        n = c;
    }
    if (writable)
        n->writable = true;
    return 0;
}

/* Split "/a/b/c" into the node of "/a/b" and "c". */
static struct node *parent_of(const char *path, char *last)
{
    char canon[PATH_MAX_LEN];

    if (path_resolve("/", path, canon, sizeof(canon)))
        return NULL;
    char *slash = canon + strlen(canon);
    while (slash > canon && *slash != '/')
        slash--;
    strlcpy(last, slash + 1, NAME_MAX_LEN + 1);
    if (!*last)
        return NULL;
    *slash = '\0';
    return vfs_lookup(canon[0] ? canon : "/");
}

int vfs_add_device(const char *path, const struct devops *ops)
{
    char last[NAME_MAX_LEN + 1];
    struct node *dir = parent_of(path, last);

    if (!dir)
        return -XE_NOENT;
    struct node *n = vfs_mknode(dir, last, XST_CHR);
    if (!n)
        return -XE_NOMEM;
    n->writable = false;
    n->dev = ops;
    return 0;
}

int vfs_load_cpio(const void *data, size_t len)
{
    size_t off = 0;
    struct cpio_entry e;
    int rc, files = 0;

    while ((rc = cpio_next(data, len, &off, &e)) == 1) {
        char path[PATH_MAX_LEN], last[NAME_MAX_LEN + 1];
        snprintf(path, sizeof(path), "/%s", e.name);
        if ((e.mode & CPIO_S_IFMT) == CPIO_S_IFDIR) {
            vfs_mkdir_p(path, false);
            continue;
        }
        if ((e.mode & CPIO_S_IFMT) != CPIO_S_IFREG)
            continue;
        struct node *dir = parent_of(path, last);
        if (!dir) {                     /* archives may omit directory entries */
            char *slash = path + strlen(path);
            while (slash > path && *slash != '/')
                slash--;
            *slash = '\0';
            vfs_mkdir_p(path, false);
            *slash = '/';
            dir = parent_of(path, last);
        }
        if (!dir || dir->type != XST_DIR)
            continue;
        struct node *n = child(dir, last);
        if (!n && !(n = vfs_mknode(dir, last, XST_FILE)))
            return -XE_NOMEM;
        n->writable = false;
        n->rodata = e.data;
        n->size = e.size;
        files++;
    }
    return rc < 0 ? rc : files;
}

void vfs_stat(const struct node *n, struct xstat *st)
{
    *st = (struct xstat){ .type = n->type, .ino = n->ino, .size = n->size };
}

/* ------------------------------------------------------------------ file data */

long node_read(struct node *n, uint64_t off, char *kbuf, size_t len)
{
    if (off >= n->size)
        return 0;
    size_t k = (size_t)MIN((uint64_t)len, n->size - off);
    if (n->rodata) {
        memcpy(kbuf, n->rodata + off, k);
        return (long)k;
    }
    for (size_t done = 0; done < k;) {
        uint64_t pg = (off + done) / PAGE_SIZE, po = (off + done) % PAGE_SIZE;
        size_t c = MIN(k - done, (size_t)(PAGE_SIZE - po));
        if (n->pages && n->pages[pg])
            memcpy(kbuf + done, (char *)pfn_to_va(n->pages[pg]) + po, c);
        else
            memset(kbuf + done, 0, c);
        done += c;
    }
    return (long)k;
}

static void tmpfs_truncate(struct node *n)
{
    if (n->pages) {
        for (unsigned int i = 0; i < TMPFS_MAX_PAGES; i++)
            if (n->pages[i])
                page_free(n->pages[i]);
        kfree(n->pages);
        n->pages = NULL;
    }
    n->size = 0;
}

static long node_write(struct node *n, uint64_t off, const char *kbuf, size_t len)
{
    if (!n->writable || n->rodata)
        return -XE_ROFS;
    if (off + len > TMPFS_MAX_PAGES * PAGE_SIZE)
        return -XE_FBIG;
    if (!n->pages && !(n->pages = kzalloc(TMPFS_MAX_PAGES * sizeof(n->pages[0]))))
        return -XE_NOSPC;
    size_t done = 0;
    while (done < len) {
        uint64_t pg = (off + done) / PAGE_SIZE, po = (off + done) % PAGE_SIZE;
        size_t c = MIN(len - done, (size_t)(PAGE_SIZE - po));
        if (!n->pages[pg] && !(n->pages[pg] = page_alloc()))
            break;
        memcpy((char *)pfn_to_va(n->pages[pg]) + po, kbuf + done, c);
        done += c;
    }
    if (off + done > n->size)
        n->size = off + done;
    return done ? (long)done : -XE_NOSPC;
}

int vfs_unlink(const char *path)
{
    struct node *n = vfs_lookup(path);

    if (!n)
        return -XE_NOENT;
    if (!n->parent->writable || n->rodata || n->dev)
        return -XE_ROFS;
    if (n->type == XST_DIR && !list_empty(&n->children))
        return -XE_NOTEMPTY;
    if (n->opens && n->type == XST_DIR)
        return -XE_BUSY;               /* open directories point at it */
    list_del(&n->sibling);
    n->parent = NULL;
    if (n->opens) {                    /* as in POSIX: the name goes now, the data */
        n->unlinked = true;            /* with the last close (file_put) */
        return 0;
    }
    tmpfs_truncate(n);
    kfree(n);
    return 0;
}

/* ------------------------------------------------------------------ open files */

struct file *file_open(const char *path, int flags, long *err)
{
    struct node *n = vfs_lookup(path);

    if (!n && (flags & XO_CREAT)) {
        char last[NAME_MAX_LEN + 1];
        struct node *dir = parent_of(path, last);
        if (!dir) {
            *err = -XE_NOENT;
            return NULL;
        }
        if (!dir->writable) {
            *err = -XE_ROFS;
            return NULL;
        }
        if (!(n = vfs_mknode(dir, last, XST_FILE))) {
            *err = -XE_NOMEM;
            return NULL;
        }
    } else if (!n) {
        *err = -XE_NOENT;
        return NULL;
    } else if ((flags & XO_CREAT) && (flags & XO_EXCL)) {
        *err = -XE_EXIST;
        return NULL;
    }
    bool wr = (flags & XO_ACCMODE) != XO_RDONLY;
    if (wr && n->type == XST_DIR) {
        *err = -XE_ISDIR;
        return NULL;
    }
    if (wr && n->type == XST_FILE && (!n->writable || n->rodata)) {
        *err = -XE_ROFS;
        return NULL;
    }
    struct file *f = kzalloc(sizeof(*f));
    if (!f) {
        *err = -XE_NOMEM;
        return NULL;
    }
    f->refs = 1;
    f->kind = F_NODE;
    f->flags = flags;
    f->node = n;
    if (n->dev && n->dev->open) {
        int rc = n->dev->open(f);
        if (rc) {
            kfree(f);
            *err = rc;
            return NULL;
        }
    }
    n->opens++;
    if (wr && (flags & XO_TRUNC) && n->type == XST_FILE)
        tmpfs_truncate(n);
    return f;
}

struct file *file_get(struct file *f)
{
    if (f)
        f->refs++;
    return f;
}

void file_put(struct file *f)
{
    if (!f || --f->refs > 0)
        return;
    if (f->kind != F_NODE) {
        pipe_close(f);
    } else {
        if (f->node->dev && f->node->dev->close)
            f->node->dev->close(f);
        if (--f->node->opens == 0 && f->node->unlinked) {
            tmpfs_truncate(f->node);
            kfree(f->node);
        }
    }
    kfree(f);
}

long file_read(struct file *f, char *kbuf, size_t n)
{
    if (f->kind == F_PIPE_R)
        return pipe_read(f, kbuf, n);
    if (f->kind == F_PIPE_W || (f->flags & XO_ACCMODE) == XO_WRONLY)
        return -XE_BADF;
    if (f->node->dev)
        return f->node->dev->read ? f->node->dev->read(f, kbuf, n) : -XE_INVAL;
    if (f->node->type == XST_DIR)
        return -XE_ISDIR;
    long r = node_read(f->node, f->off, kbuf, n);
    if (r > 0)
        f->off += (uint64_t)r;
    return r;
}

long file_write(struct file *f, const char *kbuf, size_t n)
{
    if (f->kind == F_PIPE_W)
        return pipe_write(f, kbuf, n);
    if (f->kind == F_PIPE_R || (f->flags & XO_ACCMODE) == XO_RDONLY)
        return -XE_BADF;
    if (f->node->dev)
        return f->node->dev->write ? f->node->dev->write(f, kbuf, n) : -XE_INVAL;
    if (f->flags & XO_APPEND)
        f->off = f->node->size;
    long r = node_write(f->node, f->off, kbuf, n);
    if (r > 0)
        f->off += (uint64_t)r;
    return r;
}

int file_poll(struct file *f)
{
    if (f->kind != F_NODE)
        return pipe_poll(f);
    if (f->node->dev)
        return f->node->dev->poll ? f->node->dev->poll(f) : XPOLLIN | XPOLLOUT;
    return XPOLLIN | XPOLLOUT;
}
