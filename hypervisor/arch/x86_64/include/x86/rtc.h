/* CMOS real-time clock. */
#ifndef XLITE_RTC_H
#define XLITE_RTC_H

#include <stdint.h>

/* UTC seconds since 1970 (the RTC is assumed to run in UTC), 0 if unreadable. */
uint64_t rtc_read_seconds(void);

#endif
