/* Forced into every hypervisor compilation unit (-include): all symbols are hidden, so
 * -fpie code references functions and data directly (RIP-relative) instead of through
 * a GOT that a static, self-contained image does not need. */
#pragma GCC visibility push(hidden)
