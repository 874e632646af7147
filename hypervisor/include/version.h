/* xlite's version, printed in the banner and (later) reported to guests. */
#ifndef XLITE_VERSION_H
#define XLITE_VERSION_H

#define XLITE_VERSION_MAJOR 0
#define XLITE_VERSION_MINOR 1
#define XLITE_VERSION_PATCH 0
#define XLITE_VERSION       "0.1.0"

#endif
