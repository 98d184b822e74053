// The body of POST /api/login (app/http/login_body.hpp), the one JSON body the server reads
// before anyone is authenticated.
//
// Properties: an accepted body is a JSON object whose "username" and "password" are the
// strings returned (checked by reading the document again); a body written from any two
// valid UTF-8 strings is accepted and gives them back unchanged.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/http/login_body.hpp"
#include "app/http/request_path.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using nlohmann::json;
using tbgw::app::http::parse_login_body;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (const auto login = parse_login_body(body)) {
    const json j = json::parse(body, nullptr, false);
    TBGW_FUZZ_CHECK(j.is_object());
    TBGW_FUZZ_CHECK(j["username"] == login->username && j["password"] == login->password);
  }

  // Split the input into a user name and a password and send them the way a browser does.
  const std::size_t cut = body.find('\n');
  const std::string user(body.substr(0, cut));
  const std::string pass(cut == std::string_view::npos ? "" : body.substr(cut + 1));
  if (!tbgw::app::http::valid_utf8(user) || !tbgw::app::http::valid_utf8(pass)) return 0;
  const std::string sent = json{{"username", user}, {"password", pass}}.dump();
  const auto got = parse_login_body(sent);
  TBGW_FUZZ_CHECK(got && got->username == user && got->password == pass);
  return 0;
}
