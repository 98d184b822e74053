// Password hashing, random secrets and token digests (OpenSSL). The one place that knows the
// algorithms: PBKDF2-HMAC-SHA256 with >= 600,000 iterations and a random 16-byte salt for the
// admin password (OWASP 2023 figure), SHA-256 for API tokens (they are 256-bit random values,
// so a fast hash is enough: nobody can guess the preimage), RAND_bytes for every secret.
//
// Cost: hash_password()/verify_password() take ~0.3-1 s on a small CPU by design; callers on
// the event loop must run them on the HashWorker (hash_worker.hpp). Everything else is cheap.
#pragma once

#include <string>
#include <string_view>

namespace tbgw::app::http {

inline constexpr int kPbkdf2Iterations = 600'000;
inline constexpr int kMinPasswordLength = 8;

struct PasswordHash {
  int iterations = 0;
  std::string salt_hex;  // 16 random bytes
  std::string hash_hex;  // 32 bytes of PBKDF2-HMAC-SHA256
  bool empty() const { return hash_hex.empty(); }
};

// `bytes` random bytes from the OS CSPRNG, as lower-case hex. Aborts when OpenSSL cannot give
// randomness (nothing secure can be done without it).
std::string random_hex(std::size_t bytes);

std::string sha256_hex(std::string_view data);

PasswordHash hash_password(std::string_view password, int iterations = kPbkdf2Iterations);
bool verify_password(const PasswordHash& stored, std::string_view password);

// Constant-time comparison of two strings (CSRF tokens, digests).
bool equal_secret(std::string_view a, std::string_view b);

}  // namespace tbgw::app::http
