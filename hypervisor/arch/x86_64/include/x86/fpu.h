/* Guest FPU/SSE state as 512-byte FXSAVE images (16-byte aligned). */
#ifndef XLITE_FPU_H
#define XLITE_FPU_H

#include <stdbool.h>
#include <stdint.h>

#define FPU_IMAGE_SIZE 512

/* Read the CPU's MXCSR_MASK (boot). */
void fpu_init(void);
/* The MXCSR bits this CPU implements. */
uint32_t fpu_mxcsr_mask(void);
/* The state after FNINIT with SSE exceptions masked (FCW 0x37F, MXCSR 0x1F80). */
void fpu_default_image(uint8_t img[FPU_IMAGE_SIZE]);
/* Clear what FXRSTOR would refuse in an image a guest supplied (MXCSR bits outside
 * the CPU's MXCSR_MASK). */
void fpu_sanitise_image(uint8_t img[FPU_IMAGE_SIZE]);
void fpu_save(uint8_t img[FPU_IMAGE_SIZE]);
/* Load img; false (state unchanged) if FXRSTOR refused it. */
bool fpu_restore(const uint8_t img[FPU_IMAGE_SIZE]);

#endif
