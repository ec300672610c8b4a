#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_all.sh - run the lpar selftests; meant to run INSIDE the test VM
# (scripts/lpar-vm -- selftests/run_all.sh) as root, /dev/kvm present.
#
# Loads lpar.ko if it is not loaded (boot_pool=$LPAR_BOOT_POOL, default
# 512M@0x40000000; runner=<tree>/tools/runner/lpar-runner;
# LPAR_INSMOD_ARGS replaces all parameters), runs every test binary with a
# time limit, prints their TAP output, cleans up partitions a test left
# behind, loads the module again after the unload test, and ends with
#
#   selftests: N passed, M failed
#
# counting test cases (harness "ok"/"not ok" lines; a case the binary did
# not get to -- crash, timeout -- counts as failed; skips are neither).
# The fuzz comes last: if it brings the module down, the rest has run.
# A process stuck in the kernel (after an oops, say) cannot be killed:
# it is left behind, counted as a failure, and the remaining binaries are
# not run, so that the summary line still comes.
# Exit status: 0 if M is 0, else 1.
#
# Environment: LPAR_TESTS (binaries to run, in order), LPAR_TEST_ONLY
# (test case names, comma-separated: each binary runs only those),
# LPAR_SUITE_BUDGET
# (seconds for the whole suite, default 3000), LPAR_TIMEOUT_SCALE,
# LPAR_TEST_MIB, LPAR_FUZZ_SEED / LPAR_FUZZ_SECS (see the tests),
# LPAR_NO_SKIP=1 (a skipped test case counts as failed; make check sets it).
set -u

tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
st=$tree/selftests
cd "$tree" || exit 1

pool=${LPAR_BOOT_POOL:-512M@0x40000000}
runner=$tree/tools/runner/lpar-runner
insmod_args=${LPAR_INSMOD_ARGS:-boot_pool=$pool runner=$runner}
tests=${LPAR_TESTS:-lpar_validation_test lpar_lifecycle_test lpar_storage_test lpar_failure_test lpar_mvstor_test lpar_pci_test lpar_olp_test lpar_unload_test lpar_fuzz_test}
budget=${LPAR_SUITE_BUDGET:-3000}

# Per-binary caps (seconds); each is also cut to what is left of the budget.
cap() {
	case $1 in
	lpar_validation_test) echo 600 ;;
	lpar_lifecycle_test) echo 900 ;;
	lpar_storage_test) echo 900 ;;
	lpar_failure_test) echo 900 ;;
	lpar_mvstor_test) echo 1200 ;;
	lpar_pci_test) echo 1200 ;;
	lpar_olp_test) echo 900 ;;
	lpar_fuzz_test) echo 400 ;;
	lpar_unload_test) echo 450 ;;
	lpar_dkms_test.sh) echo 1500 ;;
	*) echo 600 ;;
	esac
}

passed=0
failed=0
skipped=0
failures=()
wedged=
start=$(date +%s)
logdir=$(mktemp -d /tmp/lpar-selftests.XXXXXX)

note() { echo "# run_all: $*"; }
fail_case() {
	failures+=("$1")
	failed=$((failed + 1))
	note "FAIL: $1"
}

# bounded SECS LOG CMD...: run CMD with its output appended to LOG (not
# to our stdout: a process left behind must not hold that open), wait at
# most SECS seconds; its exit status, or 124 if it had to be killed, or
# 125 if it could not even be killed (stuck in the kernel): then it is
# left behind.
bounded() {
	local secs=$1 out=$2 pid deadline rc
	shift 2
	"$@" </dev/null >>"$out" 2>&1 &
	pid=$!
	deadline=$(($(date +%s) + secs))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			kill_tree "$pid"
			for _ in $(seq 20); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.5
			done
			if kill -0 "$pid" 2>/dev/null; then
				note "pid $pid ($*) cannot be killed: stuck in the kernel?"
				ps -o pid,stat,wchan:32,args --ppid "$pid" -p "$pid" 2>/dev/null |
					sed 's/^/#   /'
				return 125
			fi
			wait "$pid" 2>/dev/null
			return 124
		fi
		sleep 0.2
	done
	wait "$pid"
	rc=$?
	return $rc
}

