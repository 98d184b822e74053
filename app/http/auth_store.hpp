// AuthStore: the running service's view of STATE_DIR/auth.json. The CLI changes that file while
// the service runs; refresh() compares the file's mtime and size (one stat(), cheap enough for
// every authenticated request) and re-reads it when they changed, so `token revoke` takes effect
// at the next request. A file that fails to parse keeps nothing: every password and token is
// refused until it is fixed (fail closed), and the error is logged once per change.
//
// Loop thread only. Bounds: the file is at most 256 KiB, kMaxTokens tokens.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "app/http/auth_file.hpp"

namespace tbgw::app::http {

class AuthStore {
 public:
  explicit AuthStore(std::filesystem::path state_dir);

  // Re-reads auth.json when it changed. Returns true when the admin password changed (the
  // caller then ends every session).
  bool refresh();

  const PasswordHash& admin() const { return data_.admin; }
  bool has_password() const { return !data_.admin.empty(); }
  // The token whose digest matches `secret`, or nullptr.
  const TokenRecord* find_token(std::string_view secret) const;
  // Whether a token with this SHA-256 (hex) is still in the file (not revoked).
  bool has_token_digest(std::string_view sha256_hex) const;

  // First start: stores `hash` as the admin password (the caller wrote initial-password).
  Result<void, AuthFileError> set_admin(const PasswordHash& hash);

  const std::filesystem::path& state_dir() const { return state_dir_; }

 private:
  std::filesystem::path state_dir_;
  std::filesystem::path path_;
  AuthData data_;
  std::optional<std::filesystem::file_time_type> mtime_;
  std::uintmax_t size_ = 0;
  bool loaded_ = false;
};

}  // namespace tbgw::app::http
