/* callback_op (hypercall 30) and set_callbacks (hypercall 4).
 *
 * Checks: CALLBACKOP_register accepts the event, failsafe, syscall, nmi, sysenter
 * and syscall32 types (0, 1, 2, 4, 5, 7), with and without CALLBACKF_mask_events;
 * an unknown type (3, 6, 8, 0xffff) is -ENOSYS; a non-canonical address is -EINVAL
 * for every type; an unreadable argument is -EFAULT; an unknown command is -ENOSYS;
 * set_callbacks(event, failsafe, syscall) returns 0. (That a registered syscall
 * callback is really entered is test_user_mode's job.)
 * Without it: XTF panics at start of day if any of types 0, 2, 5, 7 fails; Mini-OS
 * registers its event entry with set_callbacks.
 */
#include "rt.h"
#include <xlite/callback.h>

static long reg(unsigned int type, unsigned int flags, uint64_t address)
{
    struct callback_register cb = { .type = (uint16_t)type, .flags = (uint16_t)flags,
                                    .address = address };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static const unsigned int types[] = { CALLBACKTYPE_event, CALLBACKTYPE_failsafe,
                                      CALLBACKTYPE_syscall, CALLBACKTYPE_nmi,
                                      CALLBACKTYPE_sysenter, CALLBACKTYPE_syscall32 };

static void t_register(void)
{
    char what[64];

    t_begin("register_known_types");
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        snprintf(what, sizeof(what), "type %u", types[i]);
        t_eq(what, reg(types[i], 0, rt_stub(RT_VEC_SYSCALL)), 0);
        snprintf(what, sizeof(what), "type %u with CALLBACKF_mask_events", types[i]);
        t_eq(what, reg(types[i], CALLBACKF_mask_events, rt_stub(RT_VEC_SYSCALL)), 0);
    }
    /* Put the runtime's own entries back. */
    t_eq("event -> runtime rc", reg(CALLBACKTYPE_event, 0, rt_stub(RT_VEC_EVENT)), 0);
    t_eq("failsafe -> runtime rc", reg(CALLBACKTYPE_failsafe, 0, rt_stub(RT_VEC_FAILSAFE)),
         0);
    t_end();
}

static void t_unknown_type(void)
{
    static const unsigned int bad[] = { CALLBACKTYPE_sysenter_deprecated, 6, 8, 0xFFFF };
    char what[32];

    t_begin("unknown_type_enosys");
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(what, sizeof(what), "type %u", bad[i]);
        t_eq(what, reg(bad[i], 0, rt_stub(RT_VEC_SYSCALL)), -XEN_ENOSYS);
    }
    t_end();
}

static void t_non_canonical(void)
{
    char what[64];

    t_begin("non_canonical_einval");
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        snprintf(what, sizeof(what), "type %u at 0x8000000000000000", types[i]);
        t_eq(what, reg(types[i], 0, 0x8000000000000000ul), -XEN_EINVAL);
        snprintf(what, sizeof(what), "type %u at 0x0000800000000000", types[i]);
        t_eq(what, reg(types[i], 0, 0x0000800000000000ul), -XEN_EINVAL);
    }
    t_end();
}

static void t_bad_args(void)
{
    struct callback_register cb = { .type = CALLBACKTYPE_event, .address = rt_stub(RT_VEC_EVENT) };

    t_begin("bad_pointer_efault");
    t_eq("unmapped argument",
         HYPERVISOR_callback_op(CALLBACKOP_register, (void *)0x40000000ul), -XEN_EFAULT);
    t_eq("non-canonical argument",
         HYPERVISOR_callback_op(CALLBACKOP_register, (void *)0x8000000000000000ul),
         -XEN_EFAULT);
    t_end();

    t_begin("unknown_cmd_enosys");
    t_eq("cmd 2", HYPERVISOR_callback_op(2, &cb), -XEN_ENOSYS);
    t_eq("cmd 99", HYPERVISOR_callback_op(99, &cb), -XEN_ENOSYS);
    t_end();
}

static void t_set_callbacks(void)
{
    t_begin("set_callbacks");
    t_eq("set_callbacks(event, failsafe, syscall)",
         HYPERVISOR_set_callbacks(rt_stub(RT_VEC_EVENT), rt_stub(RT_VEC_FAILSAFE),
                                  rt_stub(RT_VEC_SYSCALL)), 0);
    t_eq("set_callbacks(event, failsafe, 0) (Mini-OS)",
         HYPERVISOR_set_callbacks(rt_stub(RT_VEC_EVENT), rt_stub(RT_VEC_FAILSAFE), 0), 0);
    t_end();
}

void test_main(void)
{
    t_register();
    t_unknown_type();
    t_non_canonical();
    t_bad_args();
    t_set_callbacks();
}
