#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - a narrated tour of lpar, run inside the test VM:
#
#   make demo                         (builds everything, then runs this)
#   scripts/lpar-vm -- scripts/demo.sh
#
# Runs as root inside the VM that scripts/lpar-vm boots (the host's / is
# shared read-only, /dev/kvm exists).  It loads lpar.ko on the memmap=
# reservation the VM was booted with, defines two partitions that run the
# selftests' hello guest, activates them, shows the partition list, the
# storage pool and both consoles, stops and resumes one.  Then a third
# partition runs the pattern guest (it writes and verifies a pattern over
# its storage, round after round): the demo shows its storage keys, moves
# its storage twice while it runs (MVSTOR: overlapping its own range, then
# to a disjoint place) and shows that it goes on verifying; then the two
# hello partitions exchange their storage.  When the VM has the edu test
# device and an IOMMU, two partitions running the hotplug guest pass the
# edu between them while both run (slot add, add_pci, rem_pci, add_pci;
# each guest takes the SCI, configures the device and checks a DMA).
# Then lpar.ko is patched on line (OLP) while a partition asks its
# service call in a loop: the answer changes with the patch and back with
# the revert.  Finally it deactivates them
# all and unloads the module.  Exit status 0 when every step worked; on any
# failure it says which step failed, cleans up and exits 1.
#
# Environment:
#   LPAR_BOOT_POOL     SIZE@ADDR of the memmap= reservation
#                      (set by scripts/lpar-vm; default 512M@0x40000000)
#   LPAR_DEMO_IMAGE    guest image (default selftests/guest/hello.bin)
#   LPAR_DEMO_PATTERN  storage-checking guest (default
#                      selftests/guest/pattern.bin)
#   LPAR_DEMO_WAIT     seconds to wait for each console greeting (default 120)
#   LPAR_DEMO_PAUSE    seconds to pause between steps, for a live audience
#                      (default 0)
set -uo pipefail

tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$tree" || exit 1

# Relative paths where they work, so the commands shown read as an
# administrator would type them; lparctl makes the image path absolute.
export PATH=$tree/tools/lparctl:$PATH
lparctl=lparctl
runner=$tree/tools/runner/lpar-runner
module=lpar.ko
image=${LPAR_DEMO_IMAGE:-selftests/guest/hello.bin}
pattern=${LPAR_DEMO_PATTERN:-selftests/guest/pattern.bin}
hotplug=${LPAR_DEMO_HOTPLUG:-selftests/guest/hotplug.bin}
olpguest=selftests/guest/olp.bin
olpko=olp/example/lpar_olp_example.ko
olppatch=olp/example/sc_level2.olp
pool=${LPAR_BOOT_POOL:-512M@0x40000000}
wait_s=${LPAR_DEMO_WAIT:-120}
pause=${LPAR_DEMO_PAUSE:-0}

loaded=
olp_loaded=
defined=()
step_no=0

# --- narration ------------------------------------------------------------------
step() {
	step_no=$((step_no + 1))
	[ "$pause" != 0 ] && sleep "$pause"
	printf '\n==== %d. %s\n' "$step_no" "$1"
	shift
	local line
	for line in "$@"; do
		printf '     %s\n' "$line"
	done
}

# Show a command, then run it; a failure ends the demo.
run() {
	printf '\n# %s\n' "$*"
	"$@"
	local rc=$?
	[ $rc -eq 0 ] || fail "'$*' exited with status $rc"
}

# A command that is expected to fail (shows the error message lparctl gives).
run_fails() {
	printf '\n# %s\n' "$*"
	"$@" 2>&1
	local rc=$?
	[ $rc -ne 0 ] || fail "'$*' succeeded but should have failed"
	printf '(exit status %d, as expected)\n' "$rc"
}

fail() {
	printf '\ndemo: FAILED in step %d: %s\n' "$step_no" "$*" >&2
	exit 1
}

