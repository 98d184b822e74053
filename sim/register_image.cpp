// Register map encoding from the spec tables; see register_image.hpp.
#include "sim/register_image.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "sim/rng.hpp"

namespace tbgw::sim {
namespace {

constexpr std::uint16_t kChannels = 16;
constexpr std::int16_t kAbsentSensor = -32768;

std::uint16_t u16_round(double v) {
  return static_cast<std::uint16_t>(std::clamp<long long>(std::llround(v), 0, 0xFFFF));
}
std::uint16_t low16(std::uint32_t v) {
  return static_cast<std::uint16_t>(v & 0xFFFFU);
}
std::uint16_t high16(std::uint32_t v) {
  return static_cast<std::uint16_t>(v >> 16);
}
RegisterRead value(std::uint16_t v) {
  return {RegisterRead::Kind::value, v};
}
RegisterRead reserved() {
  return {RegisterRead::Kind::reserved, 0};
}
RegisterRead word_of(std::uint32_t v, bool high) {
  return value(high ? high16(v) : low16(v));
}

}  // namespace

namespace encode {

std::uint16_t cell_decimv(double cell_mv) {
  return u16_round(cell_mv * 10.0);
}
std::uint16_t millivolts(double mv) {
  return u16_round(mv);
}

std::int16_t decicelsius(double temp_c, bool present) {
  if (!present) return kAbsentSensor;
  // -32768 is the absent marker, so a present sensor never encodes to it.
  return static_cast<std::int16_t>(
      std::clamp<long long>(std::llround(temp_c * 10.0), -32767, 32767));
}

std::uint32_t soc_micro_pct(double soc_pct) {
  return static_cast<std::uint32_t>(
      std::clamp<long long>(std::llround(soc_pct * 1e6), 0, 100000000));
}

std::uint16_t soh_raw(double soh_pct) {
  return static_cast<std::uint16_t>(std::clamp<long long>(std::llround(soh_pct * 500.0), 0, 50000));
}

std::uint32_t float_bits(double v) {
  return std::bit_cast<std::uint32_t>(static_cast<float>(v));
}

}  // namespace encode

VersionInfo version_info(const SimConfig& c) {
  VersionInfo v;
  v.hardware_version = c.hardware_version;
  v.hardware_changes = c.hardware_changes;
  v.firmware_public = c.firmware_public;
  v.firmware_internal = c.firmware_internal;
  v.bootloader_version = c.bootloader_version;
  v.register_map_version = c.register_map_version;
  v.high_power = c.high_power_model;
  v.serial_number = c.serial_number;
  if (std::all_of(v.serial_number.begin(), v.serial_number.end(), [](auto w) { return w == 0; })) {
    Rng rng(c.seed, 2);
    for (auto& w : v.serial_number) w = static_cast<std::uint16_t>(rng.next_u64() & 0xFFFFU);
  }
  return v;
}

std::uint16_t RegisterImage::cell_channel(std::uint16_t address) const {
  // Register r is channel r + 1; pack cell n (1-based) is on channel 16 - N + n.
  const int n = static_cast<int>(address) + 1 - (kChannels - truth_.cell_count);
  if (n < 1 || n > truth_.cell_count) return 0;
  return encode::cell_decimv(truth_.cell_mv[static_cast<std::size_t>(n - 1)]);
}

std::uint16_t RegisterImage::balancing_channels(std::uint16_t pack_mask) const {
  const int first_channel_bit = kChannels - truth_.cell_count;  // channel of pack cell 1, 0-based
  return static_cast<std::uint16_t>((static_cast<std::uint32_t>(pack_mask) << first_channel_bit) &
                                    0xFFFFU);
}

RegisterRead RegisterImage::live(std::uint16_t a) const {
  const TruthState& t = truth_;
  if (a <= 15) return value(cell_channel(a));
  switch (a) {
    case 32:
    case 33:
      return word_of(t.bms_lifetime_s, a == 33);
    case 34:
    case 35:
      return word_of(t.time_left_s, a == 35);
    case 36:
    case 37:
      return word_of(encode::float_bits(t.pack_voltage_v), a == 37);
    case 38:
    case 39:
      return word_of(encode::float_bits(t.current_a), a == 39);
    case 40:
      return value(encode::millivolts(t.min_cell_mv));
    case 41:
      return value(encode::millivolts(t.max_cell_mv));
    case 42:
      return value(static_cast<std::uint16_t>(encode::decicelsius(
          t.temps_c[TruthState::kTempExternal1], t.temp_present[TruthState::kTempExternal1])));
    case 43:
      return value(static_cast<std::uint16_t>(encode::decicelsius(
          t.temps_c[TruthState::kTempExternal2], t.temp_present[TruthState::kTempExternal2])));
    case 44:
      return value(0);  // distance left: no speed sensor in the model
    case 45:
      return value(encode::soh_raw(t.soh_pct));
    case 46:
    case 47:
      return word_of(encode::soc_micro_pct(t.soc_pct), a == 47);
    case 48:
      return value(static_cast<std::uint16_t>(encode::decicelsius(
          t.temps_c[TruthState::kTempInternal], t.temp_present[TruthState::kTempInternal])));
    case 50:
      return value(t.online_status);
    case 51:
      return value(balancing_channels(t.balancing_needed_mask));
    case 52:
      return value(balancing_channels(t.balancing_active_mask));
    case 53:
      return value(static_cast<std::uint16_t>(t.cell_count));
    case 54:
    case 55:
      return word_of(encode::float_bits(0.0), a == 55);  // speed: no sensor
    default:
      return reserved();
  }
}

RegisterRead RegisterImage::statistics(std::uint16_t a) const {
  const BmsStatistics& s = stats_;
  const auto temp_byte = [](double c) {
    return static_cast<std::uint8_t>(
        static_cast<std::int8_t>(std::clamp<long long>(std::llround(c), -128, 127)));
  };
  switch (a) {
    case 100:
    case 101:
      return value(0);  // total distance: no speed sensor
    case 102:
      return value(u16_round(s.max_discharge_current_a * 10.0));
    case 103:
      return value(u16_round(s.max_charge_current_a * 10.0));
    case 104:
      return value(u16_round(s.max_cell_diff_mv * 10.0));
    case 105:
      return value(s.under_voltage_count);
    case 106:
      return value(s.over_voltage_count);
    case 107:
      return value(s.discharge_oc_count);
    case 108:
      return value(s.charge_oc_count);
    case 109:
      return value(s.over_heat_count);
    case 111:
      return value(s.charging_count);
    case 112:
      return value(s.full_charge_count);
    case 113:
      if (!s.temps_seen) return value(0);
      return value(static_cast<std::uint16_t>(temp_byte(s.min_pack_temp_c) |
                                              (temp_byte(s.max_pack_temp_c) << 8)));
    case 114:
      return value(static_cast<std::uint16_t>(s.reset_cause | (s.wake_cause << 8)));
    case 116:
    case 117:
      return word_of(s.last_cleared_s, a == 117);
    default:
      return reserved();
  }
}

RegisterRead RegisterImage::version(std::uint16_t a) const {
  const VersionInfo& v = version_;
  switch (a) {
    case 500:
      return value(static_cast<std::uint16_t>(v.hardware_version | (v.hardware_changes << 8)));
    case 501: {
      const unsigned high = (v.high_power ? 1U : 0U) | ((v.current_sensor & 0x3U) << 1);
      return value(static_cast<std::uint16_t>(v.firmware_public | (high << 8)));
    }
    case 502:
      return value(v.firmware_internal);
    case 503:
      return value(
          static_cast<std::uint16_t>(v.bootloader_version | (v.register_map_version << 8)));
    default:
      return value(v.serial_number[static_cast<std::size_t>(a - 504)]);
  }
}

RegisterRead RegisterImage::read(std::uint16_t a) const {
  if (a > kLastMappedRegister) return {};
  if (a <= 99) return live(a);
  if (a <= 117) return statistics(a);
  if (a >= 200 && a <= 297) {
    const BmsEvent e = events_.slot(static_cast<std::size_t>(a - 200) / 2);
    if ((a - 200) % 2 == 0) return value(low16(e.timestamp_s));
    return value(static_cast<std::uint16_t>(((e.timestamp_s >> 16) & 0xFFU) | (e.id << 8)));
  }
  if (a >= kFirstSettingRegister && a <= kLastSettingRegister) {
    return SettingsTable::is_defined(a) ? value(settings_.read(a)) : reserved();
  }
  if (a >= 500) return version(a);
  return reserved();
}

}  // namespace tbgw::sim
