/* The VFS: path lookup over a tree loaded from a cpio archive ("..", "//", missing
 * components, a file used as a directory), read-only ramdisk files, tmpfs files
 * (create, write, read back, append, truncate, unlink only when closed). */
#include <stdio.h>
#include <string.h>

#include "kernel.h"
#include "cpio.h"
#include "ktests.h"
#include "sched.h"
#include "vfs.h"

struct waitq poll_waitq;                /* kernel/pipe.c owns it in the kernel */

/* Pipes are not under test here. */
long pipe_read(struct file *f, char *kbuf, size_t n) { (void)f, (void)kbuf, (void)n; return 0; }
long pipe_write(struct file *f, const char *kbuf, size_t n)
{
    (void)f, (void)kbuf;
    return (long)n;
}
int pipe_poll(struct file *f) { (void)f; return 0; }
void pipe_close(struct file *f) { (void)f; }

static size_t add(char *a, size_t off, const char *name, unsigned int mode, const char *data)
{
    size_t nlen = strlen(name) + 1, len = strlen(data);
    off += (size_t)sprintf(a + off, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                           1u, mode, 0u, 0u, 1u, 0u, (unsigned int)len, 0u, 0u, 0u, 0u,
                           (unsigned int)nlen, 0u);
    memcpy(a + off, name, nlen);
    off += nlen;
    while (off % 4)
        a[off++] = 0;
    memcpy(a + off, data, len);
    off += len;
    while (off % 4)
        a[off++] = 0;
    return off;
}

static void load(void)
{
    static char a[4096];
    size_t n = add(a, 0, "bin", CPIO_S_IFDIR | 0755, "");
    n = add(a, n, "bin/hello", CPIO_S_IFREG | 0755, "HELLO");
    n = add(a, n, "etc/motd", CPIO_S_IFREG | 0644, "motd text");   /* no dir entry */
    n = add(a, n, "TRAILER!!!", 0, "");
    vfs_init();
    ck_assert_int_eq(vfs_load_cpio(a, n), 2);
    ck_assert_int_eq(vfs_mkdir_p("/tmp", true), 0);
}

START_TEST(lookup_paths)
{
    load();
    struct node *h = vfs_lookup("/bin/hello");
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->size, 5);
    ck_assert_ptr_eq(vfs_lookup("//bin/./hello"), h);
    ck_assert_ptr_eq(vfs_lookup("/etc/../bin/hello"), h);
    ck_assert_ptr_eq(vfs_lookup("bin/hello"), h);                  /* relative to / */
    ck_assert_ptr_eq(vfs_lookup("/"), vfs_root());
    ck_assert_ptr_eq(vfs_lookup("/.."), vfs_root());
    ck_assert_ptr_null(vfs_lookup("/bin/nothing"));
    ck_assert_ptr_null(vfs_lookup("/bin/hello/x"));                /* a file is no dir */
    ck_assert_ptr_null(vfs_lookup(""));
    ck_assert_ptr_nonnull(vfs_lookup("/etc/motd"));                /* dir made on the way */
    ck_assert_uint_eq(vfs_lookup("/etc")->type, XST_DIR);
}
END_TEST

START_TEST(ramdisk_is_read_only)
{
    long err = 0;
    char buf[16];

    load();
    struct file *f = file_open("/bin/hello", XO_RDONLY, &err);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(file_read(f, buf, sizeof(buf)), 5);
    ck_assert_int_eq(memcmp(buf, "HELLO", 5), 0);
    ck_assert_int_eq(file_read(f, buf, sizeof(buf)), 0);
    ck_assert_int_eq(file_write(f, "x", 1), -XE_BADF);
    file_put(f);
    ck_assert_ptr_null(file_open("/bin/hello", XO_WRONLY, &err));
    ck_assert_int_eq(err, -XE_ROFS);
    ck_assert_ptr_null(file_open("/bin/new", XO_WRONLY | XO_CREAT, &err));
    ck_assert_int_eq(err, -XE_ROFS);
    ck_assert_ptr_null(file_open("/nodir/new", XO_WRONLY | XO_CREAT, &err));
    ck_assert_int_eq(err, -XE_NOENT);
    ck_assert_int_eq(vfs_unlink("/bin/hello"), -XE_ROFS);
}
END_TEST

START_TEST(tmpfs_files)
{
    long err = 0;
    static char big[3 * 4096 + 100], back[sizeof(big) + 16];

    load();
    struct file *f = file_open("/tmp/f", XO_WRONLY | XO_CREAT, &err);
    ck_assert_ptr_nonnull(f);
    memset(big, 'z', sizeof(big));
    ck_assert_int_eq(file_write(f, big, sizeof(big)), (long)sizeof(big));
    file_put(f);
    /* Unlinked while open (POSIX): the name goes, the open file still reads it all. */
    struct file *g = file_open("/tmp/g", XO_RDWR | XO_CREAT, &err);
    ck_assert_int_eq(file_write(g, "kept", 4), 4);
    ck_assert_int_eq(vfs_unlink("/tmp/g"), 0);
    ck_assert_ptr_null(vfs_lookup("/tmp/g"));
    g->off = 0;
    ck_assert_int_eq(file_read(g, back, 16), 4);
    ck_assert_int_eq(memcmp(back, "kept", 4), 0);
    struct file *g2 = file_open("/tmp/g", XO_RDWR | XO_CREAT, &err);   /* a new file */
    ck_assert_ptr_nonnull(g2);
    ck_assert_uint_eq(vfs_lookup("/tmp/g")->size, 0);
    file_put(g);                       /* frees the unlinked one (ASan checks the rest) */
    ck_assert_int_eq(file_write(g2, "x", 1), 1);
    ck_assert_uint_eq(vfs_lookup("/tmp/g")->size, 1);
    file_put(g2);
    ck_assert_int_eq(vfs_unlink("/tmp/g"), 0);
    f = file_open("/tmp/f", XO_WRONLY | XO_APPEND, &err);
    ck_assert_int_eq(file_write(f, "END", 3), 3);
    file_put(f);
    f = file_open("/tmp/f", XO_RDONLY, &err);
    long n = 0, r;
    while ((r = file_read(f, back + n, MIN(1000, sizeof(back) - (size_t)n))) > 0)
        n += r;
    ck_assert_int_eq(n, (long)sizeof(big) + 3);
    ck_assert_int_eq(memcmp(back, big, sizeof(big)), 0);
    ck_assert_int_eq(memcmp(back + sizeof(big), "END", 3), 0);
    file_put(f);
    ck_assert_uint_eq(vfs_lookup("/tmp/f")->size, sizeof(big) + 3);
    ck_assert_ptr_null(file_open("/tmp/f", XO_WRONLY | XO_CREAT | XO_EXCL, &err));
    ck_assert_int_eq(err, -XE_EXIST);
    f = file_open("/tmp/f", XO_WRONLY | XO_TRUNC, &err);
    ck_assert_uint_eq(vfs_lookup("/tmp/f")->size, 0);
    file_put(f);
    ck_assert_int_eq(vfs_unlink("/tmp/f"), 0);
    ck_assert_ptr_null(vfs_lookup("/tmp/f"));
}
END_TEST

Suite *vfs_suite(void)
{
    Suite *s = suite_create("vfs");
    ADD_TEST(s, lookup_paths);
    ADD_TEST(s, ramdisk_is_read_only);
    ADD_TEST(s, tmpfs_files);
    return s;
}
