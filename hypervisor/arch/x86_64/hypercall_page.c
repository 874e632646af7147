/* The hypercall page (ABI notes §1.8): 128 stubs of 32 bytes; stub i does
 * push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret. The iret stub
 * (23) never returns: push %rcx; push %r11; push %rax; mov $23,%eax; syscall. The rest
 * of the page is int3. */
#include <hv/lib.h>
#include <x86/pv_build.h>
#include <xlite/xen.h>

void hypercall_page_fill(uint8_t *page)
{
    static const uint8_t normal[] = {
        0x51, 0x41, 0x53, 0xB8, 0, 0, 0, 0, 0x0F, 0x05, 0x41, 0x5B, 0x59, 0xC3,
    };
    static const uint8_t iret[] = {
        0x51, 0x41, 0x53, 0x50, 0xB8, __HYPERVISOR_iret, 0, 0, 0, 0x0F, 0x05,
    };

    memset(page, 0xCC, 4096);
    for (unsigned int i = 0; i < 4096 / 32; i++) {
        uint8_t *stub = page + 32 * i;
        if (i == __HYPERVISOR_iret) {
            memcpy(stub, iret, sizeof(iret));
            continue;
        }
        memcpy(stub, normal, sizeof(normal));
        stub[4] = (uint8_t)i;
    }
}
