# Warnings as errors for every target of the project (not for third-party code).
add_library(tbgw_warnings INTERFACE)
target_compile_options(tbgw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wnull-dereference
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Werror)
