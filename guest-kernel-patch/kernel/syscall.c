/* The system-call table: one handler per XS_* number. Every user pointer goes through
 * copy_from_user/copy_to_user, so a bad one is -XE_FAULT and never a kernel fault. */
#include "console.h"
#include "devices.h"
#include "exec.h"
#include "path.h"
#include "proc.h"
#include "uapi/xlite_dev.h"

typedef long (*sys_fn)(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

static struct file *fd_get(uint64_t fd)
{
    struct proc *p = cur_proc();
    return fd < NFDS ? p->fds[fd] : NULL;
}

static int fd_alloc(struct file *f)
{
    struct proc *p = cur_proc();
    for (int i = 0; i < NFDS; i++) {
        if (!p->fds[i]) {
            p->fds[i] = f;
            return i;
        }
    }
    return -XE_MFILE;
}

static long sys_exit(uint64_t status, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    proc_exit((int)((status & 0xFF) << 8));
}

#define IO_CHUNK 512

/* Refuses a bad descriptor (-XE_BADF) and an unwritable buffer (-XE_FAULT). */
static long sys_read(uint64_t fd, uint64_t ubuf, uint64_t n, uint64_t d)
{
    (void)d;
    struct file *f = fd_get(fd);
    char kbuf[IO_CHUNK];

    if (!f)
        return -XE_BADF;
    if (n && !as_lookup(&cur_proc()->as, ubuf & ~(PAGE_SIZE - 1), true))
        return -XE_FAULT;
    long r = file_read(f, kbuf, MIN(n, (uint64_t)IO_CHUNK));
    if (r > 0 && copy_to_user(ubuf, kbuf, (size_t)r))
        return -XE_FAULT;
    return r;
}

/* Refuses a bad descriptor (-XE_BADF) and an unreadable buffer (-XE_FAULT). */
static long sys_write(uint64_t fd, uint64_t ubuf, uint64_t n, uint64_t d)
{
    (void)d;
    struct file *f = fd_get(fd);
    char kbuf[IO_CHUNK];
    uint64_t done = 0;

    if (!f)
        return -XE_BADF;
    while (done < n) {
        size_t k = (size_t)MIN(n - done, (uint64_t)IO_CHUNK);
        if (copy_from_user(kbuf, ubuf + done, k))
            return done ? (long)done : -XE_FAULT;
        long r = file_write(f, kbuf, k);
        if (r <= 0)
            return done ? (long)done : r;
        done += (uint64_t)r;
        if ((size_t)r < k)
            break;
    }
    return (long)done;
}

/* A user path made absolute and canonical against the process's cwd. Refuses
 * unreadable paths (-XE_FAULT), over-long ones (-XE_NAMETOOLONG), empty ones. */
static long get_path(uint64_t upath, char *kpath)
{
    char raw[PATH_MAX_LEN];
    long r = strncpy_from_user(raw, upath, PATH_MAX_LEN);

    if (r < 0)
        return r;
    return path_resolve(cur_proc()->cwd, raw, kpath, PATH_MAX_LEN);
}

/* Refuses bad paths (-XE_FAULT, -XE_NAMETOOLONG) and whatever file_open refuses. */
static long sys_open(uint64_t upath, uint64_t flags, uint64_t mode, uint64_t d)
{
    (void)mode, (void)d;
    char path[PATH_MAX_LEN];
    long err = get_path(upath, path);

    if (err)
        return err;
    struct file *f = file_open(path, (int)flags, &err);
    if (!f)
        return err;
    int fd = fd_alloc(f);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* Refuses a descriptor that is not open (-XE_BADF). */
static long sys_close(uint64_t fd, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    struct file *f = fd_get(fd);

    if (!f)
        return -XE_BADF;
    cur_proc()->fds[fd] = NULL;
    file_put(f);
    return 0;
}

/* Copies argv (at most MAX_ARGS strings of MAX_ARG_LEN) into kernel memory. */
static long get_argv(uint64_t uargv, char (*store)[MAX_ARG_LEN], char **kargv)
{
    int argc = 0;

    for (; uargv; argc++) {
        uint64_t up;
        if (argc == MAX_ARGS)
            return -XE_2BIG;
        if (copy_from_user(&up, uargv + (uint64_t)argc * 8, 8))
            return -XE_FAULT;
        if (!up)
            break;
        long r = strncpy_from_user(store[argc], up, MAX_ARG_LEN);
        if (r < 0)
            return r == -XE_NAMETOOLONG ? -XE_2BIG : r;
        kargv[argc] = store[argc];
    }
    kargv[argc] = NULL;
    return argc;
}

/* Refuses bad path/argv/fds pointers (-XE_FAULT), too many or too long arguments
 * (-XE_2BIG), descriptors that are not open (-XE_BADF). */
static long sys_spawn(uint64_t upath, uint64_t uargv, uint64_t ufds, uint64_t d)
{
    (void)d;
    char path[PATH_MAX_LEN];
    long rc = get_path(upath, path);
    if (rc)
        return rc;
    char (*store)[MAX_ARG_LEN] = kmalloc(MAX_ARGS * MAX_ARG_LEN);
    char **kargv = kmalloc((MAX_ARGS + 1) * sizeof(char *));
    if (!store || !kargv) {
        kfree(store);
        kfree(kargv);
        return -XE_NOMEM;
    }
    long argc = get_argv(uargv, store, kargv);
    int32_t fdn[3] = { 0, 1, 2 };
    struct file *fds[3];
    if (argc >= 0 && ufds && copy_from_user(fdn, ufds, sizeof(fdn)))
        argc = -XE_FAULT;
    for (int i = 0; i < 3 && argc >= 0; i++) {
        fds[i] = fd_get((uint64_t)(int64_t)fdn[i]);
        if (fdn[i] < 0)
            fds[i] = NULL;
        else if (!fds[i])
            argc = -XE_BADF;
    }
    if (argc >= 0)
        rc = proc_spawn(path, kargv, (int)argc, fds, cur_proc()->pid);
    else
        rc = argc;
    kfree(store);
    kfree(kargv);
    return rc;
}

/* Refuses what sys_spawn refuses; only returns on failure. */
static long sys_exec(uint64_t upath, uint64_t uargv, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    char path[PATH_MAX_LEN];
    long rc = get_path(upath, path);
    if (rc)
        return rc;
    char (*store)[MAX_ARG_LEN] = kmalloc(MAX_ARGS * MAX_ARG_LEN);
    char **kargv = kmalloc((MAX_ARGS + 1) * sizeof(char *));
    if (!store || !kargv) {
        kfree(store);
        kfree(kargv);
        return -XE_NOMEM;
    }
    long argc = get_argv(uargv, store, kargv);
    rc = argc < 0 ? argc : proc_exec(path, kargv, (int)argc);   /* returns on failure */
    kfree(store);
    kfree(kargv);
    return rc;
}

/* Refuses an unwritable status pointer (-XE_FAULT). */
static long sys_wait(uint64_t pid, uint64_t ustatus, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    int st = 0;
    int32_t probe;

    if (ustatus && copy_from_user(&probe, ustatus, sizeof(probe)))
        return -XE_FAULT;
    int r = proc_wait((int)pid, &st);
    if (r > 0 && ustatus && copy_to_user(ustatus, &st, sizeof(st)))
        return -XE_FAULT;
    return r;
}

/* Refuses signal numbers over 64 (-XE_INVAL) and init as a target (-XE_PERM). */
static long sys_kill(uint64_t pid, uint64_t sig, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    return sig > 64 ? -XE_INVAL : proc_kill((int)pid, (int)sig);
}

static long sys_getpid(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return cur_proc()->pid;
}

static long sys_getppid(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return cur_proc()->ppid;
}

/* Grows (never shrinks below brk_base) the heap; -XE_NOMEM past the stack or RAM. */
static long sys_sbrk(uint64_t incr, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    struct proc *p = cur_proc();
    int64_t inc = (int64_t)incr;
    uint64_t old = p->brk, new = old + (uint64_t)inc;

    if (inc < 0)
        return new < p->brk_base ? -XE_INVAL : (p->brk = new, (long)old);
    if (new > XU_MAP_BASE || new < old)      /* the device window is above the heap */
        return -XE_NOMEM;
    for (uint64_t pg = ALIGN_UP(old, PAGE_SIZE); pg < new; pg += PAGE_SIZE) {
        if (as_lookup(&p->as, pg, false))
            continue;
        uint64_t pfn = page_alloc();
        if (!pfn)
            return -XE_NOMEM;
        if (as_map(&p->as, pg, pfn, true)) {
            page_free(pfn);
            return -XE_NOMEM;
        }
    }
    p->brk = new;
    return (long)old;
}

/* Refuses durations over 2^62 ns (-XE_INVAL). */
static long sys_sleep(uint64_t ns, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    if (ns > (1ull << 62))
        return -XE_INVAL;
    return sleep_until(arch_now_ns() + ns) ? 0 : -XE_INTR;
}

/* Refuses unknown clocks (-XE_INVAL). */
static long sys_clock(uint64_t which, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    if (which == XCLOCK_MONOTONIC)
        return (long)arch_now_ns();
    if (which == XCLOCK_REALTIME)
        return (long)arch_wallclock_ns();
    return -XE_INVAL;
}

/* Refuses an unwritable fds array (-XE_FAULT) and a full descriptor table. */
static long sys_pipe(uint64_t ufds, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    struct file *r, *w;
    int32_t fds[2];

    if (copy_from_user(fds, ufds, sizeof(fds)))
        return -XE_FAULT;
    int rc = pipe_create(&r, &w);
    if (rc)
        return rc;
    fds[0] = fd_alloc(r);
    fds[1] = fds[0] >= 0 ? fd_alloc(w) : -1;
    if (fds[1] < 0 || copy_to_user(ufds, fds, sizeof(fds))) {
        if (fds[0] >= 0)
            cur_proc()->fds[fds[0]] = NULL;
        if (fds[1] >= 0)
            cur_proc()->fds[fds[1]] = NULL;
        file_put(r);
        file_put(w);
        return fds[1] < 0 ? -XE_MFILE : -XE_FAULT;
    }
    return 0;
}

/* Refuses a closed oldfd or an out-of-range newfd (-XE_BADF). */
static long sys_dup2(uint64_t oldfd, uint64_t newfd, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    struct file *f = fd_get(oldfd);

    if (!f || newfd >= NFDS)
        return -XE_BADF;
    if (oldfd == newfd)
        return (long)newfd;
    file_put(cur_proc()->fds[newfd]);
    cur_proc()->fds[newfd] = file_get(f);
    return (long)newfd;
}

/* Refuses more than 16 entries (-XE_INVAL) and unreadable/unwritable arrays. */
static long sys_poll(uint64_t ufds, uint64_t n, uint64_t timeout_ms, uint64_t d)
{
    (void)d;
    struct xpollfd pf[16];
    int64_t tmo = (int64_t)timeout_ms;
    uint64_t deadline = tmo > 0 ? arch_now_ns() + (uint64_t)tmo * 1000000ull : 0;

    if (n > 16)
        return -XE_INVAL;
    if (copy_from_user(pf, ufds, n * sizeof(pf[0])))
        return -XE_FAULT;
    for (;;) {
        int ready = 0;
        for (uint64_t i = 0; i < n; i++) {
            struct file *f = pf[i].fd >= 0 ? fd_get((uint64_t)pf[i].fd) : NULL;
            pf[i].revents = 0;
            if (!f)
                continue;
            int ev = file_poll(f);
            pf[i].revents = (int16_t)(ev & (pf[i].events | XPOLLHUP));
            if (pf[i].revents)
                ready++;
        }
        if (ready || tmo == 0 || (deadline && arch_now_ns() >= deadline)) {
            if (copy_to_user(ufds, pf, n * sizeof(pf[0])))
                return -XE_FAULT;
            return ready;
        }
        waitq_wait(&poll_waitq, deadline);
        if (cur_proc()->killed)
            return -XE_INTR;
    }
}

/* Refuses a closed descriptor (-XE_BADF) and an unwritable buffer (-XE_FAULT). */
static long sys_fstat(uint64_t fd, uint64_t ust, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    struct file *f = fd_get(fd);
    struct xstat st = { .type = XST_FIFO };

    if (!f)
        return -XE_BADF;
    if (f->kind == F_NODE)
        vfs_stat(f->node, &st);
    return copy_to_user(ust, &st, sizeof(st)) ? -XE_FAULT : 0;
}

/* Refuses bad paths and an unwritable buffer (-XE_FAULT). */
static long sys_stat(uint64_t upath, uint64_t ust, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    char path[PATH_MAX_LEN];
    struct xstat st;
    long rc = get_path(upath, path);

    if (rc)
        return rc;
    struct node *n = vfs_lookup(path);
    if (!n)
        return -XE_NOENT;
    vfs_stat(n, &st);
    return copy_to_user(ust, &st, sizeof(st)) ? -XE_FAULT : 0;
}

/* Refuses non-directories (-XE_NOTDIR, -XE_BADF) and an unwritable entry. */
static long sys_readdir(uint64_t fd, uint64_t uent, uint64_t index, uint64_t d)
{
    (void)d;
    struct file *f = fd_get(fd);
    struct xdirent de;
    uint64_t i = 0;

    if (!f || f->kind != F_NODE)
        return -XE_BADF;
    if (f->node->type != XST_DIR)
        return -XE_NOTDIR;
    list_for_each(it, &f->node->children) {
        if (i++ != index)
            continue;
        struct node *n = container_of(it, struct node, sibling);
        memset(&de, 0, sizeof(de));
        de.type = n->type;
        de.ino = n->ino;
        de.size = n->size;
        strlcpy(de.name, n->name, sizeof(de.name));
        return copy_to_user(uent, &de, sizeof(de)) ? -XE_FAULT : 1;
    }
    return 0;
}

/* Refuses pipes and devices (-XE_SPIPE), bad whence or negative results. */
static long sys_lseek(uint64_t fd, uint64_t off, uint64_t whence, uint64_t d)
{
    (void)d;
    struct file *f = fd_get(fd);

    if (!f)
        return -XE_BADF;
    if (f->kind != F_NODE || f->node->dev)
        return -XE_SPIPE;
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->off :
                   whence == 2 ? (int64_t)f->node->size : -1;
    if (base < 0 || base + (int64_t)off < 0)
        return -XE_INVAL;
    f->off = (uint64_t)(base + (int64_t)off);
    return (long)f->off;
}

/* Refuses an unwritable buffer (-XE_FAULT). */
static long sys_procs(uint64_t ubuf, uint64_t max, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    long n = 0;

    for (int i = 0; i < MAX_PROCS && (uint64_t)n < max; i++) {
        struct proc *p = procs[i];
        if (!p)
            continue;
        struct xproc x = { .pid = p->pid, .ppid = p->ppid, .pages = p->as.pages,
                           .cpu_ns = p->thread->cpu_ns };
        x.state = p->state == P_ZOMBIE ? 'Z' : p->thread->state == T_BLOCKED ? 'S' : 'R';
        strlcpy(x.name, p->name, sizeof(x.name));
        if (copy_to_user(ubuf + (uint64_t)n * sizeof(x), &x, sizeof(x)))
            return -XE_FAULT;
        n++;
    }
    return n;
}

/* Refuses an unwritable buffer (-XE_FAULT). */
static long sys_meminfo(uint64_t ubuf, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    struct xmeminfo m = { .total_pages = page_total_count(),
                          .free_pages = page_free_count(), .page_size = PAGE_SIZE };
    m.kernel_pages = boot.nr_pages - m.total_pages;
    return copy_to_user(ubuf, &m, sizeof(m)) ? -XE_FAULT : 0;
}

/* Refuses an unwritable buffer (-XE_FAULT). */
static long sys_dmesg(uint64_t ubuf, uint64_t n, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    char *k = kmalloc(PAGE_SIZE);
    long total = 0;

    if (!k)
        return -XE_NOMEM;
    /* The ring is 16 KiB: copy it out in page-sized pieces through a bounce page. */
    static char all[16384];
    size_t got = klog_read(all, MIN(n, sizeof(all)));
    for (size_t off = 0; off < got; off += PAGE_SIZE) {
        size_t c2 = MIN(got - off, PAGE_SIZE);
        memcpy(k, all + off, c2);
        if (copy_to_user(ubuf + off, k, c2)) {
            total = -XE_FAULT;
            break;
        }
        total += (long)c2;
    }
    kfree(k);
    return total;
}

/* Refuses anything but XREBOOT_POWEROFF and XREBOOT_REBOOT (-XE_INVAL). */
static long sys_reboot(uint64_t how, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    if (how != XREBOOT_POWEROFF && how != XREBOOT_REBOOT)
        return -XE_INVAL;
    printk("xlite-kernel: %s\n", how == XREBOOT_REBOOT ? "rebooting" : "powering off");
    arch_shutdown(how == XREBOOT_REBOOT ? ARCH_REBOOT : ARCH_POWEROFF);
}

/* Refuses closed descriptors (-XE_BADF) and non-devices (-XE_NOTTY). */
static long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t d)
{
    (void)d;
    struct file *f = fd_get(fd);

    if (!f)
        return -XE_BADF;
    if (f->kind != F_NODE || !f->node->dev || !f->node->dev->ioctl)
        return -XE_NOTTY;
    return f->node->dev->ioctl(f, cmd, arg);
}

/* Refuses bad paths; vfs_unlink refuses read-only, busy and non-empty nodes. */
static long sys_unlink(uint64_t upath, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    char path[PATH_MAX_LEN];
    long rc = get_path(upath, path);
    return rc ? rc : vfs_unlink(path);
}

/* Refuses bad paths, existing names (-XE_EXIST) and read-only parents (-XE_ROFS). */
static long sys_mkdir(uint64_t upath, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    char path[PATH_MAX_LEN], last[NAME_MAX_LEN + 1];
    long rc = get_path(upath, path);

    if (rc)
        return rc;
    if (vfs_lookup(path))
        return -XE_EXIST;
    char *slash = strchr(path, '/') ? path + strlen(path) : NULL;
    while (slash && slash > path && *slash != '/')
        slash--;
    if (!slash)
        return -XE_NOENT;
    strlcpy(last, slash + 1, sizeof(last));
    *slash = '\0';
    struct node *dir = vfs_lookup(path[0] ? path : "/");
    if (!dir || dir->type != XST_DIR)
        return -XE_NOENT;
    if (!dir->writable)
        return -XE_ROFS;
    return vfs_mknode(dir, last, XST_DIR) ? 0 : -XE_NOMEM;
}

static long sys_domid(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return kernel_domid;
}

/* Refuses bad paths and anything that is not a directory (-XE_NOTDIR, -XE_NOENT). */
static long sys_chdir(uint64_t upath, uint64_t b, uint64_t c, uint64_t d)
{
    (void)b, (void)c, (void)d;
    char path[PATH_MAX_LEN];
    long rc = get_path(upath, path);

    if (rc)
        return rc;
    struct node *n = vfs_lookup(path);
    if (!n)
        return -XE_NOENT;
    if (n->type != XST_DIR)
        return -XE_NOTDIR;
    strlcpy(cur_proc()->cwd, path, sizeof(cur_proc()->cwd));
    return 0;
}

/* Refuses a buffer too small (-XE_RANGE) or unwritable (-XE_FAULT). */
static long sys_getcwd(uint64_t ubuf, uint64_t n, uint64_t c, uint64_t d)
{
    (void)c, (void)d;
    const char *cwd = cur_proc()->cwd;
    size_t len = strlen(cwd) + 1;

    if (n < len)
        return -XE_RANGE;
    return copy_to_user(ubuf, cwd, len) ? -XE_FAULT : (long)len;
}

static const sys_fn table[XS_COUNT] = {
    [XS_exit] = sys_exit, [XS_read] = sys_read, [XS_write] = sys_write,
    [XS_open] = sys_open, [XS_close] = sys_close, [XS_spawn] = sys_spawn,
    [XS_wait] = sys_wait, [XS_kill] = sys_kill, [XS_getpid] = sys_getpid,
    [XS_sbrk] = sys_sbrk, [XS_sleep] = sys_sleep, [XS_clock] = sys_clock,
    [XS_pipe] = sys_pipe, [XS_dup2] = sys_dup2, [XS_poll] = sys_poll,
    [XS_fstat] = sys_fstat, [XS_readdir] = sys_readdir, [XS_lseek] = sys_lseek,
    [XS_procs] = sys_procs, [XS_meminfo] = sys_meminfo, [XS_dmesg] = sys_dmesg,
    [XS_reboot] = sys_reboot, [XS_exec] = sys_exec, [XS_ioctl] = sys_ioctl,
    [XS_stat] = sys_stat, [XS_unlink] = sys_unlink, [XS_mkdir] = sys_mkdir,
    [XS_getppid] = sys_getppid, [XS_domid] = sys_domid, [XS_chdir] = sys_chdir,
    [XS_getcwd] = sys_getcwd,
};

void kernel_syscall(struct trapframe *tf)
{
    uint64_t nr = tf->rax;

    tf->rax = nr < XS_COUNT && table[nr] ? (uint64_t)table[nr](tf->rdi, tf->rsi, tf->rdx,
                                                                 tf->r10)
                                         : (uint64_t)-XE_NOSYS;
}
