#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_all.sh - run the lpar selftests; meant to run INSIDE the test VM
# (scripts/lpar-vm -- selftests/run_all.sh) as root, /dev/kvm present.
#
# Loads lpar.ko if it is not loaded (boot_pool=$LPAR_BOOT_POOL, default
# 512M@0x40000000; runner=<tree>/tools/runner/lpar-runner;
# LPAR_INSMOD_ARGS replaces all parameters), runs every test binary under
# timeout(1), prints their TAP output, cleans up partitions a test left
# behind, reloads the module after the unload test, and ends with
#
#   selftests: N passed, M failed
#
# counting test cases (harness "ok"/"not ok" lines; a case the binary did
# not get to -- crash, timeout -- counts as failed; skips are neither).
# Exit status: 0 if M is 0, else 1.
#
# Environment: LPAR_TESTS (binaries to run, in order), LPAR_SUITE_BUDGET
# (seconds for the whole suite, default 2200), LPAR_TIMEOUT_SCALE,
# LPAR_TEST_MIB, LPAR_FUZZ_SEED / LPAR_FUZZ_SECS (see the tests).
set -u

tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
st=$tree/selftests
cd "$tree" || exit 1

pool=${LPAR_BOOT_POOL:-512M@0x40000000}
runner=$tree/tools/runner/lpar-runner
insmod_args=${LPAR_INSMOD_ARGS:-boot_pool=$pool runner=$runner}
tests=${LPAR_TESTS:-lpar_validation_test lpar_lifecycle_test lpar_storage_test lpar_failure_test lpar_mvstor_test lpar_fuzz_test lpar_unload_test}
budget=${LPAR_SUITE_BUDGET:-3000}

# Per-binary caps (seconds); each is also cut to what is left of the budget.
cap() {
	case $1 in
	lpar_validation_test) echo 600 ;;
	lpar_lifecycle_test) echo 900 ;;
	lpar_storage_test) echo 900 ;;
	lpar_failure_test) echo 900 ;;
	lpar_mvstor_test) echo 1200 ;;
	lpar_fuzz_test) echo 400 ;;
	lpar_unload_test) echo 450 ;;
	*) echo 600 ;;
	esac
}

passed=0
failed=0
skipped=0
failures=()
start=$(date +%s)
logdir=$(mktemp -d /tmp/lpar-selftests.XXXXXX)

note() { echo "# run_all: $*"; }
fail_case() {
	failures+=("$1")
	failed=$((failed + 1))
	note "FAIL: $1"
}

load_module() {
	if [ ! -d /sys/module/lpar ]; then
		note "insmod $tree/lpar.ko $insmod_args"
		# shellcheck disable=SC2086 # word splitting of the parameters wanted
		if ! insmod "$tree/lpar.ko" $insmod_args; then
			note "insmod failed; dmesg says:"
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

finish() {
	local f
	echo
	note "log files in $logdir"
	[ "$skipped" -gt 0 ] && note "$skipped test case(s) skipped"
	for f in "${failures[@]}"; do
		note "failed: $f"
	done
	note "took $(($(date +%s) - start)) s"
	echo "selftests: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
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
	[ -x "$st/$t" ] || { fail_case "$t: not built (make selftests)"; }
done
for g in hello pattern probe spin crash smp; do
	[ -f "$st/guest/$g.bin" ] || note "guest $g.bin not built"
done
if ! load_module; then
	fail_case "lpar.ko does not load"
	finish
fi

for t in $tests; do
	[ -x "$st/$t" ] || continue
	now=$(date +%s)
	left=$((budget - (now - start) - 30))
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

	echo
	echo "# ==== $t (timeout ${limit}s) ===="
	log=$logdir/$t.log
	t0=$(date +%s)
	(cd "$st" && timeout -k 10 "$limit" "./$t") 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
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

	if [ -z "$plan" ]; then
		if [ "$rc" -eq 4 ]; then
			skipped=$((skipped + 1))
			note "$t: skipped as a whole"
		else
			fail_case "$t: no TAP plan (exit $rc)"
		fi
	else
		missing=$((plan - n_ok - n_notok))
		if [ "$missing" -gt 0 ]; then
			why="exit $rc"
			[ "$rc" -eq 124 ] && why="timed out after ${limit}s"
			[ "$rc" -ge 128 ] && why="killed by signal $((rc - 128))"
			for _ in $(seq "$missing"); do
				fail_case "$t: test case not finished ($why)"
			done
		elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$n_notok" -eq 0 ]; then
			fail_case "$t: exit $rc with no failed test case"
		fi
	fi

	# Leave a clean table for the next binary.
	if [ -c /dev/lpar ]; then
		"$st/lpar_cleanup" || note "lpar_cleanup failed"
	fi
	# The unload test leaves the module out: load it again.
	if [ ! -d /sys/module/lpar ]; then
		note "lpar.ko was unloaded by $t; loading it again"
		load_module || fail_case "$t: lpar.ko does not load again afterwards"
	fi
done

# The module must still be sane and unloadable at the end.
if [ -c /dev/lpar ]; then
	"$st/lpar_cleanup" >/dev/null 2>&1
	free=$(cat /sys/kernel/lpar/pool/free 2>/dev/null)
	total=$(cat /sys/kernel/lpar/pool/total 2>/dev/null)
	if [ -n "$total" ] && [ "$free" != "$total" ]; then
		fail_case "pool leak after the suite: free $free of $total"
	fi
	left=$(pgrep -f 'lpar-runner.*--id' | tr '\n' ' ')
	[ -n "$left" ] && fail_case "lpar-runner processes left after the suite: $left"
fi

finish
