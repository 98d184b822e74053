// AlertChanged keys and names: see alert_changed.hpp.
#include "core/msg/alert_changed.hpp"

namespace tbgw::msg {

namespace {
struct IdRow {
  std::string_view key;
  std::string_view unit;
};
// Indexed by AlertId; the keys never change once released.
constexpr std::array<IdRow, static_cast<std::size_t>(AlertId::count)> kIds{{
    {"cell_high", "mV"},
    {"pack_high", "V"},
    {"cell_low", "mV"},
    {"pack_low", "V"},
    {"temp_high", "degC"},
    {"temp_low", "degC"},
    {"charge_temp_high", "degC"},
    {"charge_temp_low", "degC"},
    {"discharge_current", "A"},
    {"charge_current", "A"},
    {"imbalance", "mV"},
    {"bms_status", ""},
    {"soc_low", "%"},
    {"bms_link_lost", "s"},
    {"can_bus_off", "s"},
    {"gx_not_seen", "s"},
    {"storage", "s"},
    {"charge_setting", "mV"},
    {"bms_event", ""},
}};
}  // namespace

std::string_view key(AlertId id) {
  const auto i = static_cast<std::size_t>(id);
  return i < kIds.size() ? kIds[i].key : std::string_view{"unknown"};
}

std::string_view unit(AlertId id) {
  const auto i = static_cast<std::size_t>(id);
  return i < kIds.size() ? kIds[i].unit : std::string_view{};
}

const char* to_string(AlertSeverity s) {
  switch (s) {
    case AlertSeverity::none:
      return "none";
    case AlertSeverity::warning:
      return "warning";
    case AlertSeverity::alarm:
      return "alarm";
  }
  return "unknown";
}

const char* to_string(AlertEdge e) {
  switch (e) {
    case AlertEdge::raised:
      return "raised";
    case AlertEdge::changed:
      return "changed";
    case AlertEdge::cleared:
      return "cleared";
    case AlertEdge::acknowledged:
      return "acknowledged";
    case AlertEdge::bms_event:
      return "bms_event";
  }
  return "unknown";
}

std::string_view message_text(const AlertChanged::Message& m) {
  std::size_t n = 0;
  while (n < m.size() && m[n] != '\0') ++n;
  return {m.data(), n};
}

}  // namespace tbgw::msg
