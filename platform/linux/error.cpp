#include "platform/linux/error.hpp"

#include <cstring>

namespace tbgw::platform {

std::string describe_error(std::string_view what, int errno_value, std::string_view detail) {
  std::string s(what);
  if (!detail.empty()) {
    if (!s.empty()) s += ' ';
    s += detail;
  }
  if (errno_value != 0) {
    if (!s.empty()) s += ": ";
    s += std::strerror(errno_value);
  }
  return s;
}

}  // namespace tbgw::platform
