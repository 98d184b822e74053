// DbusFace (dbus_face.hpp): connection, instance claim, registration and the publish cycle.
#include "app/dbus/dbus_face.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <string>

#include "app/dbus/busitem_service.hpp"
#include "app/dbus/dbus_connection.hpp"
#include "app/version.hpp"
#include "core/venus/venus_identity.hpp"
#include "core/venus/venus_mapper.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::app::dbus {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using venus::Path;
using venus::VenusValue;

constexpr const char* kSettingsService = "com.victronenergy.settings";
constexpr auto kCallTimeout = 5s;

enum class Phase { connecting, waiting, claiming, registering, running, refused, stopped };

const char* to_string(Phase p) {
  switch (p) {
    case Phase::connecting:
      return "connecting";
    case Phase::waiting:
      return "waiting for com.victronenergy.settings and the BMS";
    case Phase::claiming:
      return "claiming the device instance";
    case Phase::registering:
      return "registering the bus name";
    case Phase::running:
      return "running";
    case Phase::refused:
      return "refused";
    case Phase::stopped:
      return "stopped";
  }
  return "?";
}

Message method(const char* dest, const char* path, const char* iface, const char* member) {
  return Message(dbus_message_new_method_call(dest, path, iface, member));
}

bool is_error(DBusMessage* r) {
  return r == nullptr || dbus_message_get_type(r) == DBUS_MESSAGE_TYPE_ERROR;
}

// One {"path": s, "default": v} entry of AddSettings' aa{sv}.
void append_setting(DBusMessageIter* arr, const std::string& path, const std::string& def) {
  DBusMessageIter dict;
  dbus_message_iter_open_container(arr, DBUS_TYPE_ARRAY, "{sv}", &dict);
  for (const auto& [key, value] : {std::pair{"path", path}, std::pair{"default", def}}) {
    DBusMessageIter entry;
    DBusMessageIter var;
    const char* k = key;
    const char* v = value.c_str();
    dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, nullptr, &entry);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &k);
    dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, "s", &var);
    dbus_message_iter_append_basic(&var, DBUS_TYPE_STRING, &v);
    dbus_message_iter_close_container(&entry, &var);
    dbus_message_iter_close_container(&dict, &entry);
  }
  dbus_message_iter_close_container(arr, &dict);
}

// AddSettings' reply aa{sv}: the string "value" of the entry whose "path" is `path`.
std::string setting_value(DBusMessage* reply, const std::string& path) {
  DBusMessageIter it;
  if (!dbus_message_iter_init(reply, &it) ||
      dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY) {
    return {};
  }
  DBusMessageIter arr;
  dbus_message_iter_recurse(&it, &arr);
  for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_ARRAY; dbus_message_iter_next(&arr)) {
    DBusMessageIter dict;
    dbus_message_iter_recurse(&arr, &dict);
    std::string p;
    std::string v;
    for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
         dbus_message_iter_next(&dict)) {
      DBusMessageIter entry;
      dbus_message_iter_recurse(&dict, &entry);
      const char* key = nullptr;
      dbus_message_iter_get_basic(&entry, &key);
      dbus_message_iter_next(&entry);
      DBusMessageIter var;
      dbus_message_iter_recurse(&entry, &var);
      if (dbus_message_iter_get_arg_type(&var) != DBUS_TYPE_STRING) continue;
      const char* s = nullptr;
      dbus_message_iter_get_basic(&var, &s);
      if (std::string_view(key) == "path") p = s;
      if (std::string_view(key) == "value") v = s;
    }
    if (p == path) return v;
  }
  return {};
}

class DbusFace final : public Face {
 public:
  DbusFace(asio::io_context& io, GatewayServices& services)
      : io_(io), services_(services), conn_(io), items_(conn_, table_), retry_(io), tick_(io) {
    items_.set_write_handler([this](Path p, const VenusValue& v) { return on_write(p, v); });
    conn_.set_object_handler([this](DBusMessage* m) { return items_.handle(m); });
    reporter_ = services_.face_reporters().add("dbus", [this] { return report(); });
  }

  void start() {
    arm_tick();
    connect();
  }

  void stop() override {
    if (phase_ == Phase::stopped) return;
    phase_ = Phase::stopped;
    retry_.cancel();
    tick_.cancel();
    // Closing the connection makes the bus release the name: consumers see it vanish.
    conn_.close();
    spdlog::info("dbus: stopped");
  }

