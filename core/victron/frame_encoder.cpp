#include "core/victron/frame_encoder.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/control/decision_guard.hpp"
#include "core/victron/snapshot_view.hpp"
#include "core/victron/wire_format.hpp"

namespace tbgw::victron {

namespace {

constexpr std::uint8_t kPairNotSupported = 0b00;
constexpr std::uint8_t kPairActive = 0b01;
constexpr std::uint8_t kPairOk = 0b10;
constexpr std::size_t kWarningOffset = 4;  // warnings are bytes 4-7, alarms bytes 0-3
constexpr std::size_t kOnlineByte = 7;
constexpr unsigned kOnlineShift = 2;

CanFrame frame(std::uint32_t id) {
  CanFrame f;
  f.id = id;
  f.dlc = 8;
  return f;
}

std::string_view text_of(const char* data, std::size_t max) {
  std::size_t n = 0;
  while (n < max && data[n] != '\0') ++n;
  return {data, n};
}

bool printable_ascii(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

template <std::size_t N>
void copy_text(std::array<char, N>& dst, std::string_view src) {
  dst = {};
  for (std::size_t i = 0; i < src.size() && i < N; ++i) dst[i] = src[i];
}

// 0x370 repeats 0x35E, so the name goes out only when its first 8 bytes are the manufacturer's
// (NUL padded) and it is longer than 8 characters (a shorter name is 0x35E alone, spec §2).
bool name_prefix_matches(const EncoderIdentity& id) {
  for (std::size_t i = 0; i < wire::kTextBytes; ++i) {
    if (id.battery_name[i] != id.manufacturer[i]) return false;
  }
  return true;
}

bool sends_name_frames(const EncoderIdentity& id) {
  return id.name_text().size() > wire::kTextBytes && name_prefix_matches(id);
}

// "cell 7": 1-based pack position, as the owner counts cells.
CanFrame cell_id_frame(std::uint32_t id, std::uint8_t index) {
  CanFrame f = frame(id);
  if (index == CellExtremes::kNoCell) return f;
  const unsigned n = index + 1U;
  std::array<char, 8> t{'c', 'e', 'l', 'l', ' '};
  std::size_t at = 5;
  if (n >= 10) t[at++] = static_cast<char>('0' + n / 10);
  t[at++] = static_cast<char>('0' + n % 10);
  wire::put_text(f.data, {t.data(), at});
  return f;
}

}  // namespace

const char* to_string(EncodeError e) {
  switch (e) {
    case EncodeError::decision_invalid:
      return "decision_invalid";
    case EncodeError::limit_not_finite:
      return "limit_not_finite";
    case EncodeError::cvl_zero:
      return "cvl_zero";
    case EncodeError::dvl_zero:
      return "dvl_zero";
    case EncodeError::cvl_implausible:
      return "cvl_implausible";
    case EncodeError::dvl_above_cvl:
      return "dvl_above_cvl";
  }
  return "unknown";
}

const char* to_string(IdentityError e) {
  switch (e) {
    case IdentityError::manufacturer_invalid:
      return "manufacturer_invalid";
    case IdentityError::name_invalid:
      return "name_invalid";
    case IdentityError::family_invalid:
      return "family_invalid";
    case IdentityError::name_mismatch:
      return "name_mismatch";
  }
  return "unknown";
}

std::string_view EncoderIdentity::manufacturer_text() const {
  return text_of(manufacturer.data(), manufacturer.size());
}
std::string_view EncoderIdentity::name_text() const {
  return text_of(battery_name.data(), battery_name.size());
}
std::string_view EncoderIdentity::family_text() const {
  return text_of(family.data(), family.size());
}

Result<EncoderIdentity, IdentityError> make_identity(std::string_view manufacturer,
                                                     std::string_view battery_name,
                                                     std::string_view family, bool send_0x35c) {
  EncoderIdentity id;
  if (manufacturer.empty() || manufacturer.size() > id.manufacturer.size() ||
      !printable_ascii(manufacturer)) {
    return Err(IdentityError::manufacturer_invalid);
  }
  if (battery_name.size() > id.battery_name.size() || !printable_ascii(battery_name)) {
    return Err(IdentityError::name_invalid);
  }
  if (family.size() > id.family.size() || !printable_ascii(family)) {
    return Err(IdentityError::family_invalid);
  }
  copy_text(id.manufacturer, manufacturer);
  copy_text(id.battery_name, battery_name);
  copy_text(id.family, family);
  id.send_0x35c = send_0x35c;
  if (auto r = check_identity(id); !r) return Err(r.error());
  return id;
}

Result<void, IdentityError> check_identity(const EncoderIdentity& id) {
  if (id.manufacturer_text().empty() || !printable_ascii(id.manufacturer_text())) {
    return Err(IdentityError::manufacturer_invalid);
  }
  if (!printable_ascii(id.name_text())) return Err(IdentityError::name_invalid);
  if (!printable_ascii(id.family_text())) return Err(IdentityError::family_invalid);
  if (!id.name_text().empty() && !name_prefix_matches(id)) {
    return Err(IdentityError::name_mismatch);
  }
  return {};
}

std::uint16_t firmware_word(const tinybms::VersionInfo& v) {
  const std::uint16_t minor = v.fw_internal > 0xFFU ? 0xFFU : v.fw_internal;
  return static_cast<std::uint16_t>((v.fw_public << 8) | minor);
}

const CanFrame* FrameSet::find(std::uint32_t id) const {
  for (std::size_t i = 0; i < count; ++i) {
    if (frames[i].id == id) return &frames[i];
  }
  return nullptr;
}

void FrameSet::push(const CanFrame& f) {
  assert(count < kCapacity);  // kCapacity counts every frame the encoder can emit
  if (count < kCapacity) frames[count++] = f;
}

Result<CanFrame, EncodeError> encode_limits(const msg::ChargeDecision& d,
                                            const tinybms::BmsSettings* settings) {
  if (!d.valid) return Err(EncodeError::decision_invalid);
  if (!std::isfinite(d.cvl_v) || !std::isfinite(d.ccl_a) || !std::isfinite(d.dcl_a) ||
      !std::isfinite(d.dvl_v)) {
    return Err(EncodeError::limit_not_finite);
  }
  const std::uint16_t cvl = wire::deci_volts_u16(static_cast<double>(d.cvl_v));
  const std::uint16_t dvl = wire::deci_volts_u16(static_cast<double>(d.dvl_v));
  if (cvl == 0) return Err(EncodeError::cvl_zero);
  if (dvl == 0) return Err(EncodeError::dvl_zero);
  if (dvl > cvl) return Err(EncodeError::dvl_above_cvl);
  if (settings != nullptr && settings->series_cells > 0 &&
      settings->over_voltage_cutoff_cell_mv > 0 && settings->under_voltage_cutoff_cell_mv > 0) {
    // Compared on the wire value: what the GX would act on.
    // A hold at the pack voltage (CCL 0, decision_guard.hpp) may sit below the empty pack when
    // the pack has fallen below its cutoff: the pack's own voltage is plausible by definition.
    std::uint16_t lowest =
        wire::deci_volts_u16(static_cast<double>(settings->pack_under_voltage_v()));
    if (d.pack_v > 0.0F && std::isfinite(d.pack_v)) {
      const auto pack =
          wire::deci_volts_u16(static_cast<double>(control::floor_to_wire_v(d.pack_v)));
      lowest = std::min(lowest, pack);
    }
    const std::uint16_t highest =
        wire::deci_volts_u16(static_cast<double>(settings->pack_over_voltage_v()));
    if (cvl < lowest || cvl > highest) return Err(EncodeError::cvl_implausible);
  }
  CanFrame f = frame(wire::kIdLimits);
  wire::put_u16le(f.data, 0, cvl);
  wire::put_s16le(f.data, 2, wire::deci_amps_limit_s16(static_cast<double>(d.ccl_a)));
  wire::put_s16le(f.data, 4, wire::deci_amps_limit_s16(static_cast<double>(d.dcl_a)));
  wire::put_u16le(f.data, 6, dvl);
  return f;
}

CanFrame encode_soc(const msg::BatterySnapshot& s, float soh_when_unknown_pct) {
  CanFrame f = frame(wire::kIdSoc);
  const double soh = static_cast<double>(s.soh_valid ? s.soh_pct : soh_when_unknown_pct);
  wire::put_u16le(f.data, 0, wire::percent_u16(s.soc_pct));
  wire::put_u16le(f.data, 2, wire::percent_u16(soh));
  wire::put_u16le(f.data, 4, wire::centi_percent_u16(s.soc_pct));
  return f;
}

CanFrame encode_measurements(const msg::BatterySnapshot& s) {
  CanFrame f = frame(wire::kIdMeasurements);
  const TempExtremes t = cell_temperatures(s);
  wire::put_s16le(f.data, 0, wire::centi_volts_s16(static_cast<double>(s.pack_voltage_v)));
  wire::put_s16le(f.data, 2, wire::deci_amps_s16(static_cast<double>(s.pack_current_a)));
  wire::put_s16le(f.data, 4, t.known ? wire::deci_celsius_s16(static_cast<double>(t.max_c)) : 0);
  return f;
}

CanFrame encode_alarms(const msg::BatteryAlarms& a) {
  CanFrame f = frame(wire::kIdAlarms);
  for (std::size_t i = 0; i < msg::BatteryAlarms::kItems; ++i) {
    const msg::AlarmLevel level = a.level[i];
    std::uint8_t alarm_pair = kPairNotSupported;
    std::uint8_t warning_pair = kPairNotSupported;
    if (level != msg::AlarmLevel::unsupported) {
      alarm_pair = level == msg::AlarmLevel::alarm ? kPairActive : kPairOk;
      warning_pair = level == msg::AlarmLevel::ok ? kPairOk : kPairActive;
    }
    const auto shift = static_cast<unsigned>((i % 4) * 2);
    f.data[i / 4] = static_cast<std::uint8_t>(f.data[i / 4] | (alarm_pair << shift));
    f.data[kWarningOffset + i / 4] =
        static_cast<std::uint8_t>(f.data[kWarningOffset + i / 4] | (warning_pair << shift));
  }
  const std::uint8_t online = a.online ? kPairOk : kPairActive;
  f.data[kOnlineByte] = static_cast<std::uint8_t>(f.data[kOnlineByte] | (online << kOnlineShift));
  return f;
}

CanFrame encode_request_flags(const msg::ChargeDecision& d) {
  CanFrame f = frame(wire::kIdRequestFlags);
  const bool charge = wire::deci_amps_limit_s16(static_cast<double>(d.ccl_a)) > 0;
  const bool discharge = wire::deci_amps_limit_s16(static_cast<double>(d.dcl_a)) > 0;
  f.data[0] = static_cast<std::uint8_t>((charge ? 0x80U : 0U) | (discharge ? 0x40U : 0U));
  return f;
}

CanFrame encode_battery_info(const EncoderIdentity& id, float capacity_ah) {
  CanFrame f = frame(wire::kIdBatteryInfo);
  wire::put_u16le(f.data, 0, id.battery_type);
  wire::put_u16be(f.data, 2, id.firmware);
  wire::put_u16le(f.data, 4, wire::amp_hours_u16(static_cast<double>(capacity_ah)));
  return f;
}

CanFrame encode_modules(const msg::ChargeDecision& d) {
  CanFrame f = frame(wire::kIdModules);
  const bool blocks_charge = wire::deci_amps_limit_s16(static_cast<double>(d.ccl_a)) == 0;
  const bool blocks_discharge = wire::deci_amps_limit_s16(static_cast<double>(d.dcl_a)) == 0;
  wire::put_u16le(f.data, 0, 1);
  wire::put_u16le(f.data, 2, blocks_charge ? 1 : 0);
  wire::put_u16le(f.data, 4, blocks_discharge ? 1 : 0);
  wire::put_u16le(f.data, 6, 0);
  return f;
}

CanFrame encode_cell_extremes(const msg::BatterySnapshot& s) {
  CanFrame f = frame(wire::kIdCellExtremes);
  const CellExtremes c = cell_extremes(s);
  const TempExtremes t = cell_temperatures(s);
  if (c.known) {
    wire::put_u16le(f.data, 0, wire::millivolts_u16(static_cast<double>(c.min_mv)));
    wire::put_u16le(f.data, 2, wire::millivolts_u16(static_cast<double>(c.max_mv)));
  }
  if (t.known) {  // 0x0000 = not supported (spec §2)
    wire::put_u16le(f.data, 4, wire::kelvin_u16(static_cast<double>(t.min_c)));
    wire::put_u16le(f.data, 6, wire::kelvin_u16(static_cast<double>(t.max_c)));
  }
  return f;
}

std::array<CanFrame, 4> encode_extreme_ids(const msg::BatterySnapshot& s) {
  const CellExtremes c = cell_extremes(s);
  const TempExtremes t = cell_temperatures(s);
  std::array<CanFrame, 4> out{cell_id_frame(wire::kIdMinCellId, c.min_index),
                              cell_id_frame(wire::kIdMaxCellId, c.max_index),
                              frame(wire::kIdMinTempId), frame(wire::kIdMaxTempId)};
  if (t.known) {
    wire::put_text(out[2].data, sensor_id(t.min_sensor));
    wire::put_text(out[3].data, sensor_id(t.max_sensor));
  }
  return out;
}

CanFrame encode_energy(const EnergyTotals& e) {
  CanFrame f = frame(wire::kIdEnergy);
  wire::put_u32le(f.data, 0, wire::hecto_watt_hours_u32(e.wh_charged));
  wire::put_u32le(f.data, 4, wire::hecto_watt_hours_u32(e.wh_discharged));
  return f;
}

CanFrame encode_installed_capacity(float capacity_ah) {
  CanFrame f = frame(wire::kIdInstalledCapacity);
  wire::put_u16le(f.data, 0, wire::amp_hours_u16(static_cast<double>(capacity_ah)));
  return f;
}

CanFrame encode_text(std::uint32_t id, std::string_view text) {
  CanFrame f = frame(id);
  wire::put_text(f.data, text);
  return f;
}

Result<std::size_t, EncodeError> FrameEncoder::encode(const EncoderInput& in, FrameSet& out) const {
  out.clear();
  const auto limits = encode_limits(in.decision, &in.settings);
  if (!limits) return Err(limits.error());
  const EncoderIdentity& id = identity_;
  const float capacity_ah = in.settings.capacity_ah;

  out.push(*limits);
  out.push(encode_soc(in.snapshot, id.soh_when_unknown_pct));
  out.push(encode_measurements(in.snapshot));
  out.push(encode_alarms(in.alarms));
  if (id.send_0x35c) out.push(encode_request_flags(in.decision));
  out.push(encode_text(wire::kIdManufacturer, id.manufacturer_text()));
  out.push(encode_battery_info(id, capacity_ah));
  if (sends_name_frames(id)) {
    out.push(encode_text(wire::kIdName1, id.manufacturer_text()));
    out.push(encode_text(wire::kIdName2, id.name_text().substr(wire::kTextBytes)));
  }
  out.push(encode_modules(in.decision));
  out.push(encode_cell_extremes(in.snapshot));
  for (const CanFrame& f : encode_extreme_ids(in.snapshot)) out.push(f);
  out.push(encode_energy(in.energy));
  out.push(encode_installed_capacity(capacity_ah));
  if (!id.family_text().empty()) out.push(encode_text(wire::kIdFamily, id.family_text()));
  return out.count;
}

}  // namespace tbgw::victron
