# gdb script for tests/linux/debug.sh (run as `gdb -batch -x debug.py vmlinux.debug`).
# Talks to QEMU's gdb stub; every address and offset comes from debug.sh's environment.
import collections
import os
import signal
import threading
import time

import gdb

env = os.environ
mode = env["XL_MODE"]
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote 127.0.0.1:%s" % env["XL_PORT"])


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFFFFFFFFFF


def u64(addr):
    return int(gdb.parse_and_eval("*(unsigned long *)%d" % addr)) & 0xFFFFFFFFFFFFFFFF


def signed(v):
    return v - (1 << 64) if v >> 63 else v


def where(addr):
    s = gdb.execute("info symbol %#x" % addr, to_string=True).strip()
    return s.split(" in section")[0]


def backtrace():
    try:
        return gdb.execute("bt 16", to_string=True)
    except gdb.error as e:
        return "(no backtrace: %s)\n" % e


# Stop the guest after XL_RUN seconds: SIGINT makes gdb interrupt the target.
timer = threading.Timer(float(env["XL_RUN"]), lambda: os.kill(os.getpid(), signal.SIGINT))
timer.daemon = True
timer.start()


deadline = time.monotonic() + float(env["XL_RUN"])


def run():
    """Continue the guest; False once it is gone or the time is up."""
    if time.monotonic() >= deadline:
        return False
    try:
        gdb.execute("continue", to_string=True)
        return True
    except KeyboardInterrupt:          # the timer's SIGINT reached Python code
        return False
    except gdb.error as e:
        print("target stopped: %s" % e)
        return False


if mode == "hypercalls":
    sc = int(env["XL_HC_SYSCALL"], 16)
    counts = collections.Counter()
    last = collections.deque(maxlen=40)
    failed = {}
    # Calls in flight: an event upcall can run (and make hypercalls) between a
    # hypercall's entry and its return, so entries and returns pair up as a stack.
    inflight = []

    class Entry(gdb.Breakpoint):
        def stop(self):
            # xen_hypercall_pv pushed %rcx and %r11: its caller's return address is above.
            inflight.append((reg("rax"), reg("rdi"), reg("rsi"), reg("rdx"),
                             u64(reg("rsp") + 16)))
            return time.monotonic() >= deadline

    class Return(gdb.Breakpoint):
        def stop(self):
            if not inflight:
                return False
            nr, a0, a1, a2, caller = inflight.pop()
            rv = signed(reg("rax"))
            key = (nr, a0 if a0 < 64 else "ptr")
            counts[key] += 1
            last.append((nr, a0, a1, a2, caller, rv))
            if rv < 0 and key + (rv,) not in failed:
                # (No backtrace: at the return the unwinder cannot see past the pushes.)
                failed[key + (rv,)] = [1, "hypercall %d (%#x, %#x, %#x) -> %d from %s"
                                       % (nr, a0, a1, a2, rv, where(caller))]
            elif rv < 0:
                failed[key + (rv,)][0] += 1
            return time.monotonic() >= deadline

    Entry("*%#x" % sc, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
    Return("*%#x" % (sc + 2), type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
    try:
        run()
    except KeyboardInterrupt:
        pass
    print("== hypercall counts (number, first argument if < 64):")
    for k, n in sorted(counts.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print("  hc %2d arg0 %-4s %7d" % (k[0], k[1], n))
    print("== failing hypercalls: how often, and the first time in full:")
    for n, text in failed.values():
        print("%d x %s" % (n, text))
    print("== last %d hypercalls:" % len(last))
    for nr, a0, a1, a2, caller, rv in last:
        print("  hc %2d (%#x, %#x, %#x) -> %d  from %s" % (nr, a0, a1, a2, rv, where(caller)))
    for nr, a0, a1, a2, caller in inflight:
        print("== in flight (not returned): hc %d (%#x, %#x, %#x) from %s"
              % (nr, a0, a1, a2, where(caller)))

elif mode == "traps":
    off_rip, off_vec = int(env["XL_OFF_RIP"]), int(env["XL_OFF_VEC"])
    counts = collections.Counter()

    class Trap(gdb.Breakpoint):
        def __init__(self, addr, kind):
            super().__init__("*%#x" % addr, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
            self.kind = kind

        def stop(self):
            regs = reg("rdi")          # struct cpu_regs * of the guest
            counts[(self.kind, u64(regs + off_vec), u64(regs + off_rip))] += 1
            return time.monotonic() >= deadline

    Trap(int(env["XL_EMUL"], 16), "emulated")
    if env.get("XL_CPUID"):
        Trap(int(env["XL_CPUID"], 16), "forced-cpuid")
    Trap(int(env["XL_EXC"], 16), "exception")
    try:
        run()
    except KeyboardInterrupt:
        pass
    totals = collections.Counter()
    for (kind, vec, rip), n in counts.items():
        totals[(kind, vec)] += n
    print("== totals (kind, vector): %s" % sorted(totals.items()))
    print("== per guest RIP, most first:")
    for (kind, vec, rip), n in counts.most_common():
        print("rip %#x %-12s vector %2d  %7d" % (rip, kind, vec, n))

elif mode == "hits":
    # Every time Linux reaches XL_ARG: counted per (%ecx, %edi, the 3 callers above).
    arg = env["XL_ARG"]
    counts = collections.Counter()

    class Hit(gdb.Breakpoint):
        def stop(self):
            frames, f = [], gdb.newest_frame().older()
            while f is not None and len(frames) < 3:
                frames.append(f.pc())
                f = f.older()
            key = (reg("rcx") & 0xFFFFFFFF, reg("rdi"), tuple(frames))
            counts[key] += 1
            return time.monotonic() >= deadline

    Hit("*" + arg if arg.startswith("0x") else arg, type=gdb.BP_HARDWARE_BREAKPOINT,
        internal=True)
    try:
        run()
    except KeyboardInterrupt:
        pass
    print("== %d hits of %s, per (ecx, rdi, callers), most first:" % (sum(counts.values()), arg))
    for (ecx, rdi, frames), n in counts.most_common(30):
        print("  %7d  ecx %#x rdi %#x  %s" % (n, ecx, rdi, " < ".join(where(pc) for pc in frames)))

elif mode == "break":
    arg = env["XL_ARG"]
    loc = "*" + arg if arg.startswith("0x") else arg
    gdb.Breakpoint(loc, type=gdb.BP_HARDWARE_BREAKPOINT)
    if run():
        print(gdb.execute("info registers rip rsp rbp rax rbx rcx rdx rsi rdi r8 r9 cr2 cr3",
                          to_string=True))
        print(backtrace())
        print(gdb.execute("x/6i $pc", to_string=True))

timer.cancel()