 private:
  // --- sequence

  void connect() {
    if (phase_ == Phase::stopped || phase_ == Phase::refused) return;
    phase_ = Phase::connecting;
    if (const auto opened = conn_.open([this] { on_ready(); }, [this] { on_disconnected(); });
        !opened) {
      if (!logged_connect_error_) {
        spdlog::warn("dbus: {}: {} (retrying every 2 s)", conn_.describe(),
                     platform::to_string(opened.error()));
      }
      logged_connect_error_ = true;
      retry_in(2s, [this] { connect(); });
      return;
    }
    logged_connect_error_ = false;
  }

  void on_ready() {
    spdlog::info("dbus: connected to the {}", conn_.describe());
    phase_ = Phase::waiting;
    logged_wait_ = false;
    poll_prerequisites();
  }

  void on_disconnected() {
    if (phase_ == Phase::stopped || phase_ == Phase::refused) return;
    spdlog::warn("dbus: the bus went away; reconnecting");
    ++reconnects_;
    conn_.close();
    phase_ = Phase::connecting;
    retry_in(2s, [this] { connect(); });
  }

  void poll_prerequisites() {
    if (phase_ != Phase::waiting) return;
    // The BMS's serial number (the unique id) and a first snapshot, so the one scan a consumer
    // makes at name appearance already sees a complete battery.
    const bool have_bms = services_.channels().version.latest() != nullptr &&
                          services_.channels().snapshot.latest() != nullptr;
    Message m = method("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                       "NameHasOwner");
    const char* name = kSettingsService;
    dbus_message_append_args(m.get(), DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
    conn_.call(std::move(m), kCallTimeout, [this, have_bms](DBusMessage* r) {
      dbus_bool_t owned = FALSE;
      if (!is_error(r)) {
        dbus_message_get_args(r, nullptr, DBUS_TYPE_BOOLEAN, &owned, DBUS_TYPE_INVALID);
      }
      if (phase_ != Phase::waiting) return;
      if (owned && have_bms) {
        claim_instance();
        return;
      }
      if (!logged_wait_) {
        spdlog::info("dbus: waiting for {}{}", owned ? "" : "com.victronenergy.settings",
                     have_bms ? "" : (owned ? "the BMS" : " and the BMS"));
        logged_wait_ = true;
      }
      retry_in(1s, [this] { poll_prerequisites(); });
    });
  }

  void claim_instance() {
    phase_ = Phase::claiming;
    const auto* version = services_.channels().version.latest();
    unique_ = venus::unique_id(version->serial());
    const std::string base = fmt::format("/Settings/Devices/{}/", unique_.view());
    instance_path_ = base + "ClassAndVrmInstance";
    custom_name_path_ = base + "CustomName";
    const auto& cfg = services_.config();
    Message m = method(kSettingsService, "/", "com.victronenergy.Settings", "AddSettings");
    DBusMessageIter it;
    DBusMessageIter arr;
    dbus_message_iter_init_append(m.get(), &it);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "a{sv}", &arr);
    append_setting(&arr, instance_path_,
                   std::string(venus::instance_default(cfg.venus_device_instance).view()));
    append_setting(&arr, custom_name_path_, "");
    dbus_message_iter_close_container(&it, &arr);
    conn_.call(std::move(m), kCallTimeout, [this](DBusMessage* r) {
      if (phase_ != Phase::claiming) return;
      const auto instance = is_error(r)
                                ? std::nullopt
                                : venus::parse_class_and_instance(setting_value(r, instance_path_));
      if (!instance) {
        spdlog::warn("dbus: AddSettings on com.victronenergy.settings failed{}; retrying in 5 s",
                     r != nullptr && dbus_message_get_error_name(r) != nullptr
                         ? std::string(": ") + dbus_message_get_error_name(r)
                         : std::string());
        phase_ = Phase::waiting;
        retry_in(5s, [this] { poll_prerequisites(); });
        return;
      }
      instance_ = *instance;
      custom_name_ = setting_value(r, custom_name_path_);
      register_service();
    });
  }

  void register_service() {
    phase_ = Phase::registering;
    fill_identity();
    update_table();
    // Everything exists before the name does (DbusMonitor scans once, at NameOwnerChanged).
    table_.take_changed([](Path, const VenusValue&) {});
    if (!conn_.register_objects()) {
      spdlog::error("dbus: cannot register the object paths");
      return;
    }
    service_name_ = std::string(venus::service_name(unique_.view()).view());
    Message m = method("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                       "RequestName");
    const char* name = service_name_.c_str();
    const dbus_uint32_t flags = DBUS_NAME_FLAG_DO_NOT_QUEUE;
    dbus_message_append_args(m.get(), DBUS_TYPE_STRING, &name, DBUS_TYPE_UINT32, &flags,
                             DBUS_TYPE_INVALID);
    conn_.call(std::move(m), kCallTimeout, [this](DBusMessage* r) {
      if (phase_ != Phase::registering) return;
      dbus_uint32_t result = 0;
      if (!is_error(r)) {
        dbus_message_get_args(r, nullptr, DBUS_TYPE_UINT32, &result, DBUS_TYPE_INVALID);
      }
      if (result == DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER ||
          result == DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER) {
        phase_ = Phase::running;
        spdlog::info("dbus: {} registered, device instance {}", service_name_, instance_);
        return;
      }
      if (result == DBUS_REQUEST_NAME_REPLY_EXISTS) {
        refuse(
            fmt::format("{} is already owned by another process: is a second tinybms-gw "
                        "running for this BMS? This one does not publish on the D-Bus",
                        service_name_));
        return;
      }
      spdlog::warn("dbus: RequestName {} failed; retrying in 5 s", service_name_);
      retry_in(5s, [this] { register_service(); });
    });
  }

  void refuse(const std::string& why) {
    spdlog::error("dbus: {}", why);
    refused_why_ = why;
    phase_ = Phase::refused;
    retry_.cancel();
    conn_.close();
  }

  // --- values

  void fill_identity() {
    const auto* version = services_.channels().version.latest();
    const auto& cfg = services_.config();
    table_.set(Path::mgmt_process_name, VenusValue::of_text("tinybms-gw"));
    table_.set(Path::mgmt_process_version, VenusValue::of_text(kVersion));
    table_.set(Path::mgmt_connection, VenusValue::of_text("TinyBMS " + serial_path_hint()));
    table_.set(Path::device_instance, VenusValue::of_int(instance_));
    table_.set(Path::product_id, VenusValue::of_int(cfg.venus_product_id));
    table_.set(Path::product_name, VenusValue::of_text("TinyBMS"));
    table_.set(Path::connected, VenusValue::of_int(1));
    table_.set(Path::custom_name, VenusValue::of_text(custom_name_));
    if (version != nullptr) {
      table_.set(Path::firmware_version, VenusValue::of_text(fmt::format(
                                             "{}.{}", version->fw_public, version->fw_internal)));
      table_.set(Path::hardware_version, VenusValue::of_text(fmt::format(
                                             "{}.{}", version->hw_version, version->hw_changes)));
      table_.set(Path::serial, VenusValue::of_text(version->serial()));
    }
  }

  std::string serial_path_hint() const {
    return std::string(services_.config().serial_port.view()).empty()
               ? "serial"
               : std::string(services_.config().serial_port.view());
  }

  void update_table() {
    const Channels& ch = services_.channels();
    const auto& cfg = services_.config();
    venus::MapperOptions o;
    o.stale_timeout_ms = cfg.stale_timeout_ms;
    o.limits.hand_back_when_stale = cfg.venus_stale_hand_back;
    o.limits.rise_interval_ms = Millis{cfg.venus_limit_rise_interval_s} * 1000;
    mapper_.set_options(o);  // live keys: a reload applies at the next cycle

    venus::VenusInputs in;
    in.snapshot = ch.snapshot.latest();
    in.decision = ch.decision.latest();
    in.energy = ch.energy.latest();
    if (const auto* link = ch.link.latest()) in.link = link->status;
    if (const auto* settings = ch.settings.latest()) in.capacity_ah = settings->capacity_ah;
    for (const auto& a : services_.alerts().alerts) {
      in.alerts[static_cast<std::size_t>(a.id)] = a.severity;
    }
    mapper_.update(in, platform::now_ms(), table_);
  }

  int on_write(Path p, const VenusValue& v) {
    if (p != Path::custom_name) return 2;
    // Persisted where localsettings keeps it, so it survives restarts and firmware updates.
    Message m = method(kSettingsService, custom_name_path_.c_str(), "com.victronenergy.BusItem",
                       "SetValue");
    DBusMessageIter it;
    DBusMessageIter var;
    const std::string text(v.text());
    const char* c = text.c_str();
    dbus_message_iter_init_append(m.get(), &it);
    dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "s", &var);
    dbus_message_iter_append_basic(&var, DBUS_TYPE_STRING, &c);
    dbus_message_iter_close_container(&it, &var);
    conn_.call(std::move(m), kCallTimeout, [](DBusMessage* r) {
      if (is_error(r)) spdlog::warn("dbus: saving /CustomName in localsettings failed");
    });
    spdlog::info("dbus: /CustomName set to \"{}\"", text);
    return 0;
  }

  // --- timers

  void arm_tick() {
    tick_.expires_after(1s);
    tick_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || phase_ == Phase::stopped) return;
      if (phase_ == Phase::running) {
        update_table();
        const std::size_t n = items_.flush_changes();
        items_published_ += n;
        if (mapper_.stale() != was_stale_) {
          was_stale_ = mapper_.stale();
          if (was_stale_) {
            spdlog::warn("dbus: BMS data stale: measurements invalid, /Alarms/BmsCable = 2, {}",
                         services_.config().venus_stale_hand_back
                             ? "/Info limits invalid (control handed back)"
                             : "CCL = DCL = 0");
          } else {
            spdlog::info("dbus: BMS data fresh again");
          }
        }
      }
      arm_tick();
    });
  }

  template <class F>
  void retry_in(std::chrono::milliseconds d, F f) {
    retry_.expires_after(d);
    retry_.async_wait([this, f](const boost::system::error_code& ec) {
      if (ec || phase_ == Phase::stopped || phase_ == Phase::refused) return;
      f();
    });
  }

  FaceReport report() const {
    FaceReport r;
    r.state =
        phase_ == Phase::running
            ? fmt::format("{} on the {} (instance {})", service_name_, conn_.describe(), instance_)
            : (phase_ == Phase::refused ? "refused: " + refused_why_ : to_string(phase_));
    r.counters = {
        {"dbus_messages_sent_total", "D-Bus messages sent (signals, replies, calls)",
         static_cast<double>(conn_.messages_sent())},
        {"dbus_messages_received_total", "D-Bus messages received",
         static_cast<double>(conn_.messages_received())},
        {"dbus_signals_total", "ItemsChanged and PropertiesChanged signals sent",
         static_cast<double>(items_.signals_sent())},
        {"dbus_items_changed_total", "values sent in ItemsChanged",
         static_cast<double>(items_published_)},
        {"dbus_calls_answered_total", "BusItem calls answered",
         static_cast<double>(items_.calls_answered())},
        {"dbus_reconnects_total", "times the bus went away", static_cast<double>(reconnects_)},
    };
    return r;
  }

  asio::io_context& io_;
  GatewayServices& services_;
  venus::VenusTable table_;
  venus::VenusMapper mapper_;
  DbusConnection conn_;
  BusItemService items_;
  asio::steady_timer retry_;
  asio::steady_timer tick_;
  Phase phase_ = Phase::connecting;
  venus::Name unique_;
  std::string instance_path_;
  std::string custom_name_path_;
  std::string custom_name_;
  std::string service_name_;
  std::string refused_why_;
  std::int32_t instance_ = 0;
  bool logged_connect_error_ = false;
  bool logged_wait_ = false;
  bool was_stale_ = false;
  std::uint64_t items_published_ = 0;
  std::uint64_t reconnects_ = 0;
  FaceReporters::Registration reporter_;  // last: removed first
};

}  // namespace

std::unique_ptr<Face> start_dbus_face(asio::io_context& io, GatewayServices& services) {
  const auto& cfg = services.config();
  if (!cfg.venus_enabled) return nullptr;
  if (!venus::product_id_allowed(cfg.venus_product_id)) {
    spdlog::error(
        "dbus: venus.product_id 0x{:X} belongs to another product (DVCC quirks or "
        "dbus-serialbattery); the D-Bus service is not started",
        cfg.venus_product_id);
    return nullptr;
  }
  auto face = std::make_unique<DbusFace>(io, services);
  face->start();
  return face;
}

}  // namespace tbgw::app::dbus
