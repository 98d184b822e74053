// BusItemService: Victron's com.victronenergy.BusItem interface over the Venus value table, on
// every object path of the service (spec §1, §7 item 4).
//
// Theory of operation. One fallback handler on "/" serves all paths: leaves (the table's paths)
// and tree nodes (every prefix: "/", "/Dc", "/Dc/0", ...), computed once from the path table.
//   leaf:  GetValue -> v; GetText -> s ("---" when invalid); SetValue(v) -> i (0 accepted or
//          unchanged, 1 not writeable or wrong type, 2 refused by the owner);
//          GetDescription(s, i) -> s; signal PropertiesChanged(a{sv}) after an accepted SetValue.
//   node:  GetValue/GetText -> v holding a dict keyed by the path relative to the node.
//   "/":   also GetItems -> a{sa{sv}} (absolute path -> {Value, Text}) and the signal
//          ItemsChanged(a{sa{sv}}) with the values that changed this cycle (flush_changes()).
//   any:   org.freedesktop.DBus.Introspectable.Introspect listing the child nodes (the GUI's Qt
//          layer discovers items by introspection).
// Invalid is velib's encoding: a variant holding an empty int32 array ("ai").
//
// Bounds: ~100 leaves and ~20 nodes; one message per call or per cycle; replies are built with
// one pass over the table.
#pragma once

#include <dbus/dbus.h>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "app/dbus/dbus_connection.hpp"
#include "core/venus/venus_table.hpp"

namespace tbgw::app::dbus {

class BusItemService {
 public:
  // Called for a SetValue of the right type on a writable path; returns the SetValue result
  // (0 accepted: the table is then updated and PropertiesChanged sent; 2 refused).
  using WriteHandler = std::function<int(venus::Path, const venus::VenusValue&)>;

  BusItemService(DbusConnection& conn, venus::VenusTable& table);
  void set_write_handler(WriteHandler h) { on_write_ = std::move(h); }

  // The object handler of DbusConnection; true when the message was answered.
  bool handle(DBusMessage* m);
  // One ItemsChanged with every changed value, if any changed. Returns the number of items.
  std::size_t flush_changes();

  std::uint64_t calls_answered() const { return calls_; }
  std::uint64_t signals_sent() const { return signals_; }

 private:
  void reply_value(DBusMessage* m, const std::string& path, bool text);
  void reply_items(DBusMessage* m);
  void reply_introspect(DBusMessage* m, const std::string& path);
  void reply_set_value(DBusMessage* m, venus::Path p);
  void reply_int(DBusMessage* m, std::int32_t v);
  void reply_string(DBusMessage* m, const std::string& s);

  DbusConnection& conn_;
  venus::VenusTable& table_;
  WriteHandler on_write_;
  std::map<std::string, std::set<std::string>> children_;  // node path -> child names
  std::uint64_t calls_ = 0;
  std::uint64_t signals_ = 0;
};

// GetText of a value: "---" when invalid, "0xFFFF" for /ProductId, numbers with the path's
// decimals and unit ("52.30V").
std::string text_of(venus::Path p, const venus::VenusValue& v);

}  // namespace tbgw::app::dbus
