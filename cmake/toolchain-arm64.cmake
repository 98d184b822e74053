# Cross build for 64-bit ARM Linux (arm64, aarch64): Venus OS on a Raspberry Pi 5,
# Raspberry Pi OS 64-bit, Debian on arm64 (spec/venus-dbus.md §5). Debian's baseline (ARMv8-A)
# runs on every 64-bit Raspberry Pi (Cortex-A53/A72/A76).
# Compilers: Debian g++-aarch64-linux-gnu. Programs built with it run on this machine under
# qemu-user (qemu-user-static), which CTest uses through CMAKE_CROSSCOMPILING_EMULATOR.
# Target libraries: /usr/aarch64-linux-gnu (the cross libc) and, for the gateway binary, the
# sysroot scripts/test-arm.sh unpacks from Debian's arm64 packages (TBGW_SYSROOT).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(TBGW_TRIPLET aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${TBGW_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${TBGW_TRIPLET}-g++)
get_filename_component(_tbgw_root ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(TBGW_SYSROOT ${_tbgw_root}/build/sysroot-arm64 CACHE PATH "unpacked arm64 -dev packages")
set(CMAKE_FIND_ROOT_PATH /usr/${TBGW_TRIPLET} ${TBGW_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /usr/${TBGW_TRIPLET})
# pkg-config (sqlite3, dbus-1, libmosquitto) reads the target's .pc files, paths under the sysroot.
set(ENV{PKG_CONFIG_LIBDIR}
    "${TBGW_SYSROOT}/usr/lib/${TBGW_TRIPLET}/pkgconfig:${TBGW_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${TBGW_SYSROOT}")
# The C++ runtime is linked statically: Venus OS ships an older libstdc++ than GCC 12's (spec §5).
# -rpath-link: the linker follows libdbus-1.so's own dependencies (libsystemd) in the sysroot.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-static-libstdc++ -static-libgcc -Wl,-rpath-link,${TBGW_SYSROOT}/usr/lib/${TBGW_TRIPLET}:${TBGW_SYSROOT}/lib/${TBGW_TRIPLET}")
# GCC notes (not warns) the ARM ABI change of std::pair argument passing in GCC 7.1; nothing here
# crosses that ABI boundary.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