# SIGKILL a process and all its descendants (by pid, never by name).
kill_tree() {
	local p c
	for p in "$@"; do
		for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do
			kill_tree "$c"
		done
		kill -KILL "$p" 2>/dev/null
	done
}

load_module() {
	if [ ! -d /sys/module/lpar ]; then
		note "insmod $tree/lpar.ko $insmod_args"
		# shellcheck disable=SC2086 # word splitting of the parameters wanted
		if ! bounded 120 "$logdir/insmod.log" insmod "$tree/lpar.ko" $insmod_args; then
			note "insmod failed: $(tail -n 3 "$logdir/insmod.log")"
			note "dmesg says:"
			dmesg | tail -n 15 | sed 's/^/#   /'
			return 1
		fi
	fi
	for _ in $(seq 50); do
		[ -c /dev/lpar ] && return 0
		sleep 0.1
	done
	note "/dev/lpar did not appear"
	return 1
}

# Remove whatever partitions a test left; false if that hangs.
cleanup() {
	local rc
	[ -c /dev/lpar ] || return 0
	: >"$logdir/cleanup.log"
	bounded 120 "$logdir/cleanup.log" "$st/lpar_cleanup"
	rc=$?
	cat "$logdir/cleanup.log"
	case $rc in
	0) return 0 ;;
	124 | 125) fail_case "lpar_cleanup after $1 hangs (module stuck)"
		wedged="lpar_cleanup after $1 hangs"
		return 1 ;;
	*) note "lpar_cleanup after $1 failed"; return 0 ;;
	esac
}

