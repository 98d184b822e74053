// The headers every response carries (issue 10): a CSP without inline script or style, no
// MIME sniffing, no framing, no referrer; Cache-Control no-store on the API (responses hold
// live battery data and CSRF tokens); HSTS only on HTTPS (on plain HTTP it would be ignored,
// and it must never pin a LAN host to HTTPS by accident).
#pragma once

#include <boost/beast/http/fields.hpp>

#include <string_view>

namespace tbgw::app::http {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

inline void add_security_headers(boost::beast::http::fields& f, bool api, bool tls) {
  f.set("Content-Security-Policy", kContentSecurityPolicy);
  f.set("X-Content-Type-Options", "nosniff");
  f.set("Referrer-Policy", "no-referrer");
  f.set("X-Frame-Options", "DENY");
  if (api) f.set("Cache-Control", "no-store");
  if (tls) f.set("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace tbgw::app::http