# On any exit: leave nothing behind; on failure, show what the kernel said.
cleanup() {
	local rc=$? name
	trap - EXIT
	if [ $rc -ne 0 ] && [ -n "$loaded" ]; then
		echo >&2
		echo "demo: kernel messages of lpar (last 30):" >&2
		dmesg | grep -E 'lpar|WARNING|BUG|Oops' | tail -n 30 | sed 's/^/    /' >&2
	fi
	if [ -n "$olp_loaded" ]; then
		"$lparctl" olp revert >/dev/null 2>&1
		"$lparctl" olp unload >/dev/null 2>&1
		rmmod lpar_olp_example 2>/dev/null
	fi
	if [ -n "$loaded" ]; then
		for name in "${defined[@]}"; do
			"$lparctl" deact --force "$name" >/dev/null 2>&1
			"$lparctl" undefine "$name" >/dev/null 2>&1
		done
		rmmod lpar 2>/dev/null ||
			echo "demo: could not unload lpar.ko (rmmod lpar)" >&2
	fi
	exit $rc
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# wait_console NAME TEXT: until the partition's console shows TEXT.
wait_console() {
	local name=$1 text=$2 start=$SECONDS
	printf '\n# waiting until the console of %s shows "%s" ...\n' "$name" "$text"
	while ! "$lparctl" console "$name" 2>/dev/null | grep -qF "$text"; do
		state=$("$lparctl" show "$name" 2>/dev/null | awk '$1 == "state" { print $2 }')
		case $state in
		operating|stopped) ;;
		*) fail "$name is ${state:-gone} while waiting for its console" ;;
		esac
		[ $((SECONDS - start)) -lt "$wait_s" ] ||
			fail "$name printed no \"$text\" within ${wait_s}s (LPAR_DEMO_WAIT)"
		sleep 0.5
	done
	printf '(after %ds)\n' $((SECONDS - start))
}

# report NAME: "STATE CODE VALUE" of a partition (operating progress 12).
report() {
	"$lparctl" show "$1" 2>/dev/null | awk '
		$1 == "state" { state = $2 }
		$1 == "last" && $2 == "report" { sub(",", "", $3); code = $3; value = $5 }
		END { print state, code, value }'
}

# wait_round NAME N: until the pattern guest NAME has reported round N.
# A FAIL report means its storage changed under it: the demo fails.
wait_round() {
	local name=$1 want=$2 start=$SECONDS state code value
	while :; do
		read -r state code value <<<"$(report "$name")"
		case $state in
		operating) ;;
		*) fail "$name is ${state:-gone} while it should verify its storage ('lparctl show $name' says why)" ;;
		esac
		case $code in
		progress) [ "${value:-0}" -ge "$want" ] && break ;;
		fail)
			"$lparctl" console "$name" | tail -n 5 >&2
			fail "$name reported FAIL at 0x$(printf '%x' "${value:-0}"): its storage was corrupted" ;;
		esac
		[ $((SECONDS - start)) -lt "$wait_s" ] ||
			fail "$name did not reach pattern round $want within ${wait_s}s (last report: ${code:-none} ${value:-})"
		sleep 0.2
	done
	printf '(%s: pattern round %s verified)\n' "$name" "$value"
}

# round NAME: the pattern round NAME reported last (0 if none).
round() {
	local state code value
	read -r state code value <<<"$(report "$1")"
	[ "$code" = progress ] && echo "${value:-0}" || echo 0
}

# --- preflight --------------------------------------------------------------------
step "Preflight" \
	"lpar runs partitions as KVM guests owned by a kernel module; this VM" \
	"plays the host.  Check that everything the demo needs is here."
[ "$(id -u)" -eq 0 ] || fail "must run as root (inside scripts/lpar-vm)"
missing=
for f in "$module" "$runner" tools/lparctl/lparctl "$image" "$pattern" "$hotplug" \
	 "$olpguest" "$olpko" "$olppatch"; do
	[ -e "$f" ] || missing+=" $f"
done
[ -z "$missing" ] || fail "missing:$missing -- run 'make' (and 'make -C selftests guests') first, or 'make demo'"
[ -c /dev/kvm ] || fail "no /dev/kvm in this VM: partitions need KVM (kvm_amd under TCG -cpu max)"
grep -q 'memmap=' /proc/cmdline ||
	fail "no memmap= reservation on the kernel command line; lpar.ko needs one for boot_pool= (scripts/lpar-vm adds it)"
printf '     kernel %s, /dev/kvm present, pool reservation: %s\n' "$(uname -r)" \
	"$(tr ' ' '\n' </proc/cmdline | grep '^memmap=')"
if grep -q '^lpar ' /proc/modules; then
	echo "     lpar.ko is already loaded (an earlier run?); unloading it first"
	rmmod lpar || fail "lpar.ko is loaded and busy; cannot start from a clean state"
