// The browser UI (web/), embedded in the binary at build time (app/ui/embed_web.cmake): each file
// as written and gzip-compressed, with its content type and an ETag. No file on the device, no
// CDN: the UI always matches the gateway that serves it.
#pragma once

#include <span>
#include <string_view>

namespace tbgw::app::ui {

struct WebAsset {
  std::string_view path;          // "/index.html", "/js/main.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;          // the file
  std::string_view gzip;          // the file, gzip -9
  std::string_view etag;          // "\"<16 hex of its SHA-256>\"" (quoted, as sent)
};

std::span<const WebAsset> web_assets();

// The asset for a request path: "/" and any path without a dot in its last segment (the UI's
// own routes, e.g. "/dashboard") give /index.html. Null when there is no such file, or the
// path does not start with "/" or has a ".." segment.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace tbgw::app::ui
