// STATE_DIR/auth.json: the admin password hash and the API tokens (digests only). Read and
// written by the running service (first start: the generated password) and by the CLI
// (`tinybms-gw passwd`, `token create|list|revoke`) while the service runs; the service notices
// a change by the file's mtime (AuthStore) so a revoked token stops working at once.
//
// Format (version 1), written atomically with mode 0600:
//   {"version":1,
//    "admin":{"algorithm":"pbkdf2-sha256","iterations":600000,"salt":"<hex>","hash":"<hex>"},
//    "tokens":[{"name":"grafana","sha256":"<hex>","read_only":true,"created":"2026-11-28T12:00:00Z"}]}
// Bounds: at most kMaxTokens tokens; the file is refused above 256 KiB.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/http/auth_crypto.hpp"
#include "platform/linux/error.hpp"

namespace tbgw::app::http {

inline constexpr std::size_t kMaxTokens = 64;

struct TokenRecord {
  std::string name;
  std::string sha256_hex;
  bool read_only = false;
  std::string created;  // ISO 8601 UTC
};

struct AuthData {
  PasswordHash admin;  // empty: no password yet
  std::vector<TokenRecord> tokens;
};

inline std::filesystem::path auth_file_path(const std::filesystem::path& state_dir) {
  return state_dir / "auth.json";
}
inline std::filesystem::path initial_password_path(const std::filesystem::path& state_dir) {
  return state_dir / "initial-password";
}

// Why auth.json could not be read or written. The caller names the file in front of the text.
enum class AuthFileErrc : std::uint8_t {
  read_failed,        // detail: the file error (step, file, OS reason)
  unknown_version,    // not version 1
  unknown_algorithm,  // an admin hash that is not pbkdf2-sha256
  bad_content,        // not JSON, a missing member, a wrong type (detail: the parser's message)
  write_failed,       // detail: the file error
};
const char* to_string(AuthFileErrc e);
using AuthFileError = platform::Error<AuthFileErrc>;

// A missing file is an empty AuthData. A corrupt one is an error.
Result<AuthData, AuthFileError> load_auth_file(const std::filesystem::path& path);
Result<void, AuthFileError> save_auth_file(const std::filesystem::path& path, const AuthData& data);

// Token names: 1-64 of [A-Za-z0-9._-].
bool valid_token_name(std::string_view name);
// A new token: "tbgw_" + 64 hex characters (256 random bits).
std::string new_token_secret();

}  // namespace tbgw::app::http
