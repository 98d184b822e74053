#!/usr/bin/env bash
# Issue 6: core/ on a Cortex-M3 with no OS. Builds the golden-vector program for the host
# (preset release, target golden_host) and for QEMU's mps2-an385 (preset mcu), runs the MCU one
# under qemu-system-arm with semihosting, and compares both outputs byte for byte. Also checks
# that the recorded TinyBMS bytes (tests/mcu/golden_vectors.hpp) are what the simulator makes
# today, and that flash, RAM and peak stack stay within mcu/footprint_budget.txt.
# Prints "mcu: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok   $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL $1"; }

scripts/build.sh release record_vectors golden_host >/dev/null
scripts/build.sh mcu >/dev/null
out=build/mcu/golden
mkdir -p "$out"
elf=build/mcu/mcu/golden_mcu.elf

if build/release/tests/mcu/record_vectors | cmp -s - tests/mcu/golden_vectors.hpp; then
  pass "recorded vectors match the simulator (tests/mcu/golden_vectors.hpp)"
else
  fail "tests/mcu/golden_vectors.hpp is stale: build/release/tests/mcu/record_vectors > it"
fi

if build/release/tests/mcu/golden_host >"$out/host.txt"; then pass "host run"; else fail "host run"; fi

if timeout 60 qemu-system-arm -M mps2-an385 -nographic -monitor none \
  -semihosting-config enable=on,target=native -kernel "$elf" >"$out/qemu-raw.txt"; then
  pass "qemu mps2-an385 run"
else
  fail "qemu mps2-an385 run (exit $?)"
fi
grep -v '^#mcu ' "$out/qemu-raw.txt" >"$out/mcu.txt" || true
if cmp -s "$out/host.txt" "$out/mcu.txt"; then
  pass "host and MCU outputs identical ($(wc -l <"$out/host.txt") lines)"
else
  fail "host and MCU outputs differ:"
  diff "$out/host.txt" "$out/mcu.txt" | head -20
fi

read -r text data bss _ < <(arm-none-eabi-size "$elf" | tail -1)
flash=$((text + data))
ram=$((data + bss))
stack=$(sed -n 's/^#mcu stack_peak_bytes=//p' "$out/qemu-raw.txt")
heap=$(sed -n 's/^#mcu heap_arena_bytes=//p' "$out/qemu-raw.txt")
# The core's own share: symbols of namespace tbgw (not the golden program's tbgw::mcu data).
core=$(arm-none-eabi-nm -C -S -t d --size-sort "$elf" | grep ' tbgw::' | grep -v ' tbgw::mcu::' |
  awk '$3 ~ /[tT]/ {t += $2} $3 ~ /[rR]/ {r += $2}
       $3 ~ /[dDbB]/ {d += $2} END {printf "%d %d %d", t, r, d}')
read -r core_text core_rodata core_ram <<<"$core"
echo "  footprint: flash $flash B (text+rodata $text, .data image $data), RAM $ram B" \
  "(data $data, bss $bss), peak stack ${stack:-?} B, heap ${heap:-?} B (newlib stdio)"
gw=$(arm-none-eabi-nm -C -S -t d "$elf" | awk '/ \(anonymous namespace\)::g_gw$/ {print $2 + 0}')
echo "  core share: text $core_text B, rodata $core_rodata B, static RAM $core_ram B;" \
  "the golden program's core objects (config, poller, controller, evaluator, encoder) ${gw:-?} B"

budget() { sed -n "s/^$1 //p" mcu/footprint_budget.txt; }
check_budget() {
  local name=$1 value=$2 limit
  limit=$(budget "$name")
  if [ -n "$value" ] && [ "$value" -le "$limit" ]; then
    pass "$name $value <= $limit"
  else
    fail "$name ${value:-unmeasured} exceeds the budget $limit (mcu/footprint_budget.txt)"
  fi
}
check_budget flash_bytes "$flash"
check_budget ram_bytes "$ram"
check_budget stack_bytes "$stack"

echo "mcu: $passed passed, $failed failed ($(($(date +%s) - start)) s)"
[ "$failed" -eq 0 ]
