// GET /api/can/frames (and the WebSocket "can" stream): the frame set the CAN output is
// transmitting, one frame per id, each with the bytes and a decode written from the protocol
// reference (../shared/spec/victron-can-bms.md §2), independently of core/victron's encoder:
// a scaling or byte-order bug there shows here as a value that disagrees with /api/status.
//
// Little-endian except the 0x35F firmware word (MSB first); 0x35A items are 2-bit pairs
// (01 active, 10 ok, 00/11 unsupported); 0x373 temperatures are kelvin. Unknown ids keep
// their bytes with an empty decode.
#include <cstdio>

#include "app/api/router_impl.hpp"

namespace tbgw::app::api {

namespace {

using Bytes = std::array<std::uint8_t, 8>;

unsigned u16(const Bytes& d, int i) {
  return static_cast<unsigned>(d[i] | (d[i + 1] << 8));
}
int s16(const Bytes& d, int i) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(u16(d, i)));
}
std::uint32_t u32(const Bytes& d, int i) {
  return static_cast<std::uint32_t>(u16(d, i)) | (static_cast<std::uint32_t>(u16(d, i + 2)) << 16);
}
std::string ascii(const Bytes& d, int dlc) {
  std::string s;
  for (int i = 0; i < dlc; ++i) {
    if (d[i] == 0) break;
    s += (d[i] >= 0x20 && d[i] < 0x7F) ? static_cast<char>(d[i]) : '?';
  }
  return s;
}
const char* pair_text(unsigned bits) {
  switch (bits & 3U) {
    case 1:
      return "active";
    case 2:
      return "ok";
    default:
      return "unsupported";
  }
}

json decode_alarms(const Bytes& d) {
  static constexpr const char* kItems[] = {"general",
                                           "high_voltage",
                                           "low_voltage",
                                           "high_temperature",
                                           "low_temperature",
                                           "high_charge_temperature",
                                           "low_charge_temperature",
                                           "high_discharge_current",
                                           "high_charge_current",
                                           "contactor",
                                           "short_circuit",
                                           "bms_internal",
                                           "cell_imbalance"};
  json alarms = json::object();
  json warnings = json::object();
  for (int i = 0; i < 13; ++i) {
    const int byte = i / 4;
    const int shift = (i % 4) * 2;
    alarms[kItems[i]] = pair_text(static_cast<unsigned>(d[byte] >> shift));
    warnings[kItems[i]] = pair_text(static_cast<unsigned>(d[byte + 4] >> shift));
  }
  const unsigned status = (d[7] >> 2) & 3U;
  return {{"alarms", std::move(alarms)},
          {"warnings", std::move(warnings)},
          {"system_online", status == 2   ? json(true)
                            : status == 1 ? json(false)
                                          : json(nullptr)}};
}

json decode(const victron::CanFrame& f) {
  const Bytes& d = f.data;
  switch (f.id) {
    case 0x351:
      return {{"name", "limits"},
              {"cvl_v", u16(d, 0) * 0.1},
              {"ccl_a", s16(d, 2) * 0.1},
              {"dcl_a", s16(d, 4) * 0.1},
              {"dvl_v", u16(d, 6) * 0.1}};
    case 0x355: {
      json j = {{"name", "soc_soh"}, {"soc_pct", u16(d, 0)}, {"soh_pct", u16(d, 2)}};
      if (f.dlc >= 6) j["soc_hires_pct"] = u16(d, 4) * 0.01;
      return j;
    }
    case 0x356:
      return {{"name", "measurements"},
              {"pack_voltage_v", s16(d, 0) * 0.01},
              {"current_a", s16(d, 2) * 0.1},
              {"temp_c", s16(d, 4) * 0.1}};
    case 0x35A: {
      json j = decode_alarms(d);
      j["name"] = "alarms";
      return j;
    }
    case 0x35C:
      return {{"name", "request_flags"},
              {"charge_enable", (d[0] & 0x80) != 0},
              {"discharge_enable", (d[0] & 0x40) != 0},
              {"force_charge_1", (d[0] & 0x20) != 0},
              {"force_charge_2", (d[0] & 0x10) != 0},
              {"full_charge_request", (d[0] & 0x08) != 0}};
    case 0x35E:
      return {{"name", "manufacturer"}, {"text", ascii(d, f.dlc)}};
    case 0x35F: {
      char fw[16];
      std::snprintf(fw, sizeof fw, "%u.%02u", static_cast<unsigned>(d[2]),
                    static_cast<unsigned>(d[3]));
      return {{"name", "battery_info"},
              {"type_id", u16(d, 0)},
              {"firmware", fw},
              {"online_capacity_ah", u16(d, 4)}};
    }
    case 0x370:
    case 0x371:
      return {{"name", f.id == 0x370 ? "battery_name_1" : "battery_name_2"},
              {"text", ascii(d, f.dlc)}};
    case 0x372: {
      const auto count = [&](int i) -> json {
        return u16(d, i) == 0xFFFF ? json(nullptr) : json(u16(d, i));
      };
      return {{"name", "module_counts"},
              {"modules_ok", count(0)},
              {"modules_blocking_charge", count(2)},
              {"modules_blocking_discharge", count(4)},
              {"modules_offline", count(6)}};
    }
    case 0x373: {
      const auto kelvin = [&](int i) -> json {
        const unsigned k = u16(d, i);
        return (k == 0 || k == 0xFFFF || f.dlc < i + 2)
                   ? json(nullptr)
                   : rounded(static_cast<double>(k) - 273.15, 0.01);
      };
      return {{"name", "cell_extremes"},
              {"min_cell_mv", u16(d, 0)},
              {"max_cell_mv", u16(d, 2)},
              {"min_temp_c", kelvin(4)},
              {"max_temp_c", kelvin(6)}};
    }
    case 0x374:
    case 0x375:
    case 0x376:
    case 0x377: {
      static constexpr const char* kNames[] = {"min_cell_id", "max_cell_id", "min_temp_id",
                                               "max_temp_id"};
      return {{"name", kNames[f.id - 0x374]}, {"text", ascii(d, f.dlc)}};
    }
    case 0x378:
      return {{"name", "energy"},
              {"charged_wh", static_cast<double>(u32(d, 0)) * 100.0},
              {"discharged_wh", static_cast<double>(u32(d, 4)) * 100.0}};
    case 0x379:
      return {{"name", "installed_capacity"}, {"installed_capacity_ah", u16(d, 0)}};
    case 0x380:
    case 0x381:
      return {{"name", f.id == 0x380 ? "serial_1" : "serial_2"}, {"text", ascii(d, f.dlc)}};
    case 0x382:
      return {{"name", "family"}, {"text", ascii(d, f.dlc)}};
    default:
      return json::object();
  }
}

}  // namespace

std::string render_can_frames(ApiRouter::Impl& impl) {
  const CanReport can = impl.services.can();
  json frames = json::array();
  for (const auto& f : can.frames) {
    char id[8];
    std::snprintf(id, sizeof id, "0x%03X", static_cast<unsigned>(f.id));
    std::string hex;
    for (int i = 0; i < f.dlc && i < 8; ++i) {
      char b[4];
      std::snprintf(b, sizeof b, i == 0 ? "%02X" : " %02X", static_cast<unsigned>(f.data[i]));
      hex += b;
    }
    frames.push_back({{"id", id}, {"dlc", f.dlc}, {"data_hex", hex}, {"decoded", decode(f)}});
  }
  return dump({{"transmitting", can.transmitting},
               {"state", can_state_json(can)},
               {"frames", std::move(frames)}});
}

}  // namespace tbgw::app::api
