// error_text(r): the message of a failed platform/app Result for a test's failure output ("" when
// it succeeded), so that `ASSERT_TRUE(r) << error_text(r)` says why.
#pragma once

#include <string>

#include "platform/linux/error.hpp"

namespace tbgw::test {

template <class R>
std::string error_text(const R& r) {
  using platform::to_string;
  return r ? std::string() : std::string(to_string(r.error()));
}

}  // namespace tbgw::test
