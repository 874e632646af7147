/* 16550 UART on COM1 (I/O port 0x3F8), 115200 8N1, polled. The hypervisor's console:
 * output for printk, input for the debug keys (and later the dom0 console). */
#include <asm/console.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <x86/serial.h>
#include <x86/x86.h>

#define COM1        0x3F8
#define REG_DATA    0       /* DLAB=0: RX/TX; DLAB=1: divisor low */
#define REG_IER     1       /* DLAB=1: divisor high */
#define REG_FCR     2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define LSR_DR      0x01    /* a received byte is waiting */
#define LSR_THRE    0x20    /* transmit holding register empty */

static bool present;

static void serial_putc(char c)
{
    /* Bounded wait: a missing or wedged UART must not hang the hypervisor. */
    for (int spin = 0; spin < 100000; spin++)
        if (inb(COM1 + REG_LSR) & LSR_THRE)
            break;
    outb(COM1 + REG_DATA, (uint8_t)c);
}

static void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

void console_port_init(void)
{
    outb(COM1 + REG_IER, 0x00);             /* polled: no UART interrupts */
    outb(COM1 + REG_LCR, 0x80);             /* DLAB on to set the divisor */
    outb(COM1 + REG_DATA, 1);               /* 115200 = 115200 / 1 */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, 0x03);             /* 8N1, DLAB off */
    outb(COM1 + REG_FCR, 0xC7);             /* FIFOs on, cleared, 14-byte threshold */
    outb(COM1 + REG_MCR, 0x03);             /* DTR | RTS */
    /* A floating bus reads 0xFF: treat that as "no UART". */
    present = inb(COM1 + REG_LSR) != 0xFF;
    if (present)
        console_register(serial_write);
}

int serial_getc(void)
{
    if (!present || !(inb(COM1 + REG_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + REG_DATA);
}

int console_getc(void)
{
    return serial_getc();
}
