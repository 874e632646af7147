/* xlite's version, printed in the banner and (later) reported to guests. */
#ifndef XLITE_VERSION_H
#define XLITE_VERSION_H

#define XLITE_VERSION_MAJOR 0
#define XLITE_VERSION_MINOR 1
#define XLITE_VERSION_PATCH 0
#define XLITE_VERSION       "0.1.0"

/* The Xen version guests are told (xen_version, CPUID 0x40000001): the Xen release
 * whose PV ABI xlite follows. Guests gate features on it (Linux and Mini-OS want at
 * least 3.0), so reporting xlite's own 0.1 would make them refuse to run. */
#define XEN_COMPAT_MAJOR    4
#define XEN_COMPAT_MINOR    19

#endif
