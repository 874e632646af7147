/* Guest FPU/SSE state as FXSAVE images: the power-on image, saving, and restoring an
 * image that may have come from a guest. FXRSTOR raises #GP for MXCSR bits the CPU
 * does not implement, so images a guest supplies are masked with the CPU's MXCSR_MASK,
 * and the restore has a fixup all the same: a bad image can never fault the host. */
#include <x86/fpu.h>
#include <hv/lib.h>

#define FXSAVE_FCW      0
#define FXSAVE_MXCSR    24
#define FXSAVE_MXCSR_MASK 28
#define MXCSR_MASK_DEFAULT 0x0000FFBFu  /* what a CPU reporting mask 0 implements */

static uint32_t mxcsr_mask = MXCSR_MASK_DEFAULT;

void fpu_init(void)
{
    static uint8_t img[FPU_IMAGE_SIZE] __attribute__((aligned(16)));
    uint32_t mask;

    memset(img, 0, sizeof(img));
    __asm__ volatile("fxsave64 %0" : "=m"(img));
    memcpy(&mask, img + FXSAVE_MXCSR_MASK, sizeof(mask));
    mxcsr_mask = mask ? mask : MXCSR_MASK_DEFAULT;
}

uint32_t fpu_mxcsr_mask(void)
{
    return mxcsr_mask;
}

void fpu_default_image(uint8_t img[FPU_IMAGE_SIZE])
{
    uint16_t fcw = 0x037F;             /* FNINIT: all exceptions masked, 64-bit precision */
    uint32_t mxcsr = 0x1F80;           /* all SSE exceptions masked, round to nearest */

    memset(img, 0, FPU_IMAGE_SIZE);
    memcpy(img + FXSAVE_FCW, &fcw, sizeof(fcw));
    memcpy(img + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

void fpu_sanitise_image(uint8_t img[FPU_IMAGE_SIZE])
{
    uint32_t mxcsr;

    memcpy(&mxcsr, img + FXSAVE_MXCSR, sizeof(mxcsr));
    mxcsr &= mxcsr_mask;
    memcpy(img + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

void fpu_save(uint8_t img[FPU_IMAGE_SIZE])
{
    __asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t (*)[FPU_IMAGE_SIZE])img));
}

bool fpu_restore(const uint8_t img[FPU_IMAGE_SIZE])
{
    bool ok;

    __asm__ volatile("1: fxrstor64 %1\n"
                     "   mov $1, %0\n"
                     "   jmp 3f\n"
                     "2: mov $0, %0\n"
                     "3:\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".balign 8\n"
                     ".quad 1b, 2b\n"
                     ".popsection"
                     : "=r"(ok) : "m"(*(const uint8_t (*)[FPU_IMAGE_SIZE])img) : "memory");
    return ok;
}
