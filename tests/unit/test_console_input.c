/* The CONSOLEIO_read input ring: FIFO order, peek without consuming, partial consume,
 * bounded size with drops counted, and index wrap-around. */
#include <check.h>
#include <string.h>

#include <hv/console_input.h>
#include "suites.h"

/* Start every test from an empty ring, whatever an earlier test left behind. */
static void drain(void)
{
    char buf[CONSOLE_INPUT_SIZE];

    while (console_input_get(buf, sizeof(buf)))
        ;
}

START_TEST(empty_ring_gives_nothing)
{
    char buf[8] = "xxxxxxx";

    drain();
    ck_assert_uint_eq(console_input_pending(), 0);
    ck_assert_uint_eq(console_input_get(buf, sizeof(buf)), 0);
    ck_assert_uint_eq(console_input_peek(buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "xxxxxxx");
}
END_TEST

START_TEST(bytes_come_out_in_order)
{
    char buf[8] = { 0 };

    drain();
    for (const char *p = "hello"; *p; p++)
        console_input_put(*p);
    ck_assert_uint_eq(console_input_pending(), 5);
    ck_assert_uint_eq(console_input_get(buf, 3), 3);
    ck_assert_int_eq(memcmp(buf, "hel", 3), 0);
    ck_assert_uint_eq(console_input_get(buf, sizeof(buf)), 2);
    ck_assert_int_eq(memcmp(buf, "lo", 2), 0);
    ck_assert_uint_eq(console_input_pending(), 0);
}
END_TEST

START_TEST(peek_does_not_consume)
{
    char buf[4];

    drain();
    console_input_put('a');
    console_input_put('b');
    ck_assert_uint_eq(console_input_peek(buf, sizeof(buf)), 2);
    ck_assert_uint_eq(console_input_peek(buf, 1), 1);
    ck_assert_int_eq(buf[0], 'a');
    console_input_consume(1);
    ck_assert_uint_eq(console_input_peek(buf, sizeof(buf)), 1);
    ck_assert_int_eq(buf[0], 'b');
    console_input_consume(5);                   /* more than pending: just empties */
    ck_assert_uint_eq(console_input_pending(), 0);
    console_input_put('c');
    ck_assert_uint_eq(console_input_get(buf, sizeof(buf)), 1);
    ck_assert_int_eq(buf[0], 'c');
}
END_TEST

START_TEST(full_ring_drops_new_bytes)
{
    char buf[CONSOLE_INPUT_SIZE + 8];

    drain();
    unsigned long dropped = console_input_dropped();
    for (unsigned int i = 0; i < CONSOLE_INPUT_SIZE + 5; i++)
        console_input_put((char)i);
    ck_assert_uint_eq(console_input_pending(), CONSOLE_INPUT_SIZE);
    ck_assert_uint_eq(console_input_dropped() - dropped, 5);
    ck_assert_uint_eq(console_input_get(buf, sizeof(buf)), CONSOLE_INPUT_SIZE);
    for (unsigned int i = 0; i < CONSOLE_INPUT_SIZE; i++)
        UNIT_REQUIRE(buf[i] == (char)i, "byte %u is %d", i, buf[i]);
}
END_TEST

START_TEST(indices_wrap_around)
{
    char buf[7];

    drain();
    /* Many times round the ring with odd-sized batches: order is always kept. */
    for (unsigned int round = 0; round < 10 * CONSOLE_INPUT_SIZE; round += 7) {
        for (unsigned int i = 0; i < 7; i++)
            console_input_put((char)(round + i));
        ck_assert_uint_eq(console_input_get(buf, sizeof(buf)), 7);
        for (unsigned int i = 0; i < 7; i++)
            UNIT_REQUIRE(buf[i] == (char)(round + i), "round %u byte %u", round, i);
    }
    ck_assert_uint_eq(console_input_pending(), 0);
}
END_TEST

Suite *console_input_suite(void)
{
    Suite *s = suite_create("console_input");

    UNIT_ADD_TEST(s, empty_ring_gives_nothing);
    UNIT_ADD_TEST(s, bytes_come_out_in_order);
    UNIT_ADD_TEST(s, peek_does_not_consume);
    UNIT_ADD_TEST(s, full_ring_drops_new_bytes);
    UNIT_ADD_TEST(s, indices_wrap_around);
    return s;
}
