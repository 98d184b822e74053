# Run with: cmake -DCORE_DIR=<core> [-DSTAMP=<file>] -P check_core_includes.cmake
# core/ must stay portable to a microcontroller: it may include only the freestanding-friendly
# part of the C++ standard library and its own headers ("core/..."). Anything else (POSIX,
# Boost, I/O streams, threads, clocks, files) fails the build with the file and line.
set(ALLOWED_STD
  algorithm array bit cassert cmath compare concepts cstddef cstdint cstdlib cstring climits
  cfloat functional initializer_list iterator limits new numeric optional ratio span
  string_view tuple type_traits utility variant)
file(GLOB_RECURSE files "${CORE_DIR}/*.hpp" "${CORE_DIR}/*.cpp" "${CORE_DIR}/*.h")
set(errors "")
foreach(f IN LISTS files)
  file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS lines)
    if(line MATCHES "#[ \t]*include[ \t]*<([^>]+)>")
      list(FIND ALLOWED_STD "${CMAKE_MATCH_1}" idx)
      if(idx EQUAL -1)
        string(APPEND errors "  ${f}: <${CMAKE_MATCH_1}> is not an allowed standard header\n")
      endif()
    elseif(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      set(inc "${CMAKE_MATCH_1}")
      if(NOT inc MATCHES "^core/" OR NOT EXISTS "${CORE_DIR}/../${inc}")
        string(APPEND errors "  ${f}: \"${inc}\" is not a header under core/\n")
      endif()
    else()
      string(APPEND errors "  ${f}: unparsed include: ${line}\n")
    endif()
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "core/ must include only the C++ standard library and core/:\n${errors}")
endif()
if(STAMP)
  file(WRITE "${STAMP}" "ok\n")
endif()
