# Run with: cmake -DROOT=<source dir> [-DSTAMP=<file>] -P check_layer_includes.cmake
# The layer table of docs/architecture.md, checked: which folders may include the OS's headers
# and each library's. core/ has its own, stricter check (check_core_includes.cmake). A header
# outside its folders fails the build with the file, the line and the rule.
#
# Each rule: "<regular expression on the <...> header name> => <folders, comma-separated>",
# folders relative to ROOT (a prefix: "app/http/" or one file). The first rule a header
# matches decides; an empty folder list means nowhere.
cmake_policy(SET CMP0007 NEW)
set(RULES
  # POSIX and Linux: the adapters only (and the simulator's own pty host and command line).
  "^(pthread|unistd|termios|fcntl|poll|signal|syslog|pwd|grp|dirent|netdb|ifaddrs|dlfcn)[.]h$|^(sys|net|netinet|arpa|linux|asm)/ => platform/,sim/host/,sim/cli/"
  "^sqlite3[.]h$ => platform/"
  "^dbus/ => app/dbus/"
  "^mosquitto[.]h$ => app/mqtt/"
  "^openssl/ => app/http/,app/mqtt/"
  "^boost/beast => app/http/"
  "^CLI/ => app/main.cpp,sim/cli/"
  "^(gtest|gmock|benchmark)/ => "
)
# Project headers with a narrower audience (same form): the running gateway's internals are the
# service's own; faces, benchmarks and tests see it through GatewayServices.
set(PRIVATE_HEADERS
  "^app/service/gateway_impl[.]hpp$ => app/service/gateway.cpp,app/service/gateway_upkeep.cpp,app/service/gateway_services_impl.cpp"
)

# Splits "pattern => a,b" into pattern and the folder list.
function(split_rule rule pattern_out folders_out)
  string(FIND "${rule}" " => " at)
  string(SUBSTRING "${rule}" 0 ${at} pattern)
  math(EXPR from "${at} + 4")
  string(SUBSTRING "${rule}" ${from} -1 folders)
  string(REPLACE "," ";" folders "${folders}")
  set(${pattern_out} "${pattern}" PARENT_SCOPE)
  set(${folders_out} "${folders}" PARENT_SCOPE)
endfunction()

function(allowed_in path folders out)
  set(ok FALSE)
  foreach(folder IN LISTS folders)
    string(LENGTH "${folder}" n)
    string(SUBSTRING "${path}" 0 ${n} head)
    if(n GREATER 0 AND head STREQUAL folder)
      set(ok TRUE)
    endif()
  endforeach()
  set(${out} ${ok} PARENT_SCOPE)
endfunction()

set(errors "")
# The <...> rules apply to the shipped code; the private headers also to tests, benchmarks and
# fuzz targets (a test that reaches into the gateway would hide a hole in the window).
file(GLOB_RECURSE files RELATIVE "${ROOT}"
  "${ROOT}/app/*.hpp" "${ROOT}/app/*.cpp" "${ROOT}/platform/*.hpp" "${ROOT}/platform/*.cpp"
  "${ROOT}/sim/*.hpp" "${ROOT}/sim/*.cpp")
file(GLOB_RECURSE other_files RELATIVE "${ROOT}" "${ROOT}/tests/*.hpp" "${ROOT}/tests/*.cpp"
  "${ROOT}/bench/*.cpp" "${ROOT}/bench/*.hpp" "${ROOT}/fuzz/*.cpp" "${ROOT}/fuzz/*.hpp")
list(FILTER other_files EXCLUDE REGEX "^tests/fixtures/")
# Appends to `errors` when the first rule of `rules` that `header` matches does not allow file
# `f`. `shown` is the header as the message prints it, `verb` what the rule says.
function(check_header f header shown rules verb)
  foreach(rule IN LISTS rules)
    split_rule("${rule}" pattern folders)
    if(header MATCHES "${pattern}")
      allowed_in("${f}" "${folders}" ok)
      if(NOT ok)
        string(REPLACE ";" ", " where "${folders}")
        set(errors "${errors}  ${f}: ${shown} ${verb}: ${where}\n" PARENT_SCOPE)
      endif()
      return()
    endif()
  endforeach()
endfunction()

foreach(f IN LISTS files other_files)
  list(FIND other_files "${f}" in_other)
  file(STRINGS "${ROOT}/${f}" lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS lines)
    if(line MATCHES "#[ \t]*include[ \t]*<([^>]+)>" AND in_other EQUAL -1)
      check_header("${f}" "${CMAKE_MATCH_1}" "<${CMAKE_MATCH_1}>" "${RULES}" "may appear only in")
    elseif(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      check_header("${f}" "${CMAKE_MATCH_1}" "\"${CMAKE_MATCH_1}\"" "${PRIVATE_HEADERS}"
                   "is private to")
    endif()
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "includes outside their layer (docs/architecture.md, \"Layers\"):\n${errors}")
endif()
if(STAMP)
  file(WRITE "${STAMP}" "ok\n")
endif()
