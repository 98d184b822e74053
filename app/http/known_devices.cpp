#include "app/http/known_devices.hpp"

#include "app/http/auth_crypto.hpp"

namespace tbgw::app::http {

std::string KnownDevices::add(std::int64_t now_ms) {
  if (devices_.size() >= kMaxDevices) {
    auto oldest = devices_.begin();
    for (auto it = devices_.begin(); it != devices_.end(); ++it) {
      if (it->second.last_used_ms < oldest->second.last_used_ms) oldest = it;
    }
    devices_.erase(oldest);
  }
  std::string id = random_hex(32);
  devices_.emplace(id, Device{now_ms, 0});
  return id;
}

bool KnownDevices::known(std::string_view id) const {
  return !id.empty() && devices_.find(std::string(id)) != devices_.end();
}

void KnownDevices::on_success(std::string_view id, std::int64_t now_ms) {
  auto it = devices_.find(std::string(id));
  if (it == devices_.end()) return;
  it->second.last_used_ms = now_ms;
  it->second.failures = 0;
}

void KnownDevices::on_failure(std::string_view id) {
  auto it = devices_.find(std::string(id));
  if (it == devices_.end()) return;
  if (++it->second.failures >= kMaxFailures) devices_.erase(it);
}

}  // namespace tbgw::app::http
