#include "app/http/http_types.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

namespace tbgw::app::http {

api::ApiResponse json_error(int status, std::string_view code, std::string_view message) {
  api::ApiResponse r;
  r.status = status;
  r.content_type = "application/json";
  const nlohmann::json j = {{"error", {{"status", status}, {"code", code}, {"message", message}}}};
  // A message may quote a client's bytes: replace invalid UTF-8 rather than throw.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace tbgw::app::http
