// The schema table. One row per setting; see config_schema.hpp for the model and
// config_field.hpp for the row builders. Defaults of the poller come from tinybms::PollerConfig,
// which explains each of them, so they are written once; so do those of the charge engine
// (control::ChargeParams) and the alarm thresholds (victron::AlarmThresholds), whose headers
// justify them. to_poller_config.hpp and to_charge_params.hpp map the rows back onto the structs.
//
// Adding a key: append a field to GatewayConfig and a row here (same prefix group), then
// regenerate docs/configuration.md (`tinybms-gw config docs`). Adding a key needs no schema
// version bump; renaming or removing one does (config_migration.cpp).
#include "core/config/config_schema.hpp"

#include <array>
#include <cstdint>

#include "core/alerts/alert_thresholds.hpp"
#include "core/config/config_field.hpp"
#include "core/config/to_charge_params.hpp"
#include "core/control/charge_params.hpp"
#include "core/msg/config_changed.hpp"
#include "core/tinybms/poller_config.hpp"
#include "core/victron/alarm_evaluator.hpp"

namespace tbgw::config {

// Deliberately never defined: it is only reached in a failing constant evaluation (below).
void schema_default_is_not_a_whole_number();

namespace {

using detail::boolean;
using detail::enumeration;
using detail::from_bms;
using detail::integer;
using detail::integer_of;
using detail::real;
using detail::secret_text;
using detail::text;
using C = GatewayConfig;
constexpr auto live = Apply::live;
constexpr auto restart = Apply::restart;
constexpr tinybms::PollerConfig kPoll{};
constexpr control::ChargeParams kCharge{};
constexpr victron::AlarmThresholds kAlert{};
constexpr alerts::AlertThresholds kAlertEngine{};
constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = 86'400'000;

// Integer keys over the structs' float fields: a default that is not a whole number would be
// truncated, so it fails to compile instead.
consteval std::int64_t whole(float v) {
  const auto i = static_cast<std::int64_t>(v);
  if (static_cast<float>(i) != v) schema_default_is_not_a_whole_number();
  return i;
}

// Float keys: the decimal the default was written as (0.02F gives 0.02, not 0.0199999995), so
// the docs and the file show it as written; it narrows back to the same float.
consteval double decimal(float v) {
  const double micro = static_cast<double>(v) * 1e6;
  return static_cast<double>(static_cast<std::int64_t>(micro < 0 ? micro - 0.5 : micro + 0.5)) /
         1e6;
}

constexpr std::array<std::int64_t, 6> kBaudRates{9600, 19200, 38400, 57600, 115200, 230400};

constexpr std::array kSchema{
    // serial: the TinyBMS UART
    text<&C::serial_port>("serial.port", TextRule::absolute_path, "", restart,
                          "TinyBMS serial device (prefer /dev/serial/by-id/...); empty: none, "
                          "give --serial or --simulate"),
    integer_of<&C::serial_baud>("serial.baud", "bit/s", kBaudRates, 115200, restart,
                                "serial speed (the TinyBMS uses 115200)"),

    // poll: the TinyBMS poller (core/tinybms/poller_config.hpp)
    integer<&C::poll_live_interval_ms>("poll.live_interval_ms", "ms", 100, 60'000,
                                       kPoll.live_interval_ms, live,
                                       "a full live refresh (cells, pack, SOC, status) this often"),
    integer<&C::poll_response_timeout_ms>("poll.response_timeout_ms", "ms", 20, 5'000,
                                          kPoll.response_timeout_ms, live,
                                          "silence after a request before it counts as unanswered"),
    integer<&C::poll_max_retries>("poll.max_retries", "", 0, 10, kPoll.max_retries, live,
                                  "retries of one request before it is given up for this cycle"),
    integer<&C::poll_retry_backoff_ms>("poll.retry_backoff_ms", "ms", 0, 5'000,
                                       kPoll.retry_backoff_ms, live,
                                       "wait before the first retry; doubles with every retry"),
    integer<&C::poll_link_loss_timeout_ms>("poll.link_loss_timeout_ms", "ms", 500, 600'000,
                                           kPoll.link_loss_timeout_ms, live,
                                           "no valid reply for this long: the link is lost"),
    integer<&C::poll_lost_probe_interval_ms>("poll.lost_probe_interval_ms", "ms", 100, 60'000,
                                             kPoll.lost_probe_interval_ms, live,
                                             "while the link is lost, one probe this often"),
    integer<&C::poll_statistics_interval_ms>(
        "poll.statistics_interval_ms", "ms", 1'000, kDayMs, kPoll.statistics_interval_ms, live,
        "statistics registers (counters, extremes) this often"),
    integer<&C::poll_settings_interval_ms>("poll.settings_interval_ms", "ms", 10'000, kDayMs,
                                           kPoll.settings_interval_ms, live,
                                           "BMS settings re-read this often (also after a relink)"),
    // issue 8 (BMS events): the event memory read
    integer<&C::poll_events_interval_ms>("poll.events_interval_ms", "ms", 1'000, kDayMs,
                                         kPoll.events_interval_ms, live,
                                         "BMS event memory (registers 200-297) read this often"),
    integer<&C::poll_reserved_span_failures_before_fallback>(
        "poll.reserved_span_failures_before_fallback", "", 1, 100,
        kPoll.reserved_span_failures_before_fallback, live,
        "failures of a block read spanning reserved registers before reading around them"),

    // bms: facts about the connected TinyBMS
    boolean<&C::bms_rev_d_registers>("bms.rev_d_registers", kPoll.rev_d_registers, live,
                                     "the BMS firmware has the Rev D registers (SOH and others)"),
    boolean<&C::bms_invert_current>("bms.invert_current", false, live,
                                    "negate the BMS current (sensor mounted the other way "
                                    "round); the outputs always use positive = charging"),

    // can: the Victron CAN output. The default name is neutral: brand names make the GX apply
    // that brand's quirks to CVL/CCL (spec/victron-can-bms.md, 0x35E).
    text<&C::can_backend>("can.backend", TextRule::can_backend, "socketcan:can0", restart,
                          "socketcan:IFNAME, slcan:/dev/ttyACM0, log:FILE or log:- (stdout)"),
    text<&C::can_manufacturer_name>("can.manufacturer_name", TextRule::ascii_name, "TinyBMS", live,
                                    "0x35E manufacturer name; avoid brands the GX knows"),
    text<&C::can_battery_name>("can.battery_name", TextRule::ascii_name, "TinyBMS", live,
                               "0x370/0x371 battery name; Victron wants its first 8 characters "
                               "to match 0x35E"),
    text<&C::can_family_name>("can.family_name", TextRule::ascii_name, "", live,
                              "0x382 family name; empty: none"),
    boolean<&C::can_send_0x35c>("can.send_0x35c", false, live,
                                "also send 0x35C charge/discharge request flags "
                                "(Pylontech/SMA style; the GX does not need it)"),

    // stale: what the CAN output does when BMS data stops
    enumeration<&C::stale_policy>("stale.policy", from_control(kCharge.stale_policy), live,
                                  "stop_transmitting: go silent so the GX applies its own "
                                  "fail-safe; hold_safe: keep sending with charging blocked"),
    integer<&C::stale_timeout_ms>("stale.timeout_ms", "ms", 1'000, 60'000, kCharge.stale_timeout_ms,
                                  live, "BMS data older than this is stale and the policy applies"),
    integer<&C::stale_hold_max_ms>("stale.hold_max_ms", "ms", 0, 60 * kMinuteMs,
                                   kCharge.hold_max_ms, live,
                                   "hold_safe: stop transmitting this long after the last good "
                                   "data (only held if every cell was mid-range then)"),

    // energy: Wh counters (CAN 0x378, the UI)
    integer<&C::energy_persist_interval_s>("energy.persist_interval_s", "s", 10, 86'400, 300, live,
                                           "energy counters saved this often (and on stop); a "
                                           "power cut loses at most one interval"),

    // log
    enumeration<&C::log_level>("log.level", LogLevel::info, live, "least severe log level written"),

    // charge: the charge-control engine (core/control/charge_params.hpp). Per-cell voltages:
    // the engine multiplies by the series cell count the BMS reports. Ranges are those of
    // ChargeParams::validate(); the ordering rules are cross rules (config_validate.cpp).
    from_bms(integer<&C::charge_absorption_cell_mv>(
        "charge.absorption_cell_mv", "mV", 1'000, 4'500, whole(kCharge.absorption_cell_mv), live,
        "CVL per cell in bulk and absorption; 0 = from the BMS (fully charged - 50 mV, LiFePO4 "
        "at most 3450: 55.2 V for 16S)")),
    from_bms(integer<&C::charge_float_cell_mv>(
        "charge.float_cell_mv", "mV", 1'000, 4'500, whole(kCharge.float_cell_mv), live,
        "CVL per cell in float; 0 = from the BMS (absorption - 75 mV LiFePO4, - 100 Li-ion, "
        "- 50 LTO)")),
    integer<&C::charge_absorption_max_ms>("charge.absorption_max_ms", "ms", kMinuteMs,
                                          12 * 60 * kMinuteMs, kCharge.absorption_max_ms, live,
                                          "absorption ends after this long at the latest, so "
                                          "float always comes"),
    real<&C::charge_tail_current_c>("charge.tail_current_c", "C", 0.0, 0.5,
                                    decimal(kCharge.tail_current_c), live,
                                    "absorption ends early once the current stays at or below "
                                    "this (A per Ah of capacity; 0.02 = C/50) for 5 min"),
    integer<&C::charge_rebulk_soc_pct>("charge.rebulk_soc_pct", "%", 0, 99,
                                       whole(kCharge.rebulk_soc_pct), live,
                                       "float goes back to bulk below this SOC (for 60 s)"),
    from_bms(integer<&C::charge_rebulk_min_cell_mv>(
        "charge.rebulk_min_cell_mv", "mV", 1'000, 4'500, whole(kCharge.rebulk_min_cell_mv), live,
        "float goes back to bulk when the lowest cell is below this (for 60 s): catches a "
        "drifted SOC; 0 = from the BMS (LiFePO4 3200)")),
    from_bms(integer<&C::charge_max_cell_target_mv>(
        "charge.max_cell_target_mv", "mV", 1'000, 4'500, whole(kCharge.max_cell_target_mv), live,
        "the CVL loop keeps the highest cell at or below this; 0 = from the BMS (absorption + "
        "50 mV)")),
    integer<&C::charge_ovp_margin_mv>("charge.ovp_margin_mv", "mV", 20, 500,
                                      whole(kCharge.ovp_margin_mv), live,
                                      "the cell target and CVL stay this far below the BMS "
                                      "over-voltage cutoff (reg 315)"),
    from_bms(integer<&C::charge_cvl_floor_cell_mv>(
        "charge.cvl_floor_cell_mv", "mV", 1'000, 4'500, whole(kCharge.cvl_floor_cell_mv), live,
        "the CVL loop never asks for less per cell, so the GX never discharges the pack to "
        "reach CVL; 0 = from the BMS (LiFePO4 3300, Li-ion 3700, LTO 2300)")),
    real<&C::charge_cvl_rise_cell_mv_per_min>("charge.cvl_rise_cell_mv_per_min", "mV/min", 0.1,
                                              100.0, decimal(kCharge.cvl_rise_cell_mv_per_min),
                                              live, "CVL rises at most this fast, per cell"),
    real<&C::charge_cvl_fall_cell_mv_per_min>(
        "charge.cvl_fall_cell_mv_per_min", "mV/min", 1.0, 1'000.0,
        decimal(kCharge.cvl_fall_cell_mv_per_min), live,
        "CVL falls at most this fast per cell while every cell is below its target; at the "
        "target and for the hard limits it falls at once"),
    integer<&C::charge_limit_step_interval_ms>(
        "charge.limit_step_interval_ms", "ms", 1'000, 10 * kMinuteMs,
        kCharge.limit_step_interval_ms, live,
        "CVL, CCL and DCL rise at most once per interval, "
        "not sooner after a decrease; decreases are at once"),
    real<&C::charge_current_recovery_pct_per_min>(
        "charge.current_recovery_pct_per_min", "%/min", 1.0, 100.0,
        decimal(kCharge.current_recovery_pct_per_min), live,
        "a derated CCL or DCL climbs back this fast (% of its maximum)"),
    real<&C::charge_ccl_max_a>("charge.ccl_max_a", "A", 0.1, 2'000.0, decimal(kCharge.ccl_max_a),
                               live, "charge current limit (CCL) at most this"),
    real<&C::charge_dcl_max_a>("charge.dcl_max_a", "A", 0.1, 2'000.0, decimal(kCharge.dcl_max_a),
                               live, "discharge current limit (DCL) at most this"),
    real<&C::charge_bms_current_fraction>("charge.bms_current_fraction", "", 0.1, 1.0,
                                          decimal(kCharge.bms_current_fraction), live,
                                          "CCL and DCL at most this fraction of the BMS's own "
                                          "over-current cutoffs (reg 318, 317)"),
    integer<&C::charge_cold_charge_margin_c>("charge.cold_charge_margin_c", "degC", 0, 20,
                                             whole(kCharge.cold_charge_margin_c), live,
                                             "CCL 0 below the BMS low charge-temperature cutoff "
                                             "(reg 320) plus this"),
    integer<&C::charge_hot_charge_margin_c>("charge.hot_charge_margin_c", "degC", 0, 30,
                                            whole(kCharge.hot_charge_margin_c), live,
                                            "CCL 0 at or above the BMS over-heat cutoff (reg 319) "
                                            "minus this"),
    integer<&C::charge_discharge_min_temp_c>("charge.discharge_min_temp_c", "degC", -40, 10,
                                             whole(kCharge.discharge_min_temp_c), live,
                                             "DCL 0 below this cell temperature (the cells' "
                                             "discharge rating)"),
    from_bms(integer<&C::charge_dvl_cell_mv>(
        "charge.dvl_cell_mv", "mV", 1'000, 4'000, whole(kCharge.dvl_cell_mv), live,
        "discharge voltage limit per cell, at least 50 mV above the BMS under-voltage cutoff; 0 "
        "= from the BMS (LiFePO4 2900: 46.4 V for 16S)")),
    enumeration<&C::charge_cell_temp_source>(
        "charge.cell_temp_source", CellTempSource::automatic, live,
        "which sensors stand for the cells: auto (external sensors, else the BMS board sensor "
        "minus the margin), external (none fitted blocks charging), board"),
    integer<&C::charge_board_temp_margin_c>(
        "charge.board_temp_margin_c", "degC", 5, 30, whole(kCharge.board_temp_margin_c), live,
        "the BMS board sensor (warmed by its FETs) stands for the cells this much colder"),

    // alert: the 0x35A warning and alarm thresholds (core/victron/alarm_evaluator.hpp). Margins
    // lie inside the BMS's own cutoffs; a warning comes before its alarm (cross rules).
    integer<&C::alert_cell_high_warning_margin_mv>(
        "alert.cell_high_warning_margin_mv", "mV", 0, 500,
        whole(kAlert.cell_high_warning_margin_mv), live,
        "high-voltage warning this far below the BMS over-voltage cutoff (reg 315)"),
    integer<&C::alert_cell_high_alarm_margin_mv>(
        "alert.cell_high_alarm_margin_mv", "mV", 0, 500, whole(kAlert.cell_high_alarm_margin_mv),
        live, "high-voltage alarm this far below the over-voltage cutoff (0: at it)"),
    integer<&C::alert_cell_low_warning_margin_mv>(
        "alert.cell_low_warning_margin_mv", "mV", 0, 500, whole(kAlert.cell_low_warning_margin_mv),
        live, "low-voltage warning this far above the BMS under-voltage cutoff (reg 316)"),
    integer<&C::alert_cell_low_alarm_margin_mv>(
        "alert.cell_low_alarm_margin_mv", "mV", 0, 500, whole(kAlert.cell_low_alarm_margin_mv),
        live, "low-voltage alarm this far above the under-voltage cutoff (0: at it)"),
    integer<&C::alert_pack_high_warning_margin_cell_mv>(
        "alert.pack_high_warning_margin_cell_mv", "mV", 0, 500,
        whole(kAlert.pack_high_warning_margin_mv), live,
        "pack voltage: high warning this far per cell below series cells x reg 315"),
    integer<&C::alert_pack_high_alarm_margin_cell_mv>(
        "alert.pack_high_alarm_margin_cell_mv", "mV", 0, 500,
        whole(kAlert.pack_high_alarm_margin_mv), live,
        "pack voltage: high alarm this far per cell below series cells x reg 315"),
    integer<&C::alert_pack_low_warning_margin_cell_mv>(
        "alert.pack_low_warning_margin_cell_mv", "mV", 0, 500,
        whole(kAlert.pack_low_warning_margin_mv), live,
        "pack voltage: low warning this far per cell above series cells x reg 316"),
    integer<&C::alert_pack_low_alarm_margin_cell_mv>(
        "alert.pack_low_alarm_margin_cell_mv", "mV", 0, 500, whole(kAlert.pack_low_alarm_margin_mv),
        live, "pack voltage: low alarm this far per cell above series cells x reg 316"),
    integer<&C::alert_temp_high_warning_margin_c>(
        "alert.temp_high_warning_margin_c", "degC", 0, 30, whole(kAlert.temp_high_warning_margin_c),
        live, "high-temperature warning this far below the BMS over-heat cutoff (reg 319)"),
    integer<&C::alert_temp_high_alarm_margin_c>(
        "alert.temp_high_alarm_margin_c", "degC", 0, 30, whole(kAlert.temp_high_alarm_margin_c),
        live, "high-temperature alarm this far below the over-heat cutoff (0: at it)"),
    integer<&C::alert_temp_low_warning_c>(
        "alert.temp_low_warning_c", "degC", -40, 20, whole(kAlert.temp_low_warning_c), live,
        "low-temperature warning at or below this cell temperature"),
    integer<&C::alert_temp_low_alarm_c>("alert.temp_low_alarm_c", "degC", -40, 20,
                                        whole(kAlert.temp_low_alarm_c), live,
                                        "low-temperature alarm at or below this (LiFePO4 "
                                        "discharge limit -20)"),
    integer<&C::alert_charge_temp_high_warning_c>(
        "alert.charge_temp_high_warning_c", "degC", 0, 80, whole(kAlert.charge_temp_high_warning_c),
        live, "high charge-temperature warning at this cell temperature"),
    integer<&C::alert_charge_temp_high_alarm_c>(
        "alert.charge_temp_high_alarm_c", "degC", 0, 80, whole(kAlert.charge_temp_high_alarm_c),
        live, "high charge-temperature alarm at this, while charging"),
    integer<&C::alert_charge_temp_low_warning_margin_c>(
        "alert.charge_temp_low_warning_margin_c", "degC", 0, 20,
        whole(kAlert.charge_temp_low_warning_margin_c), live,
        "low charge-temperature warning this far above the BMS charge cutoff (reg 320)"),
    integer<&C::alert_charge_temp_low_alarm_margin_c>(
        "alert.charge_temp_low_alarm_margin_c", "degC", 0, 20,
        whole(kAlert.charge_temp_low_alarm_margin_c), live,
        "low charge-temperature alarm this far above reg 320 (0: at it), while charging"),
    integer<&C::alert_current_warning_pct>("alert.current_warning_pct", "%", 10, 100,
                                           whole(kAlert.current_warning_pct), live,
                                           "over-current warning at this % of the BMS "
                                           "over-current cutoffs (reg 318 charge, 317 discharge)"),
    integer<&C::alert_current_alarm_pct>("alert.current_alarm_pct", "%", 10, 100,
                                         whole(kAlert.current_alarm_pct), live,
                                         "over-current alarm at this % of the BMS cutoffs"),
    integer<&C::alert_imbalance_warning_mv>("alert.imbalance_warning_mv", "mV", 10, 1'000,
                                            whole(kAlert.imbalance_warning_mv), live,
                                            "cell imbalance warning at this spread (max - min)"),
    integer<&C::alert_imbalance_alarm_mv>("alert.imbalance_alarm_mv", "mV", 10, 1'000,
                                          whole(kAlert.imbalance_alarm_mv), live,
                                          "cell imbalance alarm at this spread"),
    // alert engine additions (core/alerts/alert_thresholds.hpp): the minimum durations of every
    // battery and SOC rule, and the SOC low rule.
    integer<&C::alert_raise_delay_ms>("alert.raise_delay_ms", "ms", 0, kMinuteMs,
                                      kAlert.raise_delay_ms, live,
                                      "a warning or alarm rises only after its condition held "
                                      "this long (0: at once, as the BMS trips)"),
    integer<&C::alert_clear_delay_ms>("alert.clear_delay_ms", "ms", 0, 10 * kMinuteMs,
                                      kAlert.clear_delay_ms, live,
                                      "a warning or alarm clears only after its value stayed "
                                      "back inside the hysteresis band this long"),
    integer<&C::alert_soc_low_warning_pct>("alert.soc_low_warning_pct", "%", 0, 100,
                                           whole(kAlertEngine.soc_low_warning_pct), live,
                                           "SOC low warning at or below this"),
    integer<&C::alert_soc_low_alarm_pct>("alert.soc_low_alarm_pct", "%", 0, 100,
                                         whole(kAlertEngine.soc_low_alarm_pct), live,
                                         "SOC low alarm at or below this"),

    // http: the HTTP/WebSocket API (docs/api.md). Locked by default: every route needs a login
    // or an API token unless a *_without_login key says otherwise.
    text<&C::http_listen>("http.listen", TextRule::listen_address, "127.0.0.1:8080", restart,
                          "ADDR:PORT the API and web UI listen on (0.0.0.0:80: every interface); "
                          "empty: no HTTP server"),
    text<&C::http_tls_cert>("http.tls_cert", TextRule::pem_path, "", restart,
                            "PEM certificate chain; with http.tls_key the server speaks HTTPS only "
                            "(`tinybms-gw tls selfsigned` makes a pair)"),
    text<&C::http_tls_key>("http.tls_key", TextRule::pem_path, "", restart,
                           "PEM private key of http.tls_cert"),
    boolean<&C::http_read_without_login>("http.read_without_login", false, live,
                                         "let anyone on the network read status (a kiosk "
                                         "screen); changes still need a login"),
    boolean<&C::http_metrics_without_login>("http.metrics_without_login", false, live,
                                            "serve /metrics without a login (a Prometheus "
                                            "scraper on a trusted network)"),
    integer<&C::http_session_idle_timeout_s>("http.session_idle_timeout_s", "s", 60, 30 * 86'400,
                                             86'400, live,
                                             "a login session expires after this long unused"),
    integer<&C::http_max_connections>("http.max_connections", "", 1, 1'024, 64, restart,
                                      "open HTTP/WebSocket connections at most (a quarter kept "
                                      "for logged-in clients, half at most WebSockets); an idle "
                                      "one gives way to a new one, else they wait in the "
                                      "kernel's backlog"),
    integer<&C::http_max_connections_per_address>(
        "http.max_connections_per_address", "", 1, 1'024, 16, restart,
        "open connections from one client address at most; a new one closes that address's "
        "longest-idle connection"),

    // mqtt: the MQTT client (docs/mqtt.md)
    text<&C::mqtt_url>("mqtt.url", TextRule::mqtt_url, "", restart,
                       "mqtt://host[:port] or mqtts://host[:port] (TLS); empty: no MQTT"),
    text<&C::mqtt_username>("mqtt.username", TextRule::text, "", restart,
                            "broker user name; empty: anonymous"),
    secret_text<&C::mqtt_password>("mqtt.password", "", restart,
                                   "broker password (never logged; the API shows it masked)"),
    text<&C::mqtt_device_id>("mqtt.device_id", TextRule::topic_level, "", restart,
                             "topic level and Home Assistant id of this battery; empty: "
                             "tinybms_<BMS serial number>"),
    text<&C::mqtt_base_topic>(
        "mqtt.base_topic", TextRule::topic_level, "tinybms-gw", restart,
        "first topic level: state is under BASE/DEVICE_ID/... (empty: DEVICE_ID/...)"),
    text<&C::mqtt_ca_file>("mqtt.ca_file", TextRule::pem_path, "", restart,
                           "mqtts: PEM CA certificates the broker must chain to; empty: the "
                           "system store"),
    text<&C::mqtt_cert_file>("mqtt.cert_file", TextRule::pem_path, "", restart,
                             "mqtts: client certificate (PEM), with mqtt.key_file"),
    text<&C::mqtt_key_file>("mqtt.key_file", TextRule::pem_path, "", restart,
                            "mqtts: client private key (PEM)"),
    boolean<&C::mqtt_tls_insecure>("mqtt.tls_insecure", false, restart,
                                   "mqtts: do not check the broker's host name against its "
                                   "certificate (the chain is still checked)"),
    integer<&C::mqtt_keepalive_s>("mqtt.keepalive_s", "s", 5, 3'600, 30, restart,
                                  "MQTT keep-alive: a dead broker is noticed within 1.5 times "
                                  "this"),
    boolean<&C::mqtt_discovery_enabled>("mqtt.discovery_enabled", true, live,
                                        "publish Home Assistant discovery configs"),
    text<&C::mqtt_discovery_prefix>("mqtt.discovery_prefix", TextRule::topic_level, "homeassistant",
                                    live,
                                    "Home Assistant's discovery prefix (empty: discovery off)"),
    text<&C::mqtt_configuration_url>("mqtt.configuration_url", TextRule::text, "", live,
                                     "link from the Home Assistant device page to the web UI; "
                                     "empty: from http.listen"),
    integer<&C::mqtt_min_interval_ms>("mqtt.min_interval_ms", "ms", 0, 3'600'000, 1'000, live,
                                      "a value is published at most this often"),
    integer<&C::mqtt_full_refresh_s>("mqtt.full_refresh_s", "s", 10, 86'400, 300, live,
                                     "every value is re-published this often, changed or not"),
    real<&C::mqtt_deadband_voltage_v>("mqtt.deadband_voltage_v", "V", 0.0, 10.0, 0.05, live,
                                      "pack voltage changes smaller than this are not published"),
    integer<&C::mqtt_deadband_cell_mv>("mqtt.deadband_cell_mv", "mV", 0, 1'000, 2, live,
                                       "cell voltage changes smaller than this are not published"),
    real<&C::mqtt_deadband_current_a>("mqtt.deadband_current_a", "A", 0.0, 100.0, 0.1, live,
                                      "current changes smaller than this are not published"),
    real<&C::mqtt_deadband_temp_c>("mqtt.deadband_temp_c", "degC", 0.0, 10.0, 0.2, live,
                                   "temperature changes smaller than this are not published"),
    real<&C::mqtt_deadband_soc_pct>("mqtt.deadband_soc_pct", "%", 0.0, 10.0, 0.1, live,
                                    "SOC/SOH changes smaller than this are not published"),
    boolean<&C::mqtt_commands_enabled>("mqtt.commands_enabled", false, live,
                                       "accept commands (acknowledge alerts, reset energy "
                                       "counters, re-read settings) on BASE/DEVICE_ID/cmd/#"),
    text<&C::mqtt_venus_topic>("mqtt.venus_topic", TextRule::topic, "", live,
                               "topic for the dbus-mqtt-battery JSON (Venus OS without CAN); "
                               "empty: off"),
    // venus: the native Venus OS D-Bus battery service (issue 12, docs/venus-os.md)
    boolean<&C::venus_enabled>(
        "venus.enabled", false, restart,
        "register com.victronenergy.battery.tinybms_<serial> on the D-Bus "
        "(system bus; the session bus when DBUS_SESSION_BUS_ADDRESS is set)"),
    integer<&C::venus_device_instance>("venus.device_instance", "", 0, 999, 512, restart,
                                       "preferred VRM device instance; localsettings assigns the "
                                       "next free one when another device holds it"),
    integer<&C::venus_product_id>("venus.product_id", "", 0, 65'535, 0xFFFF, restart,
                                  "/ProductId (0xFFFF: no Victron product); DVCC quirk ids and "
                                  "0xBA77 are refused at start"),
    boolean<&C::venus_stale_hand_back>("venus.stale_hand_back", false, live,
                                       "stale BMS data: invalidate /Info/* so DVCC hands control "
                                       "back to the chargers, instead of CCL = DCL = 0 (default)"),
    integer<&C::venus_limit_rise_interval_s>("venus.limit_rise_interval_s", "s", 1, 600, 30, live,
                                             "a higher /Info current or voltage limit is published "
                                             "at most this often (cuts apply at once)"),
    boolean<&C::venus_not_same_gx_as_can>("venus.not_same_gx_as_can", false, restart,
                                          "acknowledge that the CAN-BMS output (socketcan/slcan) "
                                          "feeds another GX; without it --dbus with a real CAN "
                                          "output is refused (two BMSs on one GX)"),
};

static_assert(kSchema.size() <= kMaxConfigKeys);
static_assert(kSchema.size() <= msg::ConfigChanged::kMaxKeys, "ConfigChanged has a bit per key");

constexpr bool keys_unique_and_short() {
  for (std::size_t i = 0; i < kSchema.size(); ++i) {
    if (kSchema[i].key.size() > kMaxKeyLength || kSchema[i].description.empty()) return false;
    for (std::size_t j = i + 1; j < kSchema.size(); ++j) {
      if (kSchema[i].key == kSchema[j].key) return false;
    }
  }
  return true;
}
static_assert(keys_unique_and_short(), "schema keys must be unique, short and described");

}  // namespace

std::span<const ConfigKey> schema() {
  return kSchema;
}

const ConfigKey* find_key(std::string_view key) {
  for (const auto& k : kSchema) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

std::size_t key_index(const ConfigKey& key) {
  return static_cast<std::size_t>(&key - kSchema.data());
}

GatewayConfig::GatewayConfig() {
  for (const auto& k : kSchema) k.set(*this, k.default_value);
}

GatewayConfig defaults() {
  return GatewayConfig{};
}

}  // namespace tbgw::config
