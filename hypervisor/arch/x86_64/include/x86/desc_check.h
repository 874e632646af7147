/* Which segment descriptors a PV guest may install (set_gdt, update_descriptor).
 * Pure logic, host-tested. */
#ifndef XLITE_DESC_CHECK_H
#define XLITE_DESC_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Accepts a not-present descriptor as is, and a code or data descriptor after raising
 * its DPL to 3 (guests run in ring 3; a lower DPL would be unusable or, for a
 * conforming segment, a way around ring checks). Refuses every system descriptor
 * (TSS, LDT, gates): xlite supports no call gates. */
bool pv_descriptor_fixup(uint64_t *desc);

#endif
