// Frame decoder: the inverse of frame_encoder for diagnostics and tests. decode() turns any
// frame of the set into typed fields; describe() writes one line of text with units for each
// field ("0x351 CVL 55.20 V CCL 100.0 A DCL 150.0 A DVL 44.00 V"), used by the comment lines of
// `tinybms-gw encode`.
//
// Theory of operation. Each *Fields struct keeps the wire integers exactly as sent (the name
// says the unit: `_dv` = 0.1 V, `_da` = 0.1 A, `_cv` = 0.01 V, `_dc` = 0.1 degC) and offers the
// engineering value through a method, so nothing is rounded twice and describe() prints exact
// decimals with integer arithmetic. Frames from other devices are read the way the GX reads them:
// bytes beyond the DLC count as 0 (Pytes sends a 4-byte 0x355, a 5-byte 0x35E), but a frame too
// short for its leading fields is refused. 0x35A pairs are kept raw (0b00/0b11 not supported,
// 0b01 active, 0b10 OK) and folded into msg::BatteryAlarms by AlarmFields::levels().
//
// Bounds: no allocation; describe() output is a fixed buffer, truncated (never overflowed).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "core/msg/battery_alarms.hpp"
#include "core/util/result.hpp"
#include "core/victron/can_frame.hpp"

namespace tbgw::victron {

struct LimitsFields {  // 0x351
  std::uint16_t cvl_dv = 0;
  std::int16_t ccl_da = 0;
  std::int16_t dcl_da = 0;
  std::uint16_t dvl_dv = 0;
  double cvl_v() const { return cvl_dv / 10.0; }
  double ccl_a() const { return ccl_da / 10.0; }
  double dcl_a() const { return dcl_da / 10.0; }
  double dvl_v() const { return dvl_dv / 10.0; }
};

struct SocFields {  // 0x355
  std::uint16_t soc_pct = 0;
  std::uint16_t soh_pct = 0;
  std::uint16_t soc_cpct = 0;  // 0.01 %
  bool has_high_res = false;   // DLC >= 6
  double soc_high_res_pct() const { return soc_cpct / 100.0; }
};

struct MeasurementFields {  // 0x356
  std::int16_t voltage_cv = 0;
  std::int16_t current_da = 0;  // positive = charging
  std::int16_t temp_dc = 0;
  double voltage_v() const { return voltage_cv / 100.0; }
  double current_a() const { return current_da / 10.0; }
  double temp_c() const { return temp_dc / 10.0; }
};

struct AlarmFields {  // 0x35A
  static constexpr std::size_t kItems = msg::BatteryAlarms::kItems;
  std::array<std::uint8_t, kItems> alarm_pair{};    // raw 2-bit values, msg::AlarmItem order
  std::array<std::uint8_t, kItems> warning_pair{};  // raw 2-bit values
  std::uint8_t online_pair = 0;                     // byte 7 bits 2-3: 0b10 online, 0b01 off
  // alarm if the alarm pair is active, else warning if the warning pair is, else ok if either
  // pair says OK, else unsupported; online only for 0b10.
  msg::BatteryAlarms levels() const;
};

struct RequestFlagFields {  // 0x35C
  std::uint8_t flags = 0;
  bool charge_enable() const { return (flags & 0x80U) != 0; }
  bool discharge_enable() const { return (flags & 0x40U) != 0; }
};

struct TextFields {             // 0x35E, 0x370, 0x371, 0x374-0x377, 0x382
  std::array<char, 9> chars{};  // NUL terminated
  std::string_view view() const;
};

struct BatteryInfoFields {  // 0x35F
  std::uint16_t battery_type = 0;
  std::uint16_t firmware = 0;  // as sent MSB first: major = high byte
  std::uint16_t online_capacity_ah = 0;
  std::uint8_t firmware_major() const { return static_cast<std::uint8_t>(firmware >> 8); }
  std::uint8_t firmware_minor() const { return static_cast<std::uint8_t>(firmware & 0xFFU); }
};

struct ModuleFields {  // 0x372 (0xFFFF = counter not supported)
  std::uint16_t ok = 0;
  std::uint16_t blocking_charge = 0;
  std::uint16_t blocking_discharge = 0;
  std::uint16_t offline = 0;
};

struct CellExtremeFields {  // 0x373 (temperatures 0 or 0xFFFF = not supported)
  std::uint16_t min_cell_mv = 0;
  std::uint16_t max_cell_mv = 0;
  std::uint16_t min_temp_k = 0;
  std::uint16_t max_temp_k = 0;
  bool temps_supported() const;
  double min_temp_c() const { return min_temp_k - 273.15; }
  double max_temp_c() const { return max_temp_k - 273.15; }
};

struct EnergyFields {             // 0x378
  std::uint32_t charged_hwh = 0;  // 100 Wh
  std::uint32_t discharged_hwh = 0;
  double wh_charged() const { return charged_hwh * 100.0; }
  double wh_discharged() const { return discharged_hwh * 100.0; }
};

struct CapacityFields {  // 0x379
  std::uint16_t installed_capacity_ah = 0;
};

using FrameFields = std::variant<LimitsFields, SocFields, MeasurementFields, AlarmFields,
                                 RequestFlagFields, TextFields, BatteryInfoFields, ModuleFields,
                                 CellExtremeFields, EnergyFields, CapacityFields>;

struct DecodedFrame {
  std::uint32_t id = 0;
  FrameFields fields;
};

enum class DecodeError : std::uint8_t {
  unknown_id = 1,   // not a frame of the BMS -> GX set
  bad_dlc = 2,      // DLC above 8
  short_frame = 3,  // DLC too small for the frame's leading fields
};

const char* to_string(DecodeError e);

Result<DecodedFrame, DecodeError> decode(const CanFrame& frame);

// Field meaning of a text frame ("manufacturer", "min cell id"...), "" for other ids.
std::string_view text_frame_label(std::uint32_t id);

// Short snake_case name of an alarm item ("high_voltage").
std::string_view alarm_item_name(msg::AlarmItem item);

// One line of text: "0x356 voltage 53.10 V current -0.7 A temperature 14.0 degC".
struct FrameText {
  static constexpr std::size_t kCapacity = 383;
  std::array<char, kCapacity + 1> chars{};  // NUL terminated
  std::size_t size = 0;
  std::string_view view() const { return {chars.data(), size}; }
  const char* c_str() const { return chars.data(); }
};

FrameText describe(const CanFrame& frame);

}  // namespace tbgw::victron
