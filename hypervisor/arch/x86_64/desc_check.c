/* Guest segment descriptors (see desc_check.h). Layout of the high dword:
 *   bit 47 P | 46..45 DPL | 44 S (1 = code/data) | 43..40 type */
#include <x86/desc_check.h>

#define DESC_P      (1ull << 47)
#define DESC_DPL3   (3ull << 45)
#define DESC_S      (1ull << 44)

bool pv_descriptor_fixup(uint64_t *desc)
{
    if (!(*desc & DESC_P))
        return true;
    if (!(*desc & DESC_S))
        return false;
    *desc |= DESC_DPL3;
    return true;
}
