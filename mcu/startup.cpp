// Reset and vector table for QEMU's mps2-an385 (Cortex-M3), no OS.
//
// The CPU reads the first two words of the vector table: the initial stack pointer and the
// reset handler. The handler copies .data from flash, zeroes .bss, paints the stack with a
// pattern (tbgw::mcu::stack_peak_bytes() finds the high-water mark later), runs the static
// constructors, opens the semihosting stdio (newlib's rdimon) and calls main(); exit() ends
// QEMU through semihosting. newlib's _start is not used: it would move the stack to where the
// semihosting HEAPINFO call says, away from the painted region of the linker script.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <malloc.h>

#include "mcu/platform_report.hpp"

extern "C" {
void tbgw_initial_sp();  // linker script symbol: the top of RAM
extern std::uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _sstack[], _estack[];
void __libc_init_array();
void initialise_monitor_handles();
int main();
[[noreturn]] void tbgw_reset_handler();
}

namespace {

constexpr std::uint32_t kPaint = 0xC0FFEE11U;

[[noreturn]] void fault_handler() {
  std::_Exit(99);
}

}  // namespace

extern "C" [[noreturn]] void tbgw_reset_handler() {
  for (std::uint32_t *src = _sidata, *dst = _sdata; dst < _edata;) {
    *dst++ = *src++;
  }
  for (std::uint32_t* p = _sbss; p < _ebss;) {
    *p++ = 0;
  }
  // Paint from the bottom of the stack region up to 256 bytes below the current frame.
  std::uint32_t* sp = nullptr;
  asm volatile("mov %0, sp" : "=r"(sp));
  for (std::uint32_t* p = _sstack; p < sp - 64;) {
    *p++ = kPaint;
  }
  __libc_init_array();
  initialise_monitor_handles();
  std::exit(main());
}

std::size_t tbgw::mcu::stack_peak_bytes() {
  const std::uint32_t* p = _sstack;
  while (p < _estack && *p == kPaint) {
    ++p;
  }
  return static_cast<std::size_t>(reinterpret_cast<const std::uint8_t*>(_estack) -
                                  reinterpret_cast<const std::uint8_t*>(p));
}

using Handler = void (*)();
// Initial SP, reset, NMI, HardFault, MemManage, BusFault, UsageFault.
extern "C" __attribute__((section(".vectors"), used))
const Handler tbgw_vectors[7] = {tbgw_initial_sp, tbgw_reset_handler, fault_handler, fault_handler,
                                 fault_handler,   fault_handler,      fault_handler};

void tbgw::mcu::report_platform() {
  std::printf("#mcu stack_peak_bytes=%u\n", static_cast<unsigned>(stack_peak_bytes()));
  // The heap holds newlib's stdio buffers only (the core allocates nothing).
  std::printf("#mcu heap_arena_bytes=%u\n", static_cast<unsigned>(mallinfo().arena));
}
