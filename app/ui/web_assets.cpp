// find_web_asset (web_assets.hpp). A linear scan of a few dozen entries: cheaper than building a
// map, and it runs once per static request.
#include "app/ui/web_assets.hpp"

namespace tbgw::app::ui {

const WebAsset* find_web_asset(std::string_view path) {
  // Only the embedded table is ever read, but a path that tries to climb is a mistake or an
  // attack: no page for it (the server refuses it earlier anyway).
  if (!path.starts_with('/') || path.find("/..") != std::string_view::npos) return nullptr;
  const std::size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (path.empty() || last.find('.') == std::string_view::npos) path = "/index.html";
  for (const WebAsset& a : web_assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

}  // namespace tbgw::app::ui
