// Shared helpers of the API routes (router_impl.hpp): JSON output that never throws on a bad
// byte, the error shape of every 4xx/5xx (api_types.hpp), body parsing, query strings, times.
//
// Bad input: a body must be a JSON object; nlohmann's parser checks UTF-8 inside strings, so
// bad JSON and bad UTF-8 both end here as 400 without an exception leaving the router. Output:
// dump() replaces invalid UTF-8 (a TinyBMS string or a file name) instead of throwing.
#include <cmath>
#include <cstdlib>

#include "app/api/router_impl.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::app::api {

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ApiResponse json_response(const json& j, int status) {
  ApiResponse r;
  r.status = status;
  r.body = dump(j);
  return r;
}

ApiResponse error_response(int status, std::string_view code, std::string_view message,
                           const std::vector<std::pair<std::string, std::string>>& details) {
  json error = {{"status", status}, {"code", code}, {"message", message}};
  if (!details.empty()) {
    json list = json::array();
    for (const auto& [key, text] : details) list.push_back({{"key", key}, {"message", text}});
    error["details"] = std::move(list);
  }
  return json_response(json{{"error", std::move(error)}}, status);
}

std::optional<ApiResponse> parse_object_body(const ApiRequest& request, json& out) {
  if (!request.content_type.empty() &&
      request.content_type.substr(0, 16) != std::string_view("application/json")) {
    return error_response(415, "unsupported_media_type", "the body must be application/json");
  }
  out = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    return error_response(400, "bad_json",
                          "the body is not valid JSON (or not valid UTF-8 inside a string)");
  }
  if (!out.is_object()) return error_response(400, "not_an_object", "the body must be an object");
  return std::nullopt;
}

std::int64_t unix_ms_of(Millis stamp_ms) {
  return platform::unix_now_ms() - (platform::now_ms() - stamp_ms);
}

json rounded(double value, double step) {
  if (!std::isfinite(value)) return nullptr;
  return std::round(value / step) * step;
}

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
               hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string key = percent_decode(pair.substr(0, eq));
    if (key != name) continue;
    return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

bool may_change(Principal p) {
  return p == Principal::admin || p == Principal::token;
}

}  // namespace tbgw::app::api
