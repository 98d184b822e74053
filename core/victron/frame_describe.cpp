// describe(): one line of text per frame, every field with its unit. Numbers are printed from
// the wire integers with integer arithmetic (no <cstdio> in the core, and no float rounding
// between what was sent and what is shown).
#include <array>
#include <cstdint>
#include <string_view>
#include <variant>

#include "core/victron/frame_decoder.hpp"

namespace tbgw::victron {

namespace {

class Writer {
 public:
  explicit Writer(FrameText& out) : out_(out) {}

  Writer& str(std::string_view s) {
    for (const char c : s) put(c);
    return *this;
  }
  Writer& uint(std::uint64_t v) {
    std::array<char, 20> digits{};
    std::size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) put(digits[--n]);
    return *this;
  }
  // raw / 10^decimals, printed exactly: fixed(-7, 1) -> "-0.7".
  Writer& fixed(std::int64_t raw, unsigned decimals) {
    std::uint64_t scale = 1;
    for (unsigned i = 0; i < decimals; ++i) scale *= 10;
    if (raw < 0) put('-');
    const std::uint64_t mag =
        raw < 0 ? static_cast<std::uint64_t>(-(raw + 1)) + 1 : static_cast<std::uint64_t>(raw);
    uint(mag / scale);
    if (decimals == 0) return *this;
    put('.');
    std::uint64_t frac = mag % scale;
    for (std::uint64_t div = scale / 10; div > 0; div /= 10) {
      put(static_cast<char>('0' + frac / div));
      frac %= div;
    }
    return *this;
  }
  Writer& hex(std::uint64_t v, unsigned digits) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    for (unsigned i = digits; i > 0; --i) put(kHex[(v >> ((i - 1) * 4)) & 0xFU]);
    return *this;
  }
  Writer& quoted(std::string_view s) {
    put('"');
    for (const char c : s) put(c >= 0x20 && c <= 0x7E ? c : '?');
    put('"');
    return *this;
  }

 private:
  void put(char c) {
    if (out_.size >= FrameText::kCapacity) return;
    out_.chars[out_.size++] = c;
    out_.chars[out_.size] = '\0';
  }
  FrameText& out_;
};

void list_items(Writer& w, const msg::BatteryAlarms& a, msg::AlarmLevel level,
                std::string_view label) {
  bool first = true;
  for (std::size_t i = 0; i < msg::BatteryAlarms::kItems; ++i) {
    if (a.level[i] != level) continue;
    w.str(first ? label : ",").str(alarm_item_name(static_cast<msg::AlarmItem>(i)));
    first = false;
  }
}

void describe_alarms(Writer& w, const AlarmFields& f) {
  const msg::BatteryAlarms a = f.levels();
  std::size_t ok = 0;
  bool problem = false;
  for (const msg::AlarmLevel l : a.level) {
    ok += l == msg::AlarmLevel::ok ? 1U : 0U;
    problem = problem || l == msg::AlarmLevel::alarm || l == msg::AlarmLevel::warning;
  }
  w.str(f.online_pair == 0b10 ? " online" : (f.online_pair == 0b01 ? " offline" : " status n/a"));
  list_items(w, a, msg::AlarmLevel::alarm, " alarm: ");
  list_items(w, a, msg::AlarmLevel::warning, " warning: ");
  if (!problem) w.str(" no alarm or warning");
  w.str(" ok: ").uint(ok).str(" items");
  list_items(w, a, msg::AlarmLevel::unsupported, " unsupported: ");
}

void fields(Writer& w, std::uint32_t, const LimitsFields& f) {
  // Voltages with two decimals: the format installers compare with their charger settings.
  w.str(" CVL ").fixed(f.cvl_dv * 10, 2).str(" V CCL ").fixed(f.ccl_da, 1);
  w.str(" A DCL ").fixed(f.dcl_da, 1).str(" A DVL ").fixed(f.dvl_dv * 10, 2).str(" V");
}

void fields(Writer& w, std::uint32_t, const SocFields& f) {
  w.str(" SOC ").uint(f.soc_pct).str(" % SOH ").uint(f.soh_pct).str(" %");
  if (f.has_high_res) w.str(" SOC ").fixed(f.soc_cpct, 2).str(" %");
}

void fields(Writer& w, std::uint32_t, const MeasurementFields& f) {
  w.str(" voltage ").fixed(f.voltage_cv, 2).str(" V current ").fixed(f.current_da, 1);
  w.str(" A temperature ").fixed(f.temp_dc, 1).str(" degC");
}

void fields(Writer& w, std::uint32_t, const AlarmFields& f) {
  describe_alarms(w, f);
}

void fields(Writer& w, std::uint32_t, const RequestFlagFields& f) {
  w.str(f.charge_enable() ? " charge enabled" : " charge disabled");
  w.str(f.discharge_enable() ? ", discharge enabled" : ", discharge disabled");
  w.str(" (0x").hex(f.flags, 2).str(")");
}

void fields(Writer& w, std::uint32_t id, const TextFields& f) {
  w.str(" ").str(text_frame_label(id)).str(" ").quoted(f.view());
}

void fields(Writer& w, std::uint32_t, const BatteryInfoFields& f) {
  w.str(" type 0x").hex(f.battery_type, 4).str(" firmware ").uint(f.firmware_major());
  w.str(".").uint(f.firmware_minor()).str(" online capacity ");
  w.uint(f.online_capacity_ah).str(" Ah");
}

void fields(Writer& w, std::uint32_t, const ModuleFields& f) {
  w.str(" modules ok ").uint(f.ok).str(" blocking charge ").uint(f.blocking_charge);
  w.str(" blocking discharge ").uint(f.blocking_discharge).str(" offline ").uint(f.offline);
}

void fields(Writer& w, std::uint32_t, const CellExtremeFields& f) {
  w.str(" cell min ").uint(f.min_cell_mv).str(" mV max ").uint(f.max_cell_mv).str(" mV");
  if (!f.temps_supported()) {
    w.str(" temperatures not supported");
    return;
  }
  const auto centi_c = [](std::uint16_t k) { return std::int64_t{k} * 100 - 27315; };
  w.str(" temp min ").uint(f.min_temp_k).str(" K (").fixed(centi_c(f.min_temp_k), 2);
  w.str(" degC) max ").uint(f.max_temp_k).str(" K (").fixed(centi_c(f.max_temp_k), 2);
  w.str(" degC)");
}

void fields(Writer& w, std::uint32_t, const EnergyFields& f) {
  w.str(" charged ").fixed(f.charged_hwh, 1).str(" kWh discharged ");
  w.fixed(f.discharged_hwh, 1).str(" kWh");
}

void fields(Writer& w, std::uint32_t, const CapacityFields& f) {
  w.str(" installed capacity ").uint(f.installed_capacity_ah).str(" Ah");
}

}  // namespace

FrameText describe(const CanFrame& frame) {
  FrameText out;
  Writer w(out);
  w.str("0x").hex(frame.id, frame.id <= 0xFFFU ? 3 : 8);
  const auto decoded = decode(frame);
  if (decoded) {
    std::visit([&](const auto& f) { fields(w, frame.id, f); }, decoded->fields);
    return out;
  }
  w.str(" ").str(to_string(decoded.error())).str(" (dlc ").uint(frame.dlc).str(")");
  const std::size_t n = frame.dlc <= 8 ? frame.dlc : 8;
  for (std::size_t i = 0; i < n; ++i) w.str(" ").hex(frame.data[i], 2);
  return out;
}

}  // namespace tbgw::victron
