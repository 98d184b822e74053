#include "app/http/login_body.hpp"

#include <nlohmann/json.hpp>

namespace tbgw::app::http {

std::optional<LoginBody> parse_login_body(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;  // also a discarded (unparsable) document
  const auto user = j.find("username");
  const auto pass = j.find("password");
  if (user == j.end() || pass == j.end() || !user->is_string() || !pass->is_string()) {
    return std::nullopt;
  }
  return LoginBody{user->get<std::string>(), pass->get<std::string>()};
}

}  // namespace tbgw::app::http
