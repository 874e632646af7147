/* The store client (drivers/store.c). tx 0 = no transaction. All calls block the
 * calling thread; -XE_NODEV when the domain has no store. */
#ifndef STORE_H
#define STORE_H

#include "kernel.h"

void store_init(void);
void control_init(void);               /* domid; domU: watch control/shutdown */
bool store_present(void);
long store_read(uint32_t tx, const char *path, char *buf, size_t n);
int store_write(uint32_t tx, const char *path, const char *value);
int store_mkdir(uint32_t tx, const char *path);
int store_rm(uint32_t tx, const char *path);
long store_directory(uint32_t tx, const char *path, char *buf, size_t n);
int store_watch(const char *path, const char *token);
int store_wait_watch(char *path, size_t n);
int store_tx_start(uint32_t *tx);
int store_tx_end(uint32_t tx, bool commit);
/* Read and clear control/shutdown in one transaction (retried on EAGAIN). */
int store_control_take(char *what, size_t n);

#endif
