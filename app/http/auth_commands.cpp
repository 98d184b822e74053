#include "app/http/auth_commands.hpp"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>

#include "app/http/auth_file.hpp"
#include "platform/linux/config_store.hpp"
#include "platform/linux/posix.hpp"

namespace tbgw::app::http {

namespace {

std::filesystem::path state_dir_of(const std::string& explicit_dir) {
  return platform::default_state_dir(explicit_dir);
}

bool load(const std::filesystem::path& dir, AuthData& data) {
  const auto path = auth_file_path(dir);
  auto loaded = load_auth_file(path);
  if (!loaded) {
    std::fprintf(stderr, "tinybms-gw: %s: %s\n", path.c_str(),
                 platform::to_string(loaded.error()).c_str());
    return false;
  }
  data = std::move(*loaded);
  return true;
}

bool save(const std::filesystem::path& dir, const AuthData& data) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto path = auth_file_path(dir);
  if (const auto saved = save_auth_file(path, data); !saved) {
    std::fprintf(stderr, "tinybms-gw: %s: %s\n", path.c_str(),
                 platform::to_string(saved.error()).c_str());
    return false;
  }
  return true;
}

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int run_passwd_command(const std::string& state_dir) {
  const auto dir = state_dir_of(state_dir);
  const bool tty = platform::stdin_is_terminal();
  const std::optional<std::string> typed = platform::read_secret_line("new admin password: ");
  if (!typed) {
    std::fprintf(stderr, "tinybms-gw: no password on stdin\n");
    return 2;
  }
  const std::string& pw = *typed;
  if (tty && platform::read_secret_line("again: ") != pw) {
    std::fprintf(stderr, "tinybms-gw: the two passwords differ; nothing changed\n");
    return 2;
  }
  if (pw.size() < static_cast<std::size_t>(kMinPasswordLength)) {
    std::fprintf(stderr, "tinybms-gw: the password must have at least %d characters\n",
                 kMinPasswordLength);
    return 2;
  }
  AuthData data;
  if (!load(dir, data)) return 1;
  data.admin = hash_password(pw);
  if (!save(dir, data)) return 1;
  // The generated first password no longer works: do not leave it lying around.
  std::error_code ec;
  std::filesystem::remove(initial_password_path(dir), ec);
  std::fprintf(stderr, "admin password set in %s (running sessions end)\n",
               auth_file_path(dir).string().c_str());
  return 0;
}

int run_token_create(const std::string& state_dir, const std::string& name, bool read_only) {
  if (!valid_token_name(name)) {
    std::fprintf(stderr, "tinybms-gw: a token name is 1-64 of A-Z a-z 0-9 . _ -\n");
    return 2;
  }
  const auto dir = state_dir_of(state_dir);
  AuthData data;
  if (!load(dir, data)) return 1;
  for (const auto& t : data.tokens) {
    if (t.name == name) {
      std::fprintf(stderr, "tinybms-gw: a token named %s exists (revoke it first)\n", name.c_str());
      return 2;
    }
  }
  if (data.tokens.size() >= kMaxTokens) {
    std::fprintf(stderr, "tinybms-gw: at most %zu tokens\n", kMaxTokens);
    return 2;
  }
  const std::string secret = new_token_secret();
  data.tokens.push_back({name, sha256_hex(secret), read_only, utc_now_iso()});
  if (!save(dir, data)) return 1;
  std::printf("%s\n", secret.c_str());
  std::fprintf(stderr,
               "token %s created (%s); it is shown only this once: send it as "
               "\"Authorization: Bearer <token>\"\n",
               name.c_str(), read_only ? "read-only" : "read-write");
  return 0;
}

int run_token_list(const std::string& state_dir) {
  AuthData data;
  if (!load(state_dir_of(state_dir), data)) return 1;
  for (const auto& t : data.tokens) {
    std::printf("%s\t%s\t%s\n", t.name.c_str(), t.read_only ? "read-only" : "read-write",
                t.created.c_str());
  }
  return 0;
}

int run_token_revoke(const std::string& state_dir, const std::string& name) {
  const auto dir = state_dir_of(state_dir);
  AuthData data;
  if (!load(dir, data)) return 1;
  const auto before = data.tokens.size();
  std::erase_if(data.tokens, [&](const TokenRecord& t) { return t.name == name; });
  if (data.tokens.size() == before) {
    std::fprintf(stderr, "tinybms-gw: no token named %s\n", name.c_str());
    return 2;
  }
  if (!save(dir, data)) return 1;
  std::fprintf(stderr, "token %s revoked\n", name.c_str());
  return 0;
}

}  // namespace tbgw::app::http