fi

# --- load -------------------------------------------------------------------------
step "Load lpar.ko" \
	"boot_pool= claims the memory reserved with memmap= as main storage;" \
	"runner= is the LIP runner the module starts for each activated partition."
run insmod "$module" boot_pool="$pool" runner="$runner"
loaded=1
dmesg | grep -E '\blpar\b' | tail -n 3 | sed 's/^/    dmesg: /'
run "$lparctl" version
run "$lparctl" pool

# --- define -----------------------------------------------------------------------
step "Define two partitions" \
	"Each gets 32 MiB of storage and one logical processor, and boots" \
	"$(basename "$image"), a small 64-bit guest that greets on its console" \
	"and reports to the partition manager through the service call." \
	"LPAR1 asks for a fixed origin; LPAR2 is placed first-fit at act."
base=$(( ${pool#*@} ))
origin1=$(printf '0x%x' "$base")
run "$lparctl" define 0 LPAR1 --size 32M --vcpus 1 --origin "$origin1" --image "$image"
defined+=(LPAR1)
run "$lparctl" define 1 LPAR2 --size 32M --vcpus 1 --image "$image"
defined+=(LPAR2)
run "$lparctl" list

# --- activate ---------------------------------------------------------------------
step "Activate both" \
	"act reserves and scrubs the storage, loads the image and starts a LIP" \
	"runner, which runs the partition as a KVM guest."
run "$lparctl" act LPAR1
run "$lparctl" act LPAR2
run "$lparctl" list
run "$lparctl" pool

step "Storage belongs to one partition at a time" \
	"A third partition asking for LPAR1's origin is defined fine, but" \
	"cannot be activated while LPAR1 holds that storage."
run "$lparctl" define 2 LPAR3 --size 16M --origin "$origin1" --image "$image"
defined+=(LPAR3)
run_fails "$lparctl" act LPAR3
run "$lparctl" undefine LPAR3
defined=(LPAR1 LPAR2)

# --- consoles ---------------------------------------------------------------------
step "The partitions run" \
	"Wait for each guest's greeting on its console (COM1, kept by the" \
	"module), then show the consoles and LPAR1's status."
wait_console LPAR1 "hello from partition 0"
wait_console LPAR2 "hello from partition 1"
run "$lparctl" console LPAR1
run "$lparctl" console LPAR2
run "$lparctl" show LPAR1

# --- stop / resume ----------------------------------------------------------------
step "Stop and resume" \
	"stop holds a partition's logical processors where they are; resume" \
	"lets them go on.  Its storage stays put meanwhile."
run "$lparctl" stop LPAR2
run "$lparctl" list
run "$lparctl" resume LPAR2

# --- storage: keys, MVSTOR, exchange ----------------------------------------------
step "A partition that checks its storage" \
	"PATTERN runs $(basename "$pattern"): it checks that its storage was scrubbed," \
	"then, round after round, re-verifies the pattern of the previous round" \
	"and writes a new one over its storage, reporting PROGRESS with the" \
	"round number.  A byte changed from outside would make it report FAIL."
origin3=$(printf '0x%x' $((base + 64 * 1024 * 1024)))
run "$lparctl" define 2 PATTERN --size 16M --origin "$origin3" --image "$pattern"
defined+=(PATTERN)
run "$lparctl" act PATTERN
wait_console PATTERN "scrub check passed"
wait_round PATTERN 2

step "Storage keys" \
	"Every 4 KiB frame has a key in the s390 layout: ACC, F (fetch" \
	"protection), R (referenced) and C (changed).  R and C are kept by the" \
	"module: it sees every first access.  The image's code frame (1 MiB) is" \
	"only referenced, its data frame also changed; the pattern frames from" \
	"2 MiB on are referenced and changed."
run "$lparctl" keys PATTERN get 0x100000 2
run "$lparctl" keys PATTERN get 0x200000 4
echo
echo "     rrbe resets R; the guest's next round touches the frames and sets it again."
echo "     set gives the frames access-control key 3 (R and C come back the same way)."
run "$lparctl" keys PATTERN rrbe 0x200000 4
run "$lparctl" keys PATTERN set 0x200000 4 0x30
wait_round PATTERN $(($(round PATTERN) + 2))
run "$lparctl" keys PATTERN get 0x200000 4

step "MVSTOR: move a running partition's storage" \
	"mvstor copies the storage chunk by chunk (256 KiB) to the new origin," \
	"data and keys.  Only the chunk being copied is unavailable to the guest;" \
	"it never stops as a whole.  First up by 8 MiB, overlapping its own range" \
	"(the chunks go top-down so none is overwritten before it is moved) ..."
origin3b=$(printf '0x%x' $((base + 72 * 1024 * 1024)))
origin3c=$(printf '0x%x' $((base + 256 * 1024 * 1024)))
run "$lparctl" mvstor PATTERN "$origin3b"
wait_round PATTERN $(($(round PATTERN) + 2))
echo
echo "     ... then to a disjoint place higher up in the pool."
run "$lparctl" mvstor PATTERN "$origin3c"
wait_round PATTERN $(($(round PATTERN) + 2))
run "$lparctl" pool
echo
echo "     The keys moved with the data (ACC 3 is still there):"
run "$lparctl" keys PATTERN get 0x200000 4

step "It kept verifying" \
	"The guest re-verified its whole pattern every round, across both moves:" \
	"the last report is still PROGRESS, with a growing round number."
r1=$(round PATTERN)
wait_round PATTERN $((r1 + 2))
run "$lparctl" show PATTERN
printf '\n# %s\n' "$lparctl console PATTERN | tail -n 4"
"$lparctl" console PATTERN | tail -n 4
echo
echo "     Scripts find the last move in sysfs too:"
printf '\n# %s\n' "grep . /sys/kernel/lpar/partitions/2/last_move/*"
grep . /sys/kernel/lpar/partitions/2/last_move/* | sed 's|.*/last_move/||'

step "Storage still belongs to one partition at a time" \
	"A move into storage another partition owns is refused, and the" \
	"message names the owner.  Nothing changes."
run_fails "$lparctl" mvstor PATTERN "$origin1"
wait_round PATTERN $(($(round PATTERN) + 1))

step "Exchange two running partitions" \
	"LPAR1 and LPAR2 (32 MiB each) swap places, chunk by chunk, while both" \
	"run.  Their guests go on sending heartbeats."
hb_before=$("$lparctl" show LPAR1 | awk '$1 == "service" { print $5 }' | tr -d ')')
run "$lparctl" exchange LPAR1 LPAR2
run "$lparctl" list
sleep 2
hb_after=$("$lparctl" show LPAR1 | awk '$1 == "service" { print $5 }' | tr -d ')')
printf '\n     LPAR1 heartbeats: %s before the exchange, %s now\n' "$hb_before" "$hb_after"
[ "${hb_after:-0}" -gt "${hb_before:-0}" ] ||
	fail "LPAR1 sent no heartbeat after the exchange"
for name in LPAR1 LPAR2; do
	state=$("$lparctl" show "$name" | awk '$1 == "state" { print $2 }')
	[ "$state" = operating ] || fail "$name is $state after the exchange"
done
wait_round PATTERN $(($(round PATTERN) + 1))

# --- PCI slots: a device moves between running partitions -------------------------
# find_edu: the BDF of QEMU's edu test device (1234:11e8), if the VM has one.
find_edu() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}
edu=$(find_edu)
if [ -z "$edu" ] || [ ! -d /sys/kernel/iommu_groups/0 ]; then
	step "PCI slots (skipped)" "This VM has no edu device or no IOMMU; scripts/lpar-vm provides both."
else
	step "PCI slots" \
		"The edu test device becomes slot 1: lpar.ko takes it from its host" \
		"driver, binds it to vfio-pci and holds its VFIO group.  Two partitions" \
		"run $(basename "$hotplug"), which takes devices through ACPI-style" \
		"hot-plug (SCI, GPE0 status, the slot registers), configures the edu" \
		"and checks a DMA round trip into its own storage."
	run "$lparctl" define 3 HP1 --size 32M --vcpus 1 --image "$hotplug"
	defined+=(HP1)
	run "$lparctl" define 4 HP2 --size 32M --vcpus 1 --image "$hotplug"
	defined+=(HP2)
	run "$lparctl" act HP1
	run "$lparctl" act HP2
	wait_console HP1 "ready"
	wait_console HP2 "ready"
	run "$lparctl" slot add "$edu" --slot 1
	run "$lparctl" slot list
	step "add_pci to HP1" \
		"HP1's runner gets the device; the module raises SCI with an insertion."
	run "$lparctl" pci add 1 HP1
	wait_console HP1 "slot 1 DMA round trip verified"
	run "$lparctl" slot list
	step "Move the slot to HP2 while both run" \
		"rem_pci asks HP1's guest to eject (it stops its DMA and writes the eject" \
		"register), the module takes the device back and resets it; add_pci" \
		"gives it to HP2."
	run "$lparctl" pci rem 1 HP1
	run "$lparctl" pci add 1 HP2
	wait_console HP2 "slot 1 DMA round trip verified"
	run "$lparctl" console HP1
	run "$lparctl" console HP2
	run "$lparctl" pci rem 1 HP2
	run "$lparctl" slot remove 1
	run "$lparctl" deact HP1
	run "$lparctl" deact HP2
	run "$lparctl" undefine HP1
	run "$lparctl" undefine HP2
	defined=(LPAR1 LPAR2 PATTERN)
fi

# --- on-line patch ---------------------------------------------------------------
# metric NAME I: guest metric I of a partition.
metric() {
	"$lparctl" --json show "$1" | tr -d ' \n' |
		sed -n 's/.*"guest_metrics":\[\([0-9,]*\)\].*/\1/p' | cut -d, -f$(($2 + 1))
}
# wait_level NAME LEVEL: until the olp guest reports that code level.
wait_level() {
	local start=$SECONDS
	while [ "$(metric "$1" 1)" != "$2" ]; do
		[ $((SECONDS - start)) -lt "$wait_s" ] ||
			fail "$1 did not see code level $2 within ${wait_s}s"
		sleep 0.2
	done
}
step "On-line patch" \
	"OLPG runs $(basename "$olpguest"): it asks the service call LPAR_SC_INFO in a" \
	"loop and reports the code level of the answer (metric 1) and its" \
	"iterations (metric 0).  A patch replaces lpar.ko's answering function" \
	"(through ftrace, in one stop_machine window after a stack check) while" \
	"it runs; the guest sees level 2, then level 1 again after the revert."
run "$lparctl" define 5 OLPG --size 16M --vcpus 1 --image "$olpguest"
defined+=(OLPG)
run "$lparctl" act OLPG
wait_level OLPG 1
run insmod "$olpko"
olp_loaded=1
run "$lparctl" olp load "$olppatch"
run "$lparctl" olp status
it_before=$(metric OLPG 0)
run "$lparctl" olp apply
wait_level OLPG 2
run "$lparctl" olp status
run "$lparctl" show OLPG
run_fails rmmod lpar_olp_example
run "$lparctl" olp revert
wait_level OLPG 1
it_after=$(metric OLPG 0)
printf '\n     OLPG: %s service calls before the apply, %s after the revert; level 1 again\n' \
	"$it_before" "$it_after"
[ "${it_after:-0}" -gt "${it_before:-0}" ] || fail "OLPG stopped asking"
run "$lparctl" olp unload
run rmmod lpar_olp_example
olp_loaded=
run "$lparctl" deact OLPG
run "$lparctl" undefine OLPG
defined=(LPAR1 LPAR2 PATTERN)

# --- deactivate -------------------------------------------------------------------
step "Deactivate all" \
	"deact ends the runner and scrubs and releases the storage to the pool."
run "$lparctl" deact LPAR1
run "$lparctl" deact LPAR2
run "$lparctl" deact PATTERN
run "$lparctl" list
run "$lparctl" pool

# --- unload -----------------------------------------------------------------------
step "Undefine and unload"
run "$lparctl" undefine LPAR1
run "$lparctl" undefine LPAR2
run "$lparctl" undefine PATTERN
defined=()
run rmmod lpar
loaded=

if dmesg | grep -qE 'WARNING:|BUG:|Oops|circular locking'; then
	dmesg | grep -E -B2 -A10 'WARNING:|BUG:|Oops|circular locking' | head -n 40 >&2
	fail "the kernel log has a WARNING/BUG/Oops (above)"
fi
printf '\ndemo: OK -- partitions defined, activated, run, stopped, resumed; storage keys shown;\n'
printf '      a running partition moved twice (MVSTOR) and kept verifying its storage;\n'
printf '      two running partitions exchanged; a PCI slot moved between running partitions;\n'
printf '      lpar.ko patched on line and reverted while a guest watched; all deactivated\n'
