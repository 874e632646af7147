/* The serial input ring behind CONSOLEIO_read. Indices run freely and are masked on
 * use; the producer only advances prod, the consumer only cons, each publishing its
 * index with release order after touching the bytes. */
#include <hv/console_input.h>

_Static_assert((CONSOLE_INPUT_SIZE & (CONSOLE_INPUT_SIZE - 1)) == 0,
               "CONSOLE_INPUT_SIZE must be a power of two");

static char ring[CONSOLE_INPUT_SIZE];
static unsigned int prod, cons;
static unsigned long dropped;

void console_input_put(char c)
{
    unsigned int p = prod;     /* only this side writes prod */

    if (p - __atomic_load_n(&cons, __ATOMIC_ACQUIRE) >= CONSOLE_INPUT_SIZE) {
        dropped++;
        return;
    }
    ring[p & (CONSOLE_INPUT_SIZE - 1)] = c;
    __atomic_store_n(&prod, p + 1, __ATOMIC_RELEASE);
}

size_t console_input_pending(void)
{
    return __atomic_load_n(&prod, __ATOMIC_ACQUIRE) - cons;
}

size_t console_input_peek(char *buf, size_t max)
{
    size_t n = console_input_pending();

    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(cons + i) & (CONSOLE_INPUT_SIZE - 1)];
    return n;
}

void console_input_consume(size_t n)
{
    size_t avail = console_input_pending();

    if (n > avail)
        n = avail;
    __atomic_store_n(&cons, cons + (unsigned int)n, __ATOMIC_RELEASE);
}

size_t console_input_get(char *buf, size_t max)
{
    size_t n = console_input_peek(buf, max);

    console_input_consume(n);
    return n;
}

unsigned long console_input_dropped(void)
{
    return dropped;
}
