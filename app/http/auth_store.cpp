#include "app/http/auth_store.hpp"

#include <spdlog/spdlog.h>

namespace tbgw::app::http {

AuthStore::AuthStore(std::filesystem::path state_dir)
    : state_dir_(std::move(state_dir)), path_(auth_file_path(state_dir_)) {
  refresh();
}

bool AuthStore::refresh() {
  std::error_code ec;
  std::optional<std::filesystem::file_time_type> mtime;
  std::uintmax_t size = 0;
  const auto t = std::filesystem::last_write_time(path_, ec);
  if (!ec) {
    mtime = t;
    size = std::filesystem::file_size(path_, ec);
    if (ec) size = 0;
  }
  if (loaded_ && mtime == mtime_ && size == size_) return false;
  loaded_ = true;
  mtime_ = mtime;
  size_ = size;
  const std::string old_hash = data_.admin.hash_hex;
  if (auto loaded = load_auth_file(path_); loaded) {
    data_ = std::move(*loaded);
  } else {
    spdlog::error("http: {}: {} (every login and token is refused until it is fixed)",
                  path_.string(), platform::to_string(loaded.error()));
    data_ = {};
  }
  return data_.admin.hash_hex != old_hash;
}

const TokenRecord* AuthStore::find_token(std::string_view secret) const {
  if (secret.size() < 16) return nullptr;
  const std::string digest = sha256_hex(secret);
  for (const auto& t : data_.tokens) {
    if (equal_secret(t.sha256_hex, digest)) return &t;
  }
  return nullptr;
}

bool AuthStore::has_token_digest(std::string_view sha256_hex) const {
  if (sha256_hex.empty()) return false;
  for (const auto& t : data_.tokens) {
    if (equal_secret(t.sha256_hex, sha256_hex)) return true;
  }
  return false;
}

Result<void, AuthFileError> AuthStore::set_admin(const PasswordHash& hash) {
  // Re-read first: a `token create` may have written the file since our last look.
  refresh();
  AuthData next = data_;
  next.admin = hash;
  if (auto saved = save_auth_file(path_, next); !saved) return saved;
  refresh();
  return {};
}

}  // namespace tbgw::app::http
