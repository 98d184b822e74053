// The few POSIX calls that app/ needs, behind plain functions, so that OS headers stay in
// platform/ (docs/architecture.md, "Layers"; checked at build time by
// cmake/check_layer_includes.cmake).
#pragma once

#include <optional>
#include <string>

namespace tbgw::platform {

// Names the calling thread for top/ps/gdb (at most 15 characters; longer names are cut).
void set_thread_name(const char* name);

// This machine's host name, or empty when the OS gives none.
std::string host_name();

// A new descriptor for the same open socket or file, or -1 (errno set). For a library's socket
// handed to Asio, which closes what it owns while the library keeps its own.
int duplicate_fd(int fd);

// True when standard input is a terminal.
bool stdin_is_terminal();

// Prints `prompt` to stderr and reads one line from stdin without echo when stdin is a terminal
// (a password). Nothing at end of input. A trailing '\r' is removed.
std::optional<std::string> read_secret_line(const char* prompt);

}  // namespace tbgw::platform
