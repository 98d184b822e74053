// The HTTP answer for a UI file (web_assets.hpp): gzip when the browser accepts it, an ETag
// with 304 on revalidation, and caching rules that never serve an old UI after an upgrade
// ("no-cache": the browser keeps the file but asks each time; the 304 costs a few bytes).
#pragma once

#include <optional>
#include <string_view>

#include "app/api/api_types.hpp"

namespace tbgw::app::ui {

// Null when `path` names no UI file (the server then answers 404).
std::optional<api::ApiResponse> web_response(std::string_view path,
                                             std::string_view accept_encoding,
                                             std::string_view if_none_match);

}  // namespace tbgw::app::ui
