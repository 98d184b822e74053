# Warnings as errors for every target of the project (not for third-party code).
add_library(tbgw_warnings INTERFACE)
target_compile_options(tbgw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Werror)
# -Wnull-dereference only where no Boost.Asio template is inlined (it trips on Asio's scheduler).
add_library(tbgw_core_warnings INTERFACE)
target_compile_options(tbgw_core_warnings INTERFACE -Wnull-dereference)
