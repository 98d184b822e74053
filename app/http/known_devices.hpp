// KnownDevices: browsers (or cookie jars) that logged in successfully before. A successful
// login sets the cookie tbgw_device (256 random bits, HttpOnly, SameSite=Strict, path
// /api/login, one year); a later login that carries a known one skips the per-address lockout
// and the global guess budget and is checked before any stranger's guess: a flood of wrong
// passwords from many addresses cannot keep the owner out (OWASP's "device cookie" defence).
// kMaxFailures wrong passwords with a device cookie forget that device.
//
// In memory only: a restart forgets the devices (the owner's next login makes one again).
// Bounds: kMaxDevices entries; when full the one used longest ago is dropped.
// Loop thread only; time is a parameter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tbgw::app::http {

inline constexpr std::string_view kDeviceCookie = "tbgw_device";

class KnownDevices {
 public:
  static constexpr std::size_t kMaxDevices = 64;
  static constexpr int kMaxFailures = 5;

  // A new device id (64 hex characters).
  std::string add(std::int64_t now_ms);
  bool known(std::string_view id) const;
  void on_success(std::string_view id, std::int64_t now_ms);
  void on_failure(std::string_view id);
  std::size_t size() const { return devices_.size(); }

 private:
  struct Device {
    std::int64_t last_used_ms = 0;
    int failures = 0;
  };
  std::unordered_map<std::string, Device> devices_;
};

}  // namespace tbgw::app::http
