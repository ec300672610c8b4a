#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run every lpar benchmark (SPEC section 12).  Inside the test VM, as
# root, with the tree as the current directory (scripts/lpar-vm does
# that); it loads lpar.ko itself and unloads it at the end.  Prints one
# line per figure:
#
#	bench: NAME value=X baseline=Y ratio=R target=T unit=U
#
# Environment: BENCH_RUNS (default 5), LPAR_BOOT_POOL (exported by
# scripts/lpar-vm; default 512M@0x40000000), LPAR_KO (default ./lpar.ko).

set -u

TREE=$(pwd)
BENCH="$TREE/bench"
RUNS=${BENCH_RUNS:-5}
BOOT_POOL=${LPAR_BOOT_POOL:-512M@0x40000000}
LPAR_KO=${LPAR_KO:-$TREE/lpar.ko}
RUNNER="$TREE/tools/runner/lpar-runner"

die() {
	echo "run_all: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (inside the test VM)"
for f in "$LPAR_KO" "$RUNNER" "$BENCH/act_latency" "$BENCH/mvstor" \
	 "$BENCH/guest_hi.bin" "$BENCH/guest_spin.bin" "$BENCH/bios.bin"; do
	[ -e "$f" ] || die "$f missing: build first (make, make -C tools, make -C bench)"
done

if [ ! -e /dev/kvm ]; then
	modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null
fi
[ -e /dev/kvm ] || die "no /dev/kvm (kvm_amd / kvm_intel do not load)"

if grep -q '^lpar ' /proc/modules; then
	rmmod lpar || die "lpar is loaded and busy"
fi
insmod "$LPAR_KO" boot_pool="$BOOT_POOL" runner="$RUNNER" ||
	die "insmod $LPAR_KO boot_pool=$BOOT_POOL failed (is memmap= on the kernel command line?)"
# One idle KVM VM for the whole run (bench/kvm_pin.c says why: no
# benchmark's first or last VM may flip KVM's static keys, a text rewrite
# multi-threaded TCG can miss).
pin_pid=
if [ -x "$BENCH/kvm_pin" ]; then
	"$BENCH/kvm_pin" >"${TMPDIR:-/tmp}/kvm_pin.out" &
	pin_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q ready "${TMPDIR:-/tmp}/kvm_pin.out" 2>/dev/null && break
		kill -0 "$pin_pid" 2>/dev/null || die "kvm_pin failed"
		sleep 0.5
	done
else
	die "$BENCH/kvm_pin missing: build first (make -C bench)"
fi
trap 'kill $pin_pid 2>/dev/null; rmmod lpar 2>/dev/null' EXIT
trap 'exit 130' INT TERM

rc=0

# Every benchmark is bounded: one that does not end in BENCH_LIMIT seconds
# (default 300) is killed and counts as failed; "make bench" has the VM's
# timeout on top of that, for one stuck in the kernel.
limit=${BENCH_LIMIT:-300}
bounded() {
	timeout --kill-after=10 "$limit" "$@"
	local r=$?
	[ $r -eq 124 ] || [ $r -eq 137 ] && echo "run_all: $1: no result within $limit s" >&2
	return $r
}

# act -> first guest instruction, against QEMU -accel kvm.
bounded "$BENCH/act_latency" --runs "$RUNS" --image "$BENCH/guest_hi.bin" \
	--bios "$BENCH/bios.bin" || rc=1

# MVSTOR of a running 64 MiB partition: throughput against memcpy, and
# the longest guest pause against the whole move.
bounded "$BENCH/mvstor" --runs "$RUNS" --image "$BENCH/guest_spin.bin" || rc=1

# The same moves with the pause measured inside the guest (TSC gaps in
# the mover guest's loop), converted with the VM's TSC frequency.
mhz=$(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -n 1)
[ -n "$mhz" ] || mhz=$(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -n 1)
if [ -n "$mhz" ] && [ -e "$TREE/selftests/guest/mover.bin" ]; then
	khz=$(awk -v m="$mhz" 'BEGIN { printf "%d", m * 1000 }')
	bounded "$BENCH/mvstor" --runs "$RUNS" --image "$TREE/selftests/guest/mover.bin" \
		--tsc-khz "$khz" || rc=1
else
	echo "run_all: no TSC frequency in dmesg or no mover guest: mvstor_guest_pause not measured" >&2
	rc=1
fi

# Slot move between running partitions (rem + add until the guest has
# configured it), against QEMU device_del + device_add of the same edu
# passed through with vfio-pci to a nested Linux guest (ACPI hot-plug).
if [ -e "$TREE/selftests/guest/hotplug.bin" ]; then
	bounded "$BENCH/slot_move" --runs "$RUNS" --guest "$TREE/selftests/guest/hotplug.bin" || rc=1
else
	echo "run_all: no selftests/guest/hotplug.bin (make selftests): slot_move not measured" >&2
	rc=1
fi

# OLP: stop window of a 10-entry patch against an empty stop_machine.
OLP_KO="$TREE/olp/example/lpar_olp_example.ko"
if [ -e "$OLP_KO" ] && [ -e "$TREE/olp/example/bench10.olp" ] &&
   insmod "$OLP_KO"; then
	bounded "$BENCH/olp_window" --runs "$((RUNS < 9 ? 9 : RUNS))" \
		--patch "$TREE/olp/example/bench10.olp" \
		--image "$BENCH/guest_spin.bin" || rc=1
	rmmod lpar_olp_example || rc=1
else
	echo "run_all: $OLP_KO missing or not loadable (make olp-patch): olp_stop_window not measured" >&2
	rc=1
fi

exit $rc
