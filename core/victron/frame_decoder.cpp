#include "core/victron/frame_decoder.hpp"

#include "core/victron/wire_format.hpp"

namespace tbgw::victron {

namespace {

constexpr std::uint8_t kPairActive = 0b01;
constexpr std::uint8_t kPairOk = 0b10;

// Fewest bytes that carry the frame's leading fields; the rest may be absent (read as 0).
std::uint8_t minimum_dlc(std::uint32_t id) {
  switch (id) {
    case wire::kIdLimits:
      return 6;  // CVL, CCL, DCL; DVL "not used" in the 2021 document
    case wire::kIdSoc:
      return 2;
    case wire::kIdMeasurements:
      return 6;
    case wire::kIdAlarms:
      return 8;
    case wire::kIdRequestFlags:
      return 1;
    case wire::kIdBatteryInfo:
      return 6;
    case wire::kIdModules:
      return 8;
    case wire::kIdCellExtremes:
      return 4;  // temperatures may be dropped by shortening the DLC
    case wire::kIdEnergy:
      return 8;
    case wire::kIdInstalledCapacity:
      return 2;
    default:
      return 0;  // text frames: any length up to 8
  }
}

bool is_text_id(std::uint32_t id) {
  return !text_frame_label(id).empty();
}

bool is_known_id(std::uint32_t id) {
  switch (id) {
    case wire::kIdLimits:
    case wire::kIdSoc:
    case wire::kIdMeasurements:
    case wire::kIdAlarms:
    case wire::kIdRequestFlags:
    case wire::kIdBatteryInfo:
    case wire::kIdModules:
    case wire::kIdCellExtremes:
    case wire::kIdEnergy:
    case wire::kIdInstalledCapacity:
      return true;
    default:
      return is_text_id(id);
  }
}

FrameFields decode_known(std::uint32_t id, std::uint8_t dlc, const wire::Payload& d) {
  using wire::get_s16le;
  using wire::get_u16le;
  switch (id) {
    case wire::kIdLimits:
      return LimitsFields{get_u16le(d, 0), get_s16le(d, 2), get_s16le(d, 4), get_u16le(d, 6)};
    case wire::kIdSoc:
      return SocFields{get_u16le(d, 0), get_u16le(d, 2), get_u16le(d, 4), dlc >= 6};
    case wire::kIdMeasurements:
      return MeasurementFields{get_s16le(d, 0), get_s16le(d, 2), get_s16le(d, 4)};
    case wire::kIdAlarms: {
      AlarmFields a;
      for (std::size_t i = 0; i < AlarmFields::kItems; ++i) {
        const auto shift = static_cast<unsigned>((i % 4) * 2);
        a.alarm_pair[i] = static_cast<std::uint8_t>((d[i / 4] >> shift) & 0x3U);
        a.warning_pair[i] = static_cast<std::uint8_t>((d[4 + i / 4] >> shift) & 0x3U);
      }
      a.online_pair = static_cast<std::uint8_t>((d[7] >> 2) & 0x3U);
      return a;
    }
    case wire::kIdRequestFlags:
      return RequestFlagFields{d[0]};
    case wire::kIdBatteryInfo:
      return BatteryInfoFields{get_u16le(d, 0), wire::get_u16be(d, 2), get_u16le(d, 4)};
    case wire::kIdModules:
      return ModuleFields{get_u16le(d, 0), get_u16le(d, 2), get_u16le(d, 4), get_u16le(d, 6)};
    case wire::kIdCellExtremes:
      return CellExtremeFields{get_u16le(d, 0), get_u16le(d, 2), get_u16le(d, 4), get_u16le(d, 6)};
    case wire::kIdEnergy:
      return EnergyFields{wire::get_u32le(d, 0), wire::get_u32le(d, 4)};
    case wire::kIdInstalledCapacity:
      return CapacityFields{get_u16le(d, 0)};
    default: {
      TextFields t;
      for (std::size_t i = 0; i < wire::kTextBytes; ++i) t.chars[i] = static_cast<char>(d[i]);
      return t;
    }
  }
}

}  // namespace

msg::BatteryAlarms AlarmFields::levels() const {
  msg::BatteryAlarms out;
  for (std::size_t i = 0; i < kItems; ++i) {
    if (alarm_pair[i] == kPairActive) {
      out.level[i] = msg::AlarmLevel::alarm;
    } else if (warning_pair[i] == kPairActive) {
      out.level[i] = msg::AlarmLevel::warning;
    } else if (alarm_pair[i] == kPairOk || warning_pair[i] == kPairOk) {
      out.level[i] = msg::AlarmLevel::ok;
    } else {
      out.level[i] = msg::AlarmLevel::unsupported;
    }
  }
  out.online = online_pair == kPairOk;
  return out;
}

std::string_view TextFields::view() const {
  std::size_t n = 0;
  while (n < wire::kTextBytes && chars[n] != '\0') ++n;
  return {chars.data(), n};
}

bool CellExtremeFields::temps_supported() const {
  const auto unsupported = [](std::uint16_t k) { return k == 0 || k == 0xFFFF; };
  return !unsupported(min_temp_k) && !unsupported(max_temp_k);
}

const char* to_string(DecodeError e) {
  switch (e) {
    case DecodeError::unknown_id:
      return "unknown_id";
    case DecodeError::bad_dlc:
      return "bad_dlc";
    case DecodeError::short_frame:
      return "short_frame";
  }
  return "unknown";
}

std::string_view text_frame_label(std::uint32_t id) {
  switch (id) {
    case wire::kIdManufacturer:
      return "manufacturer";
    case wire::kIdName1:
      return "name 1-8";
    case wire::kIdName2:
      return "name 9-16";
    case wire::kIdMinCellId:
      return "min cell id";
    case wire::kIdMaxCellId:
      return "max cell id";
    case wire::kIdMinTempId:
      return "min temp id";
    case wire::kIdMaxTempId:
      return "max temp id";
    case wire::kIdFamily:
      return "family";
    default:
      return "";
  }
}

std::string_view alarm_item_name(msg::AlarmItem item) {
  switch (item) {
    case msg::AlarmItem::general:
      return "general";
    case msg::AlarmItem::high_voltage:
      return "high_voltage";
    case msg::AlarmItem::low_voltage:
      return "low_voltage";
    case msg::AlarmItem::high_temperature:
      return "high_temperature";
    case msg::AlarmItem::low_temperature:
      return "low_temperature";
    case msg::AlarmItem::high_charge_temperature:
      return "high_charge_temperature";
    case msg::AlarmItem::low_charge_temperature:
      return "low_charge_temperature";
    case msg::AlarmItem::high_discharge_current:
      return "high_discharge_current";
    case msg::AlarmItem::high_charge_current:
      return "high_charge_current";
    case msg::AlarmItem::contactor:
      return "contactor";
    case msg::AlarmItem::short_circuit:
      return "short_circuit";
    case msg::AlarmItem::bms_internal:
      return "bms_internal";
    case msg::AlarmItem::cell_imbalance:
      return "cell_imbalance";
    case msg::AlarmItem::count:
      break;
  }
  return "";
}

Result<DecodedFrame, DecodeError> decode(const CanFrame& frame) {
  if (frame.dlc > 8) return Err(DecodeError::bad_dlc);
  if (!is_known_id(frame.id)) return Err(DecodeError::unknown_id);
  if (frame.dlc < minimum_dlc(frame.id)) return Err(DecodeError::short_frame);
  wire::Payload d{};
  for (std::size_t i = 0; i < frame.dlc; ++i) d[i] = frame.data[i];
  return DecodedFrame{frame.id, decode_known(frame.id, frame.dlc, d)};
}

}  // namespace tbgw::victron
