/* The CMOS real-time clock, read once at boot for the guests' wallclock. */
#include <hv/lib.h>
#include <x86/rtc.h>
#include <x86/x86.h>

#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71

static uint8_t cmos(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static unsigned int bcd(uint8_t v, bool binary)
{
    return binary ? v : (v & 0x0F) + (v >> 4) * 10;
}

/* Days since 1970-01-01 of a Gregorian date (months 1-12). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned int yoe = (unsigned int)(y - era * 400);
    unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint64_t rtc_read_seconds(void)
{
    uint8_t sec, min, hour, day, mon, year, status_b;

    /* Wait out an update in progress (bit 7 of status A), bounded. */
    for (int spin = 0; spin < 1000000 && (cmos(0x0A) & 0x80); spin++)
        ;
    sec = cmos(0x00);
    min = cmos(0x02);
    hour = cmos(0x04);
    day = cmos(0x07);
    mon = cmos(0x08);
    year = cmos(0x09);
    status_b = cmos(0x0B);

    bool binary = status_b & 0x04, h24 = status_b & 0x02;
    bool pm = hour & 0x80;
    unsigned int h = bcd(hour & 0x7F, binary);
    if (!h24)
        h = (h % 12) + (pm ? 12 : 0);
    unsigned int y = 2000 + bcd(year, binary);
    unsigned int mo = bcd(mon, binary), dd = bcd(day, binary);
    if (mo < 1 || mo > 12 || dd < 1 || dd > 31)
        return 0;                               /* no sane RTC: 1970 */
    int64_t days = days_from_civil(y, mo, dd);
    return (uint64_t)(days * 86400 + h * 3600 + bcd(min, binary) * 60 + bcd(sec, binary));
}
