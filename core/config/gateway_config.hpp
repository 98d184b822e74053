// GatewayConfig: every setting of the gateway as one flat value, grouped by key prefix.
//
// Theory of operation. Each field is one row of the schema table (config_schema.cpp), whose
// dotted key is the field name with the first '_' turned into a '.'
// (poll_live_interval_ms <-> "poll.live_interval_ms"). The table owns the type, unit, range,
// default and description; this struct only holds the values. A default-constructed
// GatewayConfig holds the schema's defaults (the constructor applies them from the table), so
// no invalid configuration can be created by accident. Change values through
// config::apply_settings() (config_validate.hpp), which validates first and changes nothing on
// error; direct field writes are for tests and for code that validates afterwards with
// config::validate().
//
// Bounds: strings are FixedString<N> (at most N bytes, inline), so the struct is trivially
// copyable and never allocates; enumerations are stored as enums whose value is the index of
// their name in the enum_names() list.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/config/fixed_string.hpp"
#include "core/util/time.hpp"

namespace tbgw::config {

// What the CAN output does when BMS data is older than stale.timeout_ms.
enum class StalePolicy : std::uint8_t {
  stop_transmitting = 0,  // send nothing: the GX applies its own fail-safe after 3 s
  hold_safe = 1,          // keep sending with charging blocked (CCL 0), for a bounded time
};
inline constexpr std::array<std::string_view, 2> kStalePolicyNames{"stop_transmitting",
                                                                   "hold_safe"};
constexpr std::span<const std::string_view> enum_names(StalePolicy) {
  return kStalePolicyNames;
}

// Which sensors stand for the cells' temperature (control::CellTempSource).
enum class CellTempSource : std::uint8_t { automatic = 0, external = 1, board = 2 };
inline constexpr std::array<std::string_view, 3> kCellTempSourceNames{"auto", "external", "board"};
constexpr std::span<const std::string_view> enum_names(CellTempSource) {
  return kCellTempSourceNames;
}

// spdlog's level names, in its order.
enum class LogLevel : std::uint8_t { trace, debug, info, warn, error, critical, off };
inline constexpr std::array<std::string_view, 7> kLogLevelNames{"trace", "debug",    "info", "warn",
                                                                "error", "critical", "off"};
constexpr std::span<const std::string_view> enum_names(LogLevel) {
  return kLogLevelNames;
}

struct GatewayConfig {
  GatewayConfig();  // the schema's defaults (config_schema.cpp)

  // serial: the TinyBMS UART
  FixedString<255> serial_port;  // empty: none configured
  std::int32_t serial_baud{};    // bit/s

  // poll: the TinyBMS poller (tinybms::PollerConfig explains each default)
  Millis poll_live_interval_ms{};
  Millis poll_response_timeout_ms{};
  std::int32_t poll_max_retries{};
  Millis poll_retry_backoff_ms{};
  Millis poll_link_loss_timeout_ms{};
  Millis poll_lost_probe_interval_ms{};
  Millis poll_statistics_interval_ms{};
  Millis poll_settings_interval_ms{};
  Millis poll_events_interval_ms{};  // issue 8 (BMS events)
  std::int32_t poll_reserved_span_failures_before_fallback{};

  // bms: facts about the connected TinyBMS
  bool bms_rev_d_registers{};
  bool bms_invert_current{};  // negate the BMS current before anyone sees it

  // can: the Victron CAN output
  FixedString<255> can_backend;          // "socketcan:can0", "slcan:/dev/ttyACM0", "log:-", ...
  FixedString<8> can_manufacturer_name;  // 0x35E: 8 ASCII bytes
  FixedString<16> can_battery_name;      // 0x370 + 0x371: 16 ASCII bytes
  FixedString<8> can_family_name;        // 0x382: 8 ASCII bytes
  bool can_send_0x35c{};

  // stale: what the CAN output does when BMS data stops
  StalePolicy stale_policy{};
  Millis stale_timeout_ms{};
  Millis stale_hold_max_ms{};  // hold_safe: how long at most

  // energy: Wh counters
  std::int32_t energy_persist_interval_s{};

  // log
  LogLevel log_level{};

  // charge: the charge-control engine (control::ChargeParams, to_charge_params.hpp). Voltages
  // are per cell. Whole mV, degC and % are integers; rates, currents and ratios are doubles
  // (narrowed to ChargeParams' floats by to_charge_params()).
  std::int32_t charge_absorption_cell_mv{};
  std::int32_t charge_float_cell_mv{};
  Millis charge_absorption_max_ms{};
  double charge_tail_current_c{};
  std::int32_t charge_rebulk_soc_pct{};
  std::int32_t charge_rebulk_min_cell_mv{};
  std::int32_t charge_max_cell_target_mv{};
  std::int32_t charge_ovp_margin_mv{};
  std::int32_t charge_cvl_floor_cell_mv{};
  double charge_cvl_rise_cell_mv_per_min{};
  double charge_cvl_fall_cell_mv_per_min{};
  Millis charge_limit_step_interval_ms{};
  double charge_current_recovery_pct_per_min{};
  double charge_ccl_max_a{};
  double charge_dcl_max_a{};
  double charge_bms_current_fraction{};
  std::int32_t charge_cold_charge_margin_c{};
  std::int32_t charge_hot_charge_margin_c{};
  std::int32_t charge_discharge_min_temp_c{};
  std::int32_t charge_dvl_cell_mv{};
  CellTempSource charge_cell_temp_source{};
  std::int32_t charge_board_temp_margin_c{};

