/* Loading a static ELF executable from the VFS into a fresh user address space, with
 * argc/argv on a 64 KiB stack below XU_STACK_TOP. */
#include "elf_check.h"
#include "exec.h"
#include "proc.h"
#include "uapi/xlite_dev.h"

/* Copy n bytes (or zeros when src is NULL) into the space at va, mapping frames as
 * needed. A page shared by two segments keeps its frame and gets the union of their
 * permissions. */
static int fill(struct aspace *as, uint64_t va, const char *src, uint64_t n, bool writable,
                bool exec)
{
    while (n) {
        uint64_t page = va & ~(PAGE_SIZE - 1), off = va - page;
        uint64_t k = MIN(n, PAGE_SIZE - off);
        uint64_t pfn = as_lookup(as, page, false);
        if (!pfn) {
            if (!(pfn = page_alloc()))
                return -XE_NOMEM;
            int rc = as_map_prot(as, page, pfn, writable, exec);
            if (rc) {
                page_free(pfn);
                return rc;
            }
        } else {
            int old = as_prot(as, page), want = (writable ? AS_W : 0) | (exec ? AS_X : 0);
            if ((old | want) != old) {                       /* shared page: widen */
                int rc = as_map_prot(as, page, pfn, (old | want) & AS_W,
                                     (old | want) & AS_X);
                if (rc)
                    return rc;
            }
        }
        if (src)
            memcpy((char *)pfn_to_va(pfn) + off, src, k);
        if (src)
            src += k;
        va += k;
        n -= k;
    }
    return 0;
}

/* Lay out argv strings and the pointer array at the top of the stack. */
static int push_args(struct aspace *as, char *const argv[], int argc, uint64_t *rsp)
{
    uint64_t sp = XU_STACK_TOP, ptrs[MAX_ARGS + 1];

    for (int i = argc - 1; i >= 0; i--) {
        size_t len = strlen(argv[i]) + 1;
        sp -= len;
        int rc = fill(as, sp, argv[i], len, true, false);
        if (rc)
            return rc;
        ptrs[i] = sp;
    }
    ptrs[argc] = 0;
    sp &= ~15ull;
    sp -= (uint64_t)(argc + 1) * 8;
    sp &= ~15ull;
    int rc = fill(as, sp, (const char *)ptrs, (uint64_t)(argc + 1) * 8, true, false);
    if (rc)
        return rc;
    uint64_t argc64 = (uint64_t)argc;
    sp -= 8;
    if ((rc = fill(as, sp, (const char *)&argc64, 8, true, false)))
        return rc;
    *rsp = sp;                           /* argc, then argv[], as at a native entry */
    return 0;
}

int exec_load(struct aspace *as, const char *path, char *const argv[], int argc,
              struct exec_result *res)
{
    struct node *n = vfs_lookup(path);
    struct elf_info ei;

    if (!n)
        return -XE_NOENT;
    if (n->type != XST_FILE)
        return -XE_ACCES;
    if (argc > MAX_ARGS)
        return -XE_2BIG;
    /* Ramdisk files are validated in place; tmpfs ones are not executable. */
    if (!n->rodata)
        return -XE_NOEXEC;
    int rc = elf_check(n->rodata, n->size, XU_BASE, XU_MAP_BASE, &ei);
    if (rc)
        return rc;
    if ((rc = as_init(as)))
        return rc;
    for (unsigned int i = 0; i < ei.nsegs && !rc; i++) {
        const struct elf_seg *s = &ei.segs[i];
        rc = fill(as, s->vaddr, n->rodata + s->offset, s->filesz, s->writable,
                  s->executable);
        if (!rc)
            rc = fill(as, s->vaddr + s->filesz, NULL, s->memsz - s->filesz, s->writable,
                      s->executable);
    }
    /* Stack pages, all mapped now (no demand paging). */
    if (!rc)
        rc = fill(as, XU_STACK_TOP - XU_STACK_SIZE, NULL, XU_STACK_SIZE, true, false);
    if (!rc)
        rc = push_args(as, argv, argc, &res->rsp);
    if (!rc)
        rc = as_activate(as);
    if (rc) {
        as_destroy(as);
        return rc;
    }
    res->entry = ei.entry;
    res->brk = ALIGN_UP(ei.end, PAGE_SIZE);
    return 0;
}
