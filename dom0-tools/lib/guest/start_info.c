/* start_info (ABI notes §1.6) and vCPU 0's initial state (§1.4). */
#include <string.h>

#include "builder.h"
#include <xlite/errno.h>

#define RFLAGS_IF   0x200ull
#define SI_MAGIC    "xen-3.0-x86_64"

static uint64_t pfn_va(const struct builder *b, uint64_t pfn)
{
    return b->l.virt_base + pfn * GUEST_PAGE;
}

void si_fill(const struct builder *b, struct start_info *si)
{
    const struct pv_layout *l = &b->l;
    const char *cmdline = b->a->cmdline ? b->a->cmdline : "";
    size_t n = strlen(cmdline);

    memset(si, 0, sizeof(*si));
    memcpy(si->magic, SI_MAGIC, sizeof(SI_MAGIC));
    si->nr_pages = l->nr_pages;
    si->shared_info = b->shared_info_mfn << 12;
    si->flags = 0;                                /* an unprivileged domU */
    si->store_mfn = b->p2m[l->store_pfn];
    si->store_evtchn = b->a->no_store ? 0 : b->out.store_port;
    si->console.domU.mfn = b->p2m[l->console_pfn];
    si->console.domU.evtchn = b->out.console_port;
    si->pt_base = pfn_va(b, l->pt_pfn);
    si->nr_pt_frames = l->nr_pt;
    si->mfn_list = pfn_va(b, l->p2m_pfn);
    si->mod_start = l->ramdisk_pages ? pfn_va(b, l->ramdisk_pfn) : 0;
    si->mod_len = b->a->ramdisk_size;
    if (n >= sizeof(si->cmd_line))
        n = sizeof(si->cmd_line) - 1;
    memcpy(si->cmd_line, cmdline, n);
}

int si_write(struct builder *b)
{
    struct start_info si;

    si_fill(b, &si);
    b->out.start_info_mfn = b->p2m[b->l.start_info_pfn];
    int rc = mem_write_pfn(b, b->l.start_info_pfn, 0, &si, sizeof(si));
    return rc ? rc : mem_unmap(b);
}

void vcpu0_fill(const struct builder *b, struct vcpu_guest_context *ctx)
{
    uint64_t rsp = pfn_va(b, b->l.stack_pfn + 1);

    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel | VGCF_online;    /* no FPU image: the default one */
    ctx->user_regs.rip = b->elf.entry;
    ctx->user_regs.rsp = rsp;
    ctx->user_regs.rsi = pfn_va(b, b->l.start_info_pfn);
    ctx->user_regs.rflags = RFLAGS_IF;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = rsp;
    ctx->ctrlreg[3] = b->p2m[b->l.pt_pfn] << 12;
}

int vcpu0_set(struct builder *b)
{
    const struct ctrl *c = b->c;
    struct vcpu_guest_context *ctx = c->ops->alloc(c->ctx, sizeof(*ctx));   /* 5 KiB */

    if (!ctx)
        return builder_fail(b, -XEN_ENOMEM, "no memory for a vCPU context");
    vcpu0_fill(b, ctx);
    long rc = ctrl_vcpu_setcontext(c, b->domid, 0, ctx);
    c->ops->free(c->ctx, ctx);
    return rc ? builder_fail(b, (int)rc, "vCPU 0's context refused (error %ld)", rc) : 0;
}