  // alert: the 0x35A warning/alarm thresholds (victron::AlarmThresholds, to_charge_params.hpp).
  std::int32_t alert_cell_high_warning_margin_mv{};
  std::int32_t alert_cell_high_alarm_margin_mv{};
  std::int32_t alert_cell_low_warning_margin_mv{};
  std::int32_t alert_cell_low_alarm_margin_mv{};
  std::int32_t alert_pack_high_warning_margin_cell_mv{};
  std::int32_t alert_pack_high_alarm_margin_cell_mv{};
  std::int32_t alert_pack_low_warning_margin_cell_mv{};
  std::int32_t alert_pack_low_alarm_margin_cell_mv{};
  std::int32_t alert_temp_high_warning_margin_c{};
  std::int32_t alert_temp_high_alarm_margin_c{};
  std::int32_t alert_temp_low_warning_c{};
  std::int32_t alert_temp_low_alarm_c{};
  std::int32_t alert_charge_temp_high_warning_c{};
  std::int32_t alert_charge_temp_high_alarm_c{};
  std::int32_t alert_charge_temp_low_warning_margin_c{};
  std::int32_t alert_charge_temp_low_alarm_margin_c{};
  std::int32_t alert_current_warning_pct{};
  std::int32_t alert_current_alarm_pct{};
  std::int32_t alert_imbalance_warning_mv{};
  std::int32_t alert_imbalance_alarm_mv{};
  // alert engine additions (core/alerts/alert_thresholds.hpp, to_alert_thresholds.hpp).
  Millis alert_raise_delay_ms{};
  Millis alert_clear_delay_ms{};
  std::int32_t alert_soc_low_warning_pct{};
  std::int32_t alert_soc_low_alarm_pct{};

  // http: the HTTP/WebSocket API and the web UI (issue 10)
  FixedString<63> http_listen;     // "ADDR:PORT"; empty: no HTTP server
  FixedString<255> http_tls_cert;  // PEM certificate chain; with http_tls_key: HTTPS
  FixedString<255> http_tls_key;   // PEM private key
  bool http_read_without_login{};
  bool http_metrics_without_login{};
  std::int32_t http_session_idle_timeout_s{};
  std::int32_t http_max_connections{};
  std::int32_t http_max_connections_per_address{};

  // mqtt: the MQTT client, Home Assistant discovery, the Venus OS JSON (issue 9)
  FixedString<255> mqtt_url;  // mqtt://host[:port] or mqtts://host[:port]; empty: no MQTT
  FixedString<63> mqtt_username;
  FixedString<127> mqtt_password;  // secret: never logged, masked by the API
  FixedString<63> mqtt_device_id;  // empty: from the BMS serial number
  FixedString<63> mqtt_base_topic;
  FixedString<255> mqtt_ca_file;  // empty: the system store (mqtts)
  FixedString<255> mqtt_cert_file;
  FixedString<255> mqtt_key_file;
  bool mqtt_tls_insecure{};  // skip hostname verification (never the default)
  std::int32_t mqtt_keepalive_s{};
  bool mqtt_discovery_enabled{};
  FixedString<63> mqtt_discovery_prefix;
  FixedString<255> mqtt_configuration_url;  // HA's link to the web UI; empty: from http.listen
  Millis mqtt_min_interval_ms{};
  std::int32_t mqtt_full_refresh_s{};
  double mqtt_deadband_voltage_v{};
  std::int32_t mqtt_deadband_cell_mv{};
  double mqtt_deadband_current_a{};
  double mqtt_deadband_temp_c{};
  double mqtt_deadband_soc_pct{};
  bool mqtt_commands_enabled{};
  FixedString<127> mqtt_venus_topic;  // empty: no dbus-mqtt-battery JSON

  // venus: the native Venus OS D-Bus battery service (issue 12)
  bool venus_enabled{};
  std::int32_t venus_device_instance{};  // preferred; localsettings may assign another
  std::int32_t venus_product_id{};
  bool venus_stale_hand_back{};  // stale: invalidate /Info/* instead of CCL = DCL = 0
  std::int32_t venus_limit_rise_interval_s{};
  bool venus_not_same_gx_as_can{};  // the CAN-BMS output feeds another GX

  friend bool operator==(const GatewayConfig&, const GatewayConfig&) = default;
};

// Copied into ConfigChanged messages and compared by diff(): a plain value.
static_assert(std::is_trivially_copyable_v<GatewayConfig>);

// The schema's defaults (the same as GatewayConfig{}).
GatewayConfig defaults();

}  // namespace tbgw::config
