# Cross toolchain for a bare-metal Cortex-M3 (Debian's gcc-arm-none-eabi + newlib), used by the
# `mcu` preset: core/ plus the golden-vector program in mcu/, run under QEMU's mps2-an385.
# No OS, no exceptions, no RTTI; semihosting (rdimon) carries stdout to the host.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# Try-compiles cannot link without a linker script: build a static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(TBGW_MCU_FLAGS
    "-mcpu=cortex-m3 -mthumb -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${TBGW_MCU_FLAGS} -fno-threadsafe-statics")
set(CMAKE_C_FLAGS_INIT "${TBGW_MCU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections --specs=rdimon.specs")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(TBGW_BUILD_MCU ON CACHE BOOL "Build the Cortex-M golden-vector program (mcu/)")
