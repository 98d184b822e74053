# Cross build for 64-bit ARM Linux (arm64, aarch64): Venus OS on a Raspberry Pi 5,
# Raspberry Pi OS 64-bit, Debian on arm64 (spec/venus-dbus.md §5). Debian's baseline (ARMv8-A)
# runs on every 64-bit Raspberry Pi (Cortex-A53/A72/A76).
# Compilers: Debian g++-aarch64-linux-gnu. Programs built with it run on this machine under
# qemu-user (qemu-user-static), which CTest uses through CMAKE_CROSSCOMPILING_EMULATOR.
# Target libraries: /usr/aarch64-linux-gnu (the cross libc) and, for the gateway binary, the
# sysroot scripts/test-arm.sh unpacks from Debian's arm64 packages (TBGW_SYSROOT).
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(TBGW_TRIPLET aarch64-linux-gnu)
set(TBGW_ARCH arm64)
set(TBGW_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-linux-cross.cmake)
