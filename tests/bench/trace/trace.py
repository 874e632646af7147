# gdb script for tests/bench/trace/trace.sh: single-steps one pass of a hypervisor path
# and writes every instruction executed, for counting where a path spends its work.
# Environment: TRACE_PORT (QEMU gdb stub), TRACE_FROM (address to break at),
# TRACE_TO (address to stop at), TRACE_TO_HITS (stop at its Nth pass, default 1),
# TRACE_SKIP (passes over TRACE_FROM to let go by first: warm-up), TRACE_COND (a gdb
# condition on the break, e.g. "$rax == 17"), TRACE_OUT (file for the instructions).
import os

import gdb

env = os.environ
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote 127.0.0.1:%s" % env["TRACE_PORT"])
gdb.execute("hbreak *%s" % env["TRACE_FROM"])
if env.get("TRACE_COND"):
    gdb.execute("condition 1 " + env["TRACE_COND"])
gdb.execute("ignore 1 %d" % int(env.get("TRACE_SKIP", "0")))
gdb.execute("continue", to_string=True)
gdb.execute("delete")
stop = int(env["TRACE_TO"], 16)
want = int(env.get("TRACE_TO_HITS", "1"))
hits = steps = 0
with open(env["TRACE_OUT"], "w") as out:
    while True:
        pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
        out.write(gdb.execute("x/i $pc", to_string=True))
        hits += pc == stop
        if hits >= want or steps > 50000:
            break
        gdb.execute("stepi", to_string=True)
        steps += 1
gdb.execute("kill", to_string=True)
