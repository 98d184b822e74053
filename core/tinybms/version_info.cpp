// decode_version: see version_info.hpp.
#include "core/tinybms/version_info.hpp"

namespace tbgw::tinybms {

Result<VersionInfo, VersionFailure> decode_version(const RegisterBank& bank) {
  for (std::uint16_t a = kVersionRegisters.first; a <= kVersionRegisters.last; ++a) {
    if (!bank.valid(a)) return Err(VersionFailure{VersionError::missing_register, a});
  }
  const auto w = [&bank](std::uint16_t a) { return bank.get(a).value_or(0); };
  const auto lo = [](std::uint16_t v) { return static_cast<std::uint8_t>(v & 0xFFU); };
  const auto hi = [](std::uint16_t v) { return static_cast<std::uint8_t>(v >> 8); };

  VersionInfo v;
  v.hw_version = lo(w(500));
  v.hw_changes = hi(w(500));
  v.fw_public = lo(w(501));
  const std::uint8_t flags = hi(w(501));
  v.power_type = (flags & 0x1U) != 0 ? PowerType::high_power : PowerType::low_power;
  v.current_sensor = static_cast<CurrentSensor>((flags >> 1) & 0x3U);  // 3 = unknown
  v.fw_internal = w(502);
  v.bootloader = lo(w(503));
  v.profile = hi(w(503));

  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::size_t pos = 0;
  for (std::size_t i = 0; i < VersionInfo::kSerialWords; ++i) {
    const std::uint16_t word = w(static_cast<std::uint16_t>(504 + i));
    v.serial_words[i] = word;
    for (int shift = 12; shift >= 0; shift -= 4) {
      v.serial_hex[pos++] = kHex[(word >> shift) & 0xFU];
    }
  }
  v.serial_hex[pos] = '\0';
  return v;
}

}  // namespace tbgw::tinybms
