#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lpar_dkms_test: the module as a distribution installs it.  In the test
# VM (its / is the host's, read-only under a tmpfs overlay: nothing here
# reaches the host): "make dkms-install" against the VM's own kernel
# headers, then "modprobe lpar" loads the DKMS-built module from
# /lib/modules/$(uname -r)/updates/dkms/, its version is VERSION's,
# lparctl reports it; "make dkms-remove" takes it away again.  Leaves the
# module unloaded (run_all.sh loads the tree's lpar.ko again).  TAP.
set -u

tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
kver=$(uname -r)
pool=${LPAR_BOOT_POOL:-512M@0x40000000}
version=$(cat "$tree/VERSION")
n=0
bad=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n dkms.$2"
	else
		echo "not ok $n dkms.$2"
		bad=$((bad + 1))
	fi
}

echo "TAP version 13"
# A kernel of our own build (make check-debug's) has no headers package
# for DKMS to build against: nothing to test there (TAP's empty plan).
# DKMS is tested on the distribution's kernel, by make check.
if [ ! -d "/lib/modules/$kver/build" ]; then
	echo "1..0 # SKIP no /lib/modules/$kver/build: DKMS is tested on the distribution kernel"
	exit 0
fi
echo "1..5"
if ! command -v dkms >/dev/null; then
	echo "# no dkms (make deps installs it)"
	for t in install modprobe version lparctl remove; do
		ok 1 "$t"
	done
	exit 1
fi
# The tree's module, loaded by run_all.sh, makes way.
grep -q '^lpar ' /proc/modules && rmmod lpar

make -s -C "$tree" dkms-install KVER="$kver" >/tmp/lpar-dkms.log 2>&1
r=$?
[ $r -eq 0 ] || tail -n 20 /tmp/lpar-dkms.log | sed 's/^/# /'
dkms status -m lpar -v "$version" -k "$kver" | sed 's/^/# /'
dkms status -m lpar -v "$version" -k "$kver" | grep -q installed
ok $((r || $?)) install

path=$(modinfo -n -k "$kver" lpar 2>/dev/null)
echo "# modinfo -n lpar: $path"
modprobe lpar boot_pool="$pool" runner="$tree/tools/runner/lpar-runner"
r=$?
case $path in
*/updates/dkms/*) ;;
*) r=1 ;;
esac
ok $r modprobe

loaded=$(cat /sys/module/lpar/version 2>/dev/null)
echo "# /sys/module/lpar/version: '$loaded', VERSION: '$version'"
[ "$loaded" = "$version" ]
ok $? version

out=$("$tree/tools/lparctl/lparctl" version 2>&1)
echo "# lparctl version: $out"
echo "$out" | grep -q "lpar.ko $version "
ok $? lparctl

rmmod lpar
make -s -C "$tree" dkms-remove >>/tmp/lpar-dkms.log 2>&1
[ ! -e "/lib/modules/$kver/updates/dkms/lpar.ko" ] && [ ! -d "/usr/src/lpar-$version" ]
ok $? remove
[ $bad -eq 0 ]
