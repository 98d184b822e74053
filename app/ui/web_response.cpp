// web_response (web_response.hpp).
#include "app/ui/web_response.hpp"

#include "app/ui/web_assets.hpp"

namespace tbgw::app::ui {

namespace {

// "gzip" as a coding in Accept-Encoding, not refused with q=0.
bool accepts_gzip(std::string_view accept) {
  std::size_t pos = 0;
  while (pos < accept.size()) {
    std::size_t end = accept.find(',', pos);
    if (end == std::string_view::npos) end = accept.size();
    std::string_view item = accept.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const std::size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding == "gzip" || coding == "*") {
      const std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi);
      return params.find("q=0") == std::string_view::npos ||
             params.find("q=0.") != std::string_view::npos;
    }
    pos = end + 1;
  }
  return false;
}

}  // namespace

std::optional<api::ApiResponse> web_response(std::string_view path,
                                             std::string_view accept_encoding,
                                             std::string_view if_none_match) {
  const WebAsset* a = find_web_asset(path);
  if (a == nullptr) return std::nullopt;
  api::ApiResponse r;
  r.content_type = std::string(a->content_type);
  r.headers.emplace_back("ETag", std::string(a->etag));
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (!if_none_match.empty() && if_none_match.find(a->etag) != std::string_view::npos) {
    r.status = 304;
    return r;
  }
  if (accepts_gzip(accept_encoding) && a->gzip.size() < a->body.size()) {
    r.body = std::string(a->gzip);
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = std::string(a->body);
  }
  return r;
}

}  // namespace tbgw::app::ui
