// auth.json parsing and writing (see auth_file.hpp). Parsing is strict: a wrong type anywhere
// makes the whole file an error, so a half-understood file never grants access.
#include "app/http/auth_file.hpp"

#include <nlohmann/json.hpp>

#include "platform/linux/atomic_file.hpp"

namespace tbgw::app::http {

namespace {
using nlohmann::json;
constexpr std::size_t kMaxFileBytes = 256 * 1024;
}  // namespace

const char* to_string(AuthFileErrc e) {
  switch (e) {
    case AuthFileErrc::read_failed:
      return "read failed:";
    case AuthFileErrc::unknown_version:
      return "unknown version";
    case AuthFileErrc::unknown_algorithm:
      return "unknown password algorithm";
    case AuthFileErrc::bad_content:
      return "unusable content:";
    case AuthFileErrc::write_failed:
      return "write failed:";
  }
  return "auth file error";
}

Result<AuthData, AuthFileError> load_auth_file(const std::filesystem::path& path) {
  AuthData data;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return data;
  const auto text = platform::read_small_file(path, kMaxFileBytes);
  if (!text) return platform::wrap_error(AuthFileErrc::read_failed, text.error());
  try {
    const json j = json::parse(*text);
    if (j.at("version").get<int>() != 1) return platform::make_error(AuthFileErrc::unknown_version);
    if (j.contains("admin") && !j.at("admin").is_null()) {
      const json& a = j.at("admin");
      if (a.at("algorithm").get<std::string>() != "pbkdf2-sha256") {
        return platform::make_error(AuthFileErrc::unknown_algorithm);
      }
      data.admin.iterations = a.at("iterations").get<int>();
      data.admin.salt_hex = a.at("salt").get<std::string>();
      data.admin.hash_hex = a.at("hash").get<std::string>();
    }
    if (j.contains("tokens")) {
      for (const json& t : j.at("tokens")) {
        TokenRecord r;
        r.name = t.at("name").get<std::string>();
        r.sha256_hex = t.at("sha256").get<std::string>();
        r.read_only = t.at("read_only").get<bool>();
        r.created = t.value("created", "");
        data.tokens.push_back(std::move(r));
        if (data.tokens.size() > kMaxTokens) break;
      }
    }
  } catch (const std::exception& e) {
    return platform::make_error(AuthFileErrc::bad_content, 0, e.what());
  }
  return data;
}

Result<void, AuthFileError> save_auth_file(const std::filesystem::path& path,
                                           const AuthData& data) {
  json j;
  j["version"] = 1;
  if (data.admin.empty()) {
    j["admin"] = nullptr;
  } else {
    j["admin"] = {{"algorithm", "pbkdf2-sha256"},
                  {"iterations", data.admin.iterations},
                  {"salt", data.admin.salt_hex},
                  {"hash", data.admin.hash_hex}};
  }
  j["tokens"] = json::array();
  for (const auto& t : data.tokens) {
    j["tokens"].push_back({{"name", t.name},
                           {"sha256", t.sha256_hex},
                           {"read_only", t.read_only},
                           {"created", t.created}});
  }
  platform::AtomicWriteOptions opt;
  opt.mode = 0600;
  if (auto w = platform::write_file_atomically(path, j.dump(1) + "\n", opt); !w) {
    return platform::wrap_error(AuthFileErrc::write_failed, w.error());
  }
  return {};
}

bool valid_token_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_token_secret() {
  return "tbgw_" + random_hex(32);
}

}  // namespace tbgw::app::http
