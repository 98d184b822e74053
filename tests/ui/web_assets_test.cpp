// The embedded UI (app/ui/web_assets.hpp, web_response.hpp) against the files in web/.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "app/ui/web_assets.hpp"
#include "app/ui/web_response.hpp"

namespace {

namespace fs = std::filesystem;
using tbgw::app::ui::find_web_asset;
using tbgw::app::ui::web_assets;
using tbgw::app::ui::web_response;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// gzip -dc of `data`, through a temporary file (the real gzip, not a second decoder of ours).
std::string gunzip(std::string_view data) {
  const fs::path tmp =
      fs::temp_directory_path() / ("tbgw_web_" + std::to_string(::getpid()) + ".gz");
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  std::string cmd = "gzip -dc '" + tmp.string() + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  while (p != nullptr && (n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p != nullptr) ::pclose(p);
  fs::remove(tmp);
  return out;
}

std::string header(const tbgw::app::api::ApiResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(WebAssets, GIVEN_web_folder_THEN_every_file_is_embedded_byte_for_byte) {
  const fs::path web = fs::path(TBGW_SOURCE_DIR) / "web";
  std::set<std::string> on_disk;
  for (const auto& e : fs::recursive_directory_iterator(web)) {
    if (!e.is_regular_file()) continue;
    std::string path(1, '/');  // (not "/" + ...: GCC 12 warns -Wrestrict on that concatenation)
    path.append(fs::relative(e.path(), web).generic_string());
    on_disk.insert(path);
  }
  std::set<std::string> embedded;
  for (const auto& a : web_assets()) {
    embedded.insert(std::string(a.path));
    EXPECT_EQ(a.body, read_file(web / std::string(a.path.substr(1)))) << a.path;
    EXPECT_EQ(gunzip(a.gzip), a.body) << a.path;
    EXPECT_FALSE(a.content_type.empty()) << a.path;
    EXPECT_EQ(a.etag.size(), 18U) << a.path;  // 16 hex digits, quoted
  }
  EXPECT_EQ(embedded, on_disk);
  EXPECT_TRUE(embedded.count("/index.html"));
}

TEST(WebAssets, GIVEN_paths_WHEN_looked_up_THEN_ui_routes_get_index_and_unknown_files_nothing) {
  ASSERT_NE(find_web_asset("/"), nullptr);
  EXPECT_EQ(find_web_asset("/")->path, "/index.html");
  EXPECT_EQ(find_web_asset("/dashboard")->path, "/index.html");
  EXPECT_EQ(find_web_asset("/js/main.js")->path, "/js/main.js");
  EXPECT_EQ(find_web_asset("/js/missing.js"), nullptr);
  EXPECT_EQ(find_web_asset("/../etc/passwd"), nullptr);
  EXPECT_EQ(find_web_asset("/js/../../secret.txt"), nullptr);
}

TEST(WebResponse, GIVEN_gzip_accepted_THEN_compressed_with_headers_and_304_on_matching_etag) {
  auto r = web_response("/js/main.js", "gzip, deflate, br", "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(header(*r, "Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(r->body), find_web_asset("/js/main.js")->body);
  EXPECT_EQ(r->content_type, "text/javascript; charset=utf-8");
  const std::string etag = header(*r, "ETag");
  ASSERT_FALSE(etag.empty());

  auto plain = web_response("/js/main.js", "identity", "");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(header(*plain, "Content-Encoding"), "");
  EXPECT_EQ(plain->body, find_web_asset("/js/main.js")->body);

  auto refused = web_response("/js/main.js", "gzip;q=0", "");
  EXPECT_EQ(header(*refused, "Content-Encoding"), "");

  auto cached = web_response("/js/main.js", "gzip", etag);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->status, 304);
  EXPECT_TRUE(cached->body.empty());

  EXPECT_FALSE(web_response("/nope.css", "gzip", "").has_value());
}

}  // namespace
