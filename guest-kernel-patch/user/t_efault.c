/* t_efault: passes bad pointers (NULL, unmapped user memory, the kernel's image, the
 * hypervisor's range, a range running off the end of user space) to every system call
 * that takes one; each must fail with EFAULT and nothing else may happen. */
#include <stdio.h>
#include <string.h>

#include "xlite.h"

static int ok, bad;

static void check(const char *what, long rc)
{
    if (rc == -XE_FAULT) {
        ok++;
    } else {
        bad++;
        printf("FAIL efault %s: returned %ld\n", what, rc);
    }
}

int main(void)
{
    static const uint64_t ptrs[] = {
        0, 0x1000, 0x100000 /* kernel image */, 0x3F000000 /* unmapped user */,
        0xFFFF800000000000ull /* hypervisor */, XU_TOP - 2 /* runs past the end */,
        0xFFFFFFFFFFFFF000ull,
    };
    char name[64];

    for (unsigned int i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
        long p = (long)ptrs[i];
#define T(nm, call) do { snprintf(name, sizeof(name), "%s(%#lx)", nm, (unsigned long)p); \
                         check(name, call); } while (0)
        T("read", xl_syscall(XS_read, 0, p, 16, 0));
        T("write", xl_syscall(XS_write, 1, p, 16, 0));
        T("open", xl_syscall(XS_open, p, 0, 0, 0));
        T("spawn.path", xl_syscall(XS_spawn, p, 0, 0, 0));
        char *argv[] = { (char *)p, NULL };
        if (p)                             /* argv[0] NULL is just an empty list */
            T("spawn.argv[0]", xl_syscall(XS_spawn, (long)"/bin/echo", (long)argv, 0, 0));
        if (p)
            T("spawn.argv", xl_syscall(XS_spawn, (long)"/bin/echo", p, 0, 0));
        if (p)
            T("spawn.fds", xl_syscall(XS_spawn, (long)"/bin/echo", 0, p, 0));
        if (p)
            T("wait.status", xl_syscall(XS_wait, -1, p, 0, 0));
        T("pipe", xl_syscall(XS_pipe, p, 0, 0, 0));
        T("poll", xl_syscall(XS_poll, p, 1, 0, 0));
        T("fstat", xl_syscall(XS_fstat, 1, p, 0, 0));
        T("stat.path", xl_syscall(XS_stat, p, (long)name, 0, 0));
        T("stat.buf", xl_syscall(XS_stat, (long)"/", p, 0, 0));
        T("procs", xl_syscall(XS_procs, p, 4, 0, 0));
        T("meminfo", xl_syscall(XS_meminfo, p, 0, 0, 0));
        T("dmesg", xl_syscall(XS_dmesg, p, 64, 0, 0));
        T("exec.path", xl_syscall(XS_exec, p, 0, 0, 0));
        T("unlink", xl_syscall(XS_unlink, p, 0, 0, 0));
        T("mkdir", xl_syscall(XS_mkdir, p, 0, 0, 0));
        T("chdir", xl_syscall(XS_chdir, p, 0, 0, 0));
        T("getcwd", xl_syscall(XS_getcwd, p, 64, 0, 0));
    }
    /* The process is still whole: a normal call works. */
    struct xstat st;
    check("(control) stat works", xl_stat("/bin", &st) == 0 ? -XE_FAULT : -1);
    printf("t_efault: %d ok, %d bad\n", ok, bad);
    return bad != 0;
}
