// Implementation notes: every comparison of secrets is constant time (CRYPTO_memcmp) so a
// network client cannot learn a prefix from response timing.
#include "app/http/auth_crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace tbgw::app::http {

namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0F]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return true;
}

std::string pbkdf2_hex(std::string_view password, const std::vector<unsigned char>& salt,
                       int iterations) {
  std::array<unsigned char, 32> key{};
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(key.size()), key.data()) != 1) {
    return {};
  }
  return to_hex(key.data(), key.size());
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    std::fputs("tinybms-gw: OpenSSL RAND_bytes failed: no secure randomness\n", stderr);
    std::abort();
  }
  return to_hex(buf.data(), buf.size());
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d.data());
  return to_hex(d.data(), d.size());
}

PasswordHash hash_password(std::string_view password, int iterations) {
  PasswordHash h;
  h.iterations = iterations;
  h.salt_hex = random_hex(16);
  std::vector<unsigned char> salt;
  from_hex(h.salt_hex, salt);
  h.hash_hex = pbkdf2_hex(password, salt, iterations);
  return h;
}

bool verify_password(const PasswordHash& stored, std::string_view password) {
  std::vector<unsigned char> salt;
  // A hash below the floor was not written by us: refuse rather than accept a weak one.
  if (stored.empty() || stored.iterations < kPbkdf2Iterations || !from_hex(stored.salt_hex, salt)) {
    return false;
  }
  return equal_secret(pbkdf2_hex(password, salt, stored.iterations), stored.hash_hex);
}

bool equal_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tbgw::app::http
