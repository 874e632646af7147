#!/bin/busybox sh
# /init of the Linux dom0 that tests/bench/xen/run.sh boots on Xen in QEMU.
# Brings up a minimal toolstack (xenstored, xen-init-dom0, xenconsoled), then runs
# every line of /bench/plan as one or two xl domUs and powers the machine off.
#
# /bench/plan, one run a line, fields separated by '|':
#   SCENARIO|BOOT|GUEST.elf|CMDLINE|PEER.elf|PEER_MIB|PEER_CMDLINE
# (the PEER fields are empty for one-domain guests). In a two-domain run the peer is
# created first; its "serve=D" and the measurer's "peer=D" are rewritten to the domain
# ids Xen actually hands out (Xen numbers new domains upwards, so the measurer is the
# peer's id + 1).
# Everything a run prints sits between the serial markers
#   @@bench-xen begin SCENARIO BOOT    and    @@bench-xen end SCENARIO BOOT rc=N
# which run.sh uses to cut the log into runs.

/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/lib/xen-4.17/bin
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu

say() { echo "@@bench-xen $*"; }
die() { say "fatal $*"; sleep 1; poweroff -f; }

mkdir -p /proc /sys /dev /run /var /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var
mount -t tmpfs tmpfs /tmp

for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do
    insmod "/modules/$m.ko" 2> /dev/null || say "note: insmod $m failed (built in?)"
done
mount -t xenfs xenfs /proc/xen || die "cannot mount xenfs"
grep -q control_d /proc/xen/capabilities 2> /dev/null || die "not the control domain"

# xenconsole needs /var/lock, or 'xl create -c' waits for ever.
mkdir -p /var/lock /var/run/xen /var/run/xenstored /var/log/xen/console /var/lib/xen /run/xen
xenstored --pid-file=/var/run/xenstored.pid || die "xenstored did not start"
i=0
while [ ! -S /var/run/xenstored/socket ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
xen-init-dom0 > /dev/null || die "xen-init-dom0 failed"
xenconsoled --log=guest || die "xenconsoled did not start"
say "toolstack-ready uptime=$(cut -d' ' -f1 /proc/uptime)"

run_timeout=$(cat /bench/run-timeout 2> /dev/null || echo 300)
last=0      # the highest domain id handed out so far

# write_cfg FILE NAME KERNEL MIB CMDLINE [ON_POWEROFF]
write_cfg() {
    cat > "$1" << EOF
type = "pv"
name = "$2"
kernel = "$3"
memory = $4
vcpus = 1
cpus = "$(cat /bench/domu-cpus 2> /dev/null || echo all)"
extra = "$5"
on_poweroff = "${6:-destroy}"
on_crash = "${6:-destroy}"
EOF
}

# run_one NAME: create the measuring domain (/tmp/bench.cfg) and wait until it has
# printed bench-done or bench-error, or has gone, or run_timeout has passed (status 1).
# The guest's output is read from xenconsoled's log, not from 'xl create -c': the
# domain stays (on_poweroff "preserve") until xenconsoled has drained its console
# ring, where 'xl create -c' lost the last kilobytes when the domain died at once.
run_one() {
    xl create /tmp/bench.cfg > /tmp/create.out 2>&1 || { cat /tmp/create.out; return 2; }
    f=/var/log/xen/console/guest-$1.log
    i=0
    while [ $i -lt $((run_timeout * 10)) ]; do
        grep -q -e bench-done -e bench-error "$f" 2> /dev/null && return 0
        xl domid "$1" > /dev/null 2>&1 || return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# Wait up to $2 tenths of a second for domain $1 to be gone, then destroy it.
reap() {
    i=0
    while xl domid "$1" > /dev/null 2>&1 && [ $i -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
    if xl domid "$1" > /dev/null 2>&1; then
        say "note: $1 still there, destroying it"
        xl destroy "$1" > /dev/null 2>&1
    fi
}

while IFS='|' read -r scen boot guest cmdline peer peer_mib peer_cmdline; do
    [ -n "$scen" ] || continue
    say "begin $scen $boot uptime=$(cut -d' ' -f1 /proc/uptime)"
    rc=0
    pname="" pid=""
    if [ -n "$peer" ]; then
        pname="peer-$scen-$boot"
        pid=$((last + 1))
        pc=$(echo "$peer_cmdline" | sed "s/serve=[0-9]*/serve=$((pid + 1))/")
        write_cfg /tmp/peer.cfg "$pname" "$peer" "$peer_mib" "$pc"
        xl create /tmp/peer.cfg > /tmp/peer.out 2>&1 || { cat /tmp/peer.out; rc=90; }
        got=$(xl domid "$pname" 2> /dev/null)
        if [ -n "$got" ] && [ "$got" != "$pid" ]; then
            say "note: peer got domid $got, not $pid: the peer grants to the wrong domain"
            pid=$got
        fi
        [ -z "$got" ] || last=$got
        cmdline=$(echo "$cmdline" | sed "s/peer=[0-9]*/peer=$pid/")
    fi
    if [ $rc -eq 0 ]; then
        mname="bench-$scen-$boot"
        mid=$((last + 1))
        write_cfg /tmp/bench.cfg "$mname" "$guest" 128 "$cmdline" preserve
        say "domains peer=${pname:+$pid} measurer=$mid cmdline='$cmdline'"
        run_one "$mname"
        rc=$?
        got=$(xl domid "$mname" 2> /dev/null)
        [ -z "$got" ] || mid=$got
        last=$mid
        if [ $rc -ne 0 ] && [ -n "$got" ]; then
            # Stuck: show where its vCPUs are (Xen's 'd' debug key goes to the serial
            # console) before it is destroyed.
            say "stuck $mname (d$got) after ${run_timeout}s"
            xl list
            xl debug-keys d > /dev/null 2>&1
        fi
        # Everything the guest wrote to its console ring, as xenconsoled logged it.
        cat "/var/log/xen/console/guest-$mname.log" 2> /dev/null
        [ -z "$got" ] || xl destroy "$mname" > /dev/null 2>&1
    fi
    [ -z "$pname" ] || reap "$pname" 50
    echo
    say "end $scen $boot rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
done < /bench/plan

say "all-done uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
