/* Loading executables into user address spaces (kernel/exec.c). */
#ifndef EXEC_H
#define EXEC_H

#include "arch.h"

#define MAX_ARGS 32
#define MAX_ARG_LEN 128

struct exec_result {
    uint64_t entry, rsp, brk;
};
/* Build *as from the executable at path: -XE_NOENT, -XE_NOEXEC, -XE_NOMEM, -XE_2BIG. */
int exec_load(struct aspace *as, const char *path, char *const argv[], int argc,
              struct exec_result *res);

#endif
