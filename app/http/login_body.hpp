// The body of POST /api/login: {"username": "...", "password": "..."}, both strings. Other keys
// are ignored. Pure and exception-free, so the request handler and the fuzz target
// (fuzz/login_body_fuzz.cpp) run the same code on bytes from the network.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tbgw::app::http {

struct LoginBody {
  std::string username;
  std::string password;
};

// nullopt for anything but a JSON object whose "username" and "password" are strings (bad
// JSON, bad UTF-8 inside a string, another type, a missing key).
std::optional<LoginBody> parse_login_body(std::string_view body);

}  // namespace tbgw::app::http
