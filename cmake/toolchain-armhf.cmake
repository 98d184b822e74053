# Cross build for 32-bit ARM Linux, hard float (armhf): Cerbo GX, Ekrano, Venus OS on a
# Raspberry Pi 2-4, Raspberry Pi OS 32-bit (spec/venus-dbus.md §5). Debian's baseline (ARMv7-A,
# VFPv3-D16, Thumb-2) runs on the Cortex-A7/A8/A9 of those devices.
# Compilers: Debian g++-arm-linux-gnueabihf. Programs built with it run on this machine under
# qemu-user (qemu-user-static), which CTest uses through CMAKE_CROSSCOMPILING_EMULATOR.
# Target libraries: /usr/arm-linux-gnueabihf (the cross libc) and, for the gateway binary, the
# sysroot scripts/test-arm.sh unpacks from Debian's armhf packages (TBGW_SYSROOT).
set(CMAKE_SYSTEM_PROCESSOR arm)
set(TBGW_TRIPLET arm-linux-gnueabihf)
set(TBGW_ARCH armhf)
set(TBGW_QEMU qemu-arm-static)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-linux-cross.cmake)
