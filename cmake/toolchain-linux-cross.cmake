# The part of the ARM Linux cross toolchains (toolchain-armhf.cmake, toolchain-arm64.cmake) that
# does not depend on the architecture. The including file sets CMAKE_SYSTEM_PROCESSOR,
# TBGW_TRIPLET (the Debian cross triplet), TBGW_ARCH (armhf / arm64: names the sysroot) and
# TBGW_QEMU (the qemu-user binary that runs its programs here).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${TBGW_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${TBGW_TRIPLET}-g++)
get_filename_component(_tbgw_root ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(TBGW_SYSROOT ${_tbgw_root}/build/sysroot-${TBGW_ARCH} CACHE PATH "unpacked ${TBGW_ARCH} -dev packages")
set(CMAKE_FIND_ROOT_PATH /usr/${TBGW_TRIPLET} ${TBGW_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR ${TBGW_QEMU} -L /usr/${TBGW_TRIPLET})
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
# -O2 as Debian builds its packages, not CMake's -O3: the gateway uses well under 1 % of a GX's CPU
# (docs/performance.md), and -O2 compiles the Beast-heavy files ~20 % faster in CI.
# (A cache entry: CMake puts its own -O3 after a _RELEASE_INIT value.)
set(CMAKE_CXX_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Flags of Release cross builds")