finish() {
	local f
	echo
	note "log files in $logdir"
	[ "$skipped" -gt 0 ] && note "$skipped test case(s) skipped"
	# In the project's VM everything a test needs is there (edu, IOMMU,
	# e1000e): a skip there means the test did not run, so it fails.
	if [ "$skipped" -gt 0 ] && [ "${LPAR_NO_SKIP:-0}" = 1 ]; then
		failed=$((failed + skipped))
		failures+=("$skipped skipped test case(s) (LPAR_NO_SKIP=1)")
	fi
	for f in "${failures[@]}"; do
		note "failed: $f"
	done
	note "took $(($(date +%s) - start)) s"
	echo "selftests: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# run_binary NAME LIMIT: run one test binary, count its test cases.
run_binary() {
	local t=$1 limit=$2 log=$logdir/$1.log t0 rc plan n_ok n_skip n_notok
	local missing why line dm0
	echo
	echo "# ==== $t (timeout ${limit}s) ===="
	t0=$(date +%s)
	dm0=$(dmesg | wc -l)
	: >"$log"
	# Output goes to the log as it comes; a reader prints it live.
	tail -n +1 -s 0.2 -f "$log" &
	local tailpid=$!
	# shellcheck disable=SC2016 # expanded by that sh
	bounded "$limit" "$log" sh -c 'cd "$1" && exec "./$2"' sh "$st" "$t"
	rc=$?
	sleep 1
	kill "$tailpid" 2>/dev/null
	wait "$tailpid" 2>/dev/null
	note "$t: exit $rc after $(($(date +%s) - t0)) s"

	plan=$(grep -m1 -E '^1\.\.[0-9]+' "$log" | sed -E 's/^1\.\.([0-9]+).*/\1/')
	n_ok=$(grep -cE '^ok [0-9]+' "$log")
	n_skip=$(grep -E '^ok [0-9]+' "$log" | grep -c '# SKIP')
	n_notok=$(grep -cE '^not ok [0-9]+' "$log")
	passed=$((passed + n_ok - n_skip))
	skipped=$((skipped + n_skip))
	failed=$((failed + n_notok))
	while read -r line; do
		failures+=("$t: ${line#not ok }")
	done < <(grep -E '^not ok [0-9]+' "$log")

	why="exit $rc"
	[ "$rc" -eq 124 ] && why="timed out after ${limit}s"
	[ "$rc" -eq 125 ] && why="stuck in the kernel after ${limit}s"
	[ "$rc" -gt 128 ] && why="killed by signal $((rc - 128))"
	if [ -z "$plan" ]; then
		if [ "$rc" -eq 4 ]; then
			skipped=$((skipped + 1))
			note "$t: skipped as a whole"
		else
			fail_case "$t: no TAP plan ($why)"
		fi
	else
		missing=$((plan - n_ok - n_notok))
		if [ "$missing" -gt 0 ]; then
			for _ in $(seq "$missing"); do
				fail_case "$t: test case not finished ($why)"
			done
		elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$n_notok" -eq 0 ]; then
			fail_case "$t: $why with no failed test case"
		fi
	fi
	[ "$rc" -eq 125 ] && wedged="$t is stuck in the kernel"
	# What the module said while a failing binary ran (the reasons a
	# partition failed, refusals); the whole log is in the VM's dmesg.
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
		note "$t: the kernel's log while it ran (last 40 lines):"
		dmesg | tail -n +"$((dm0 + 1))" | tail -n 40 | sed 's/^/#   /'
	fi
	return 0
}

echo "# lpar selftests: $(uname -r), $(nproc) CPU(s), $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"
echo "# kernel command line: $(cat /proc/cmdline)"
if [ "$(id -u)" -ne 0 ]; then
	fail_case "run_all.sh must run as root"
	finish
fi
[ -c /dev/kvm ] || note "no /dev/kvm: partitions cannot run (tests will fail)"
[ -x "$runner" ] || note "no runner at $runner"
for t in $tests; do
	[ -x "$st/$t" ] || fail_case "$t: not built (make selftests)"
done
for g in hello pattern probe spin crash smp mover hotplug dmaloop pcictl olp; do
	[ -f "$st/guest/$g.bin" ] || note "guest $g.bin not built"
done
if ! load_module; then
	fail_case "lpar.ko does not load"
	finish
fi

for t in $tests; do
	[ -x "$st/$t" ] || continue
	if [ -n "$wedged" ]; then
		fail_case "$t: not run ($wedged)"
		continue
	fi
	left=$((budget - ($(date +%s) - start) - 30))
	limit=$(cap "$t")
	[ "$limit" -gt "$left" ] && limit=$left
	if [ "$limit" -lt 60 ]; then
		fail_case "$t: not run, the suite's time budget (${budget}s) is used up"
		continue
	fi
	if [ ! -c /dev/lpar ] && ! load_module; then
		fail_case "$t: not run, lpar.ko does not load"
		continue
	fi

	run_binary "$t" "$limit"
	[ -n "$wedged" ] && continue
	# Leave a clean table for the next binary.
	cleanup "$t" || continue
	# The unload test leaves the module out: load it again.
	if [ ! -d /sys/module/lpar ]; then
		note "lpar.ko was unloaded by $t; loading it again"
		load_module || fail_case "$t: lpar.ko does not load again afterwards"
	fi
done

# Nothing may be left behind by the suite.
if [ -z "$wedged" ] && [ -c /dev/lpar ] && cleanup "the suite"; then
	free=$(cat /sys/kernel/lpar/pool/free 2>/dev/null)
	total=$(cat /sys/kernel/lpar/pool/total 2>/dev/null)
	if [ -n "$total" ] && [ "$free" != "$total" ]; then
		fail_case "pool leak after the suite: free $free of $total"
	fi
	left=$(pgrep -f 'lpar-runner.*--id' | tr '\n' ' ')
	[ -n "$left" ] && fail_case "lpar-runner processes left after the suite: $left"
fi

finish
