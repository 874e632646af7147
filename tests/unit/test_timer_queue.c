/* The timer queue: expiry order, re-arming, deletion, equal deadlines in insertion
 * order, and a random sequence checked against a simple model. */
#include <check.h>
#include <stdlib.h>

#include "suites.h"
#include <hv/timer.h>

static int fired[64];
static int nfired;

static void record(void *data)
{
    fired[nfired++] = (int)(long)data;
}

START_TEST(pops_in_expiry_order)
{
    struct timer_queue q = { 0 };
    struct timer t[4];
    const uint64_t when[4] = { 30, 10, 40, 20 };

    for (int i = 0; i < 4; i++) {
        timer_init(&t[i], record, (void *)(long)i);
        timer_queue_add(&q, &t[i], when[i]);
    }
    ck_assert_uint_eq(timer_queue_next(&q), 10);
    ck_assert_ptr_null(timer_queue_pop_expired(&q, 9));
    ck_assert_ptr_eq(timer_queue_pop_expired(&q, 25), &t[1]);
    ck_assert_ptr_eq(timer_queue_pop_expired(&q, 25), &t[3]);
    ck_assert_ptr_null(timer_queue_pop_expired(&q, 25));
    ck_assert(!t[1].active && t[0].active);
    ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &t[0]);
    ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &t[2]);
    ck_assert_uint_eq(timer_queue_next(&q), UINT64_MAX);
}
END_TEST

START_TEST(rearm_and_delete)
{
    struct timer_queue q = { 0 };
    struct timer a, b;

    timer_init(&a, record, NULL);
    timer_init(&b, record, NULL);
    timer_queue_add(&q, &a, 10);
    timer_queue_add(&q, &b, 20);
    timer_queue_add(&q, &a, 30);            /* re-arm moves it, never duplicates it */
    ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &b);
    ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &a);
    ck_assert_ptr_null(timer_queue_pop_expired(&q, 100));
    timer_queue_add(&q, &a, 5);
    timer_queue_del(&q, &a);
    timer_queue_del(&q, &a);                /* deleting twice is harmless */
    ck_assert_ptr_null(timer_queue_pop_expired(&q, 100));
}
END_TEST

START_TEST(equal_deadlines_fifo)
{
    struct timer_queue q = { 0 };
    struct timer t[3];

    for (int i = 0; i < 3; i++) {
        timer_init(&t[i], record, NULL);
        timer_queue_add(&q, &t[i], 7);
    }
    for (int i = 0; i < 3; i++)
        ck_assert_ptr_eq(timer_queue_pop_expired(&q, 7), &t[i]);
}
END_TEST

START_TEST(random_matches_model)
{
    struct timer_queue q = { 0 };
    struct timer t[16];
    uint64_t model[16];              /* 0 = not armed */

    srand(1234);
    for (int i = 0; i < 16; i++) {
        timer_init(&t[i], record, NULL);
        model[i] = 0;
    }
    uint64_t now = 0;
    for (int step = 0; step < 100000; step++) {
        int i = rand() % 16;
        switch (rand() % 3) {
        case 0:
            model[i] = now + 1 + rand() % 1000;
            timer_queue_add(&q, &t[i], model[i]);
            break;
        case 1:
            model[i] = 0;
            timer_queue_del(&q, &t[i]);
            break;
        default: {
            now += rand() % 50;
            struct timer *x;
            uint64_t last = 0;
            while ((x = timer_queue_pop_expired(&q, now))) {
                int k = (int)(x - t);
                UNIT_REQUIRE(model[k] && model[k] <= now && model[k] >= last,
                             "step %d: timer %d popped wrongly", step, k);
                last = model[k];
                model[k] = 0;
            }
            for (int k = 0; k < 16; k++)
                UNIT_REQUIRE(!model[k] || model[k] > now, "step %d: timer %d missed", step, k);
        }
        }
    }
}
END_TEST

Suite *timer_queue_suite(void)
{
    Suite *s = suite_create("timer_queue");

    UNIT_ADD_TEST(s, pops_in_expiry_order);
    UNIT_ADD_TEST(s, rearm_and_delete);
    UNIT_ADD_TEST(s, equal_deadlines_fifo);
    UNIT_ADD_TEST(s, random_matches_model);
    return s;
}
