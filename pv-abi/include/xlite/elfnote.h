/* xlite PV ABI: the Xen ELF notes a PV kernel carries (name "Xen", 4-byte aligned
 * standard ELF notes) and what the domain builder does with each. Xen's numbers.
 *
 * Notes are read from PT_NOTE segments, or, if none holds a "Xen" note, from
 * SHT_NOTE sections. XEN_VERSION is mandatory. LOADER must start with
 * "generic" unless GUEST_OS starts with "linux". Integer notes are 4 or 8
 * bytes. A string note ends at its NUL or at the end of the descriptor.
 * VIRT_BASE and PADDR_OFFSET default to 0; a segment is loaded at
 * VA = p_paddr + virt_base - paddr_offset, and the image must start at or
 * above virt_base. */
#ifndef XLITE_PV_ABI_ELFNOTE_H
#define XLITE_PV_ABI_ELFNOTE_H

#define XEN_ELFNOTE_INFO                 0
#define XEN_ELFNOTE_ENTRY                1  /* virtual entry; absent: e_entry */
#define XEN_ELFNOTE_HYPERCALL_PAGE       2  /* VA of the page to fill with stubs */
#define XEN_ELFNOTE_VIRT_BASE            3  /* absent: 0 */
#define XEN_ELFNOTE_PADDR_OFFSET         4  /* VA = p_paddr + virt_base - paddr_offset */
#define XEN_ELFNOTE_XEN_VERSION          5  /* string, must start with "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS             6  /* string, informational */
#define XEN_ELFNOTE_GUEST_VERSION        7  /* string, informational */
#define XEN_ELFNOTE_LOADER               8  /* string, "generic" (see above) */
#define XEN_ELFNOTE_PAE_MODE             9  /* string, 32-bit only */
#define XEN_ELFNOTE_FEATURES            10  /* string, '|'-separated, '!' = required;
                                              * xlite refuses every required feature
                                              * but writable_page_tables and
                                              * pae_pgdir_above_4gb */
#define XEN_ELFNOTE_BSD_SYMTAB          11
#define XEN_ELFNOTE_HV_START_LOW        12
#define XEN_ELFNOTE_L1_MFN_VALID        13
#define XEN_ELFNOTE_SUSPEND_CANCEL      14
#define XEN_ELFNOTE_INIT_P2M            15
#define XEN_ELFNOTE_MOD_START_PFN       16
#define XEN_ELFNOTE_SUPPORTED_FEATURES  17
#define XEN_ELFNOTE_PHYS32_ENTRY        18  /* PVH only; ignored for PV */

#define XEN_ELFNOTE_NAME                "Xen"

#endif
