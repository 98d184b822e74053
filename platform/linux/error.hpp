// Error<Errc>: the error half of a Result in platform/, app/ and sim/host (docs/architecture.md,
// "Errors").
//
// `what` is the domain's enum (which step failed, e.g. FileErrc::create); `errno_value` the OS
// reason when a system call failed (0 otherwise); `detail` a bounded copy of what the enum
// cannot say and the caller cannot know: the file a multi-step operation was at, a library's
// own message (SQLite, OpenSSL, libmosquitto, D-Bus), a JSON parse position, a key. It is
// truncated at kMaxErrorDetail bytes, which keeps Error trivially copyable as Result requires.
//
// to_string() reads "<what>[ <detail>][: <strerror(errno)>]", e.g. "cannot create
// /var/lib/tinybms-gw/config.json.tmp: No space left on device"; a domain whose enum texts need
// another shape (a hint for the installer) overloads it for its own Error<Errc>.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/config/fixed_string.hpp"
#include "core/util/result.hpp"

namespace tbgw::platform {

inline constexpr std::size_t kMaxErrorDetail = 240;
using ErrorDetail = config::FixedString<kMaxErrorDetail>;

template <class Errc>
struct Error {
  Errc what{};
  int errno_value = 0;  // 0: the failure did not come from a system call
  ErrorDetail detail;   // empty when `what` says it all
};

template <class Errc>
Err<Error<Errc>> make_error(Errc what, int errno_value = 0, std::string_view detail = {}) {
  Error<Errc> e{what, errno_value, {}};
  e.detail.assign_truncated(detail);
  return Err<Error<Errc>>(e);
}

// The text of to_string() from its parts (shared by the template and the domains' overloads).
std::string describe_error(std::string_view what, int errno_value, std::string_view detail);

template <class Errc>
std::string to_string(const Error<Errc>& e) {
  return describe_error(to_string(e.what), e.errno_value, e.detail.view());
}

// A helper's error seen from the caller's domain: `what` is the caller's step, the helper's
// text becomes the detail and its errno is kept, e.g. "cannot save energy counters: cannot
// create /var/lib/tinybms-gw/energy.json.tmp: No space left on device".
template <class Errc, class Inner>
Err<Error<Errc>> wrap_error(Errc what, const Error<Inner>& inner) {
  Error<Errc> e{what, inner.errno_value, {}};
  e.detail.assign_truncated(describe_error(to_string(inner.what), 0, inner.detail.view()));
  return Err<Error<Errc>>(e);
}

}  // namespace tbgw::platform
