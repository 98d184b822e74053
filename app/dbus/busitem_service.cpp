// BusItemService (busitem_service.hpp): the BusItem methods and signals over libdbus.
#include "app/dbus/busitem_service.hpp"

#include <fmt/format.h>

#include <cstring>
#include <optional>
#include <string_view>

namespace tbgw::app::dbus {

namespace {

constexpr const char* kBusItem = "com.victronenergy.BusItem";

void append_variant(DBusMessageIter* it, const venus::VenusValue& v) {
  DBusMessageIter var;
  switch (v.type) {
    case venus::ValueType::invalid: {
      // velib's None: an empty array of int32.
      DBusMessageIter arr;
      dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "ai", &var);
      dbus_message_iter_open_container(&var, DBUS_TYPE_ARRAY, "i", &arr);
      dbus_message_iter_close_container(&var, &arr);
      break;
    }
    case venus::ValueType::real: {
      const double d = v.real;
      dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "d", &var);
      dbus_message_iter_append_basic(&var, DBUS_TYPE_DOUBLE, &d);
      break;
    }
    case venus::ValueType::integer: {
      const dbus_int32_t i = v.integer;
      dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "i", &var);
      dbus_message_iter_append_basic(&var, DBUS_TYPE_INT32, &i);
      break;
    }
    case venus::ValueType::text: {
      const std::string s(v.text());
      const char* c = s.c_str();
      dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "s", &var);
      dbus_message_iter_append_basic(&var, DBUS_TYPE_STRING, &c);
      break;
    }
  }
  dbus_message_iter_close_container(it, &var);
}

void append_string_variant(DBusMessageIter* it, const std::string& s) {
  DBusMessageIter var;
  const char* c = s.c_str();
  dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, "s", &var);
  dbus_message_iter_append_basic(&var, DBUS_TYPE_STRING, &c);
  dbus_message_iter_close_container(it, &var);
}

// {"Value": v, "Text": s} as a{sv}: a path's properties in GetItems, ItemsChanged and
// PropertiesChanged.
void append_value_and_text(DBusMessageIter* it, venus::Path p, const venus::VenusValue& v) {
  DBusMessageIter props;
  dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &props);
  for (const char* key : {"Value", "Text"}) {
    DBusMessageIter kv;
    dbus_message_iter_open_container(&props, DBUS_TYPE_DICT_ENTRY, nullptr, &kv);
    dbus_message_iter_append_basic(&kv, DBUS_TYPE_STRING, &key);
    if (std::strcmp(key, "Value") == 0) {
      append_variant(&kv, v);
    } else {
      append_string_variant(&kv, text_of(p, v));
    }
    dbus_message_iter_close_container(&props, &kv);
  }
  dbus_message_iter_close_container(it, &props);
}

// path -> {"Value", "Text"}: the element of GetItems and ItemsChanged.
void append_item(DBusMessageIter* dict, venus::Path p, const venus::VenusValue& v) {
  DBusMessageIter entry;
  const std::string path(venus::spec(p).path);
  const char* c = path.c_str();
  dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, nullptr, &entry);
  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &c);
  append_value_and_text(&entry, p, v);
  dbus_message_iter_close_container(dict, &entry);
}

// The value inside a SetValue's variant, when it is of a kind we accept.
std::optional<venus::VenusValue> read_variant(DBusMessage* m) {
  DBusMessageIter it;
  if (!dbus_message_iter_init(m, &it) || dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_VARIANT) {
    return std::nullopt;
  }
  DBusMessageIter var;
  dbus_message_iter_recurse(&it, &var);
  switch (dbus_message_iter_get_arg_type(&var)) {
    case DBUS_TYPE_STRING: {
      const char* s = nullptr;
      dbus_message_iter_get_basic(&var, &s);
      return venus::VenusValue::of_text(s != nullptr ? s : "");
    }
    case DBUS_TYPE_INT32: {
      dbus_int32_t i = 0;
      dbus_message_iter_get_basic(&var, &i);
      return venus::VenusValue::of_int(i);
    }
    case DBUS_TYPE_DOUBLE: {
      double d = 0;
      dbus_message_iter_get_basic(&var, &d);
      return venus::VenusValue::of_real(d);
    }
    default:
      return std::nullopt;
  }
}

bool starts_with_node(std::string_view path, std::string_view node) {
  if (node == "/") return true;
  return path.size() > node.size() && path.substr(0, node.size()) == node &&
         path[node.size()] == '/';
}

}  // namespace

std::string text_of(venus::Path p, const venus::VenusValue& v) {
  const auto& s = venus::spec(p);
  switch (v.type) {
    case venus::ValueType::invalid:
      return "---";
    case venus::ValueType::real:
      return fmt::format("{:.{}f}{}", v.real, s.decimals, s.unit);
    case venus::ValueType::integer:
      if (p == venus::Path::product_id) return fmt::format("0x{:X}", v.integer);
      return fmt::format("{}{}", v.integer, s.unit);
    case venus::ValueType::text:
      return std::string(v.text());
  }
  return "---";
}

BusItemService::BusItemService(DbusConnection& conn, venus::VenusTable& table)
    : conn_(conn), table_(table) {
  children_["/"];
  for (const auto& s : venus::paths()) {
    // Every prefix is a node; each knows its direct children (for Introspect).
    std::string_view path = s.path;
    std::string parent = "/";
    std::size_t start = 1;
    while (true) {
      const std::size_t slash = path.find('/', start);
      const std::string name(path.substr(
          start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
      children_[parent].insert(name);
      if (slash == std::string_view::npos) break;
      parent = std::string(path.substr(0, slash));
      children_[parent];
      start = slash + 1;
    }
  }
}

bool BusItemService::handle(DBusMessage* m) {
  if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL) return false;
  const char* path_c = dbus_message_get_path(m);
  const char* member_c = dbus_message_get_member(m);
  if (path_c == nullptr || member_c == nullptr) return false;
  const std::string path(path_c);
  const std::string_view member(member_c);
  const char* iface = dbus_message_get_interface(m);
  const auto leaf = venus::find_path(path);
  const bool node = children_.contains(path) && !leaf;
  if (!leaf && !node) return false;

  if (iface != nullptr && std::strcmp(iface, DBUS_INTERFACE_INTROSPECTABLE) == 0) {
    if (member != "Introspect") return false;
    reply_introspect(m, path);
    return true;
  }
  if (iface != nullptr && std::strcmp(iface, kBusItem) != 0) return false;
  ++calls_;
  if (member == "GetValue") {
    reply_value(m, path, false);
  } else if (member == "GetText") {
    reply_value(m, path, true);
  } else if (member == "GetItems" && path == "/") {
    reply_items(m);
  } else if (member == "SetValue" && leaf) {
    reply_set_value(m, *leaf);
  } else if (member == "GetDescription" && leaf) {
    reply_string(m, std::string(venus::spec(*leaf).path));
  } else if (member == "SetValue") {
    reply_int(m, 1);  // a node is not writeable
  } else {
    --calls_;
    return false;
  }
  return true;
}

void BusItemService::reply_value(DBusMessage* m, const std::string& path, bool text) {
  Message r(dbus_message_new_method_return(m));
  DBusMessageIter it;
  dbus_message_iter_init_append(r.get(), &it);
  if (const auto leaf = venus::find_path(path)) {
    if (text) {
      const std::string t = text_of(*leaf, table_.get(*leaf));
      const char* c = t.c_str();
      dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &c);
    } else {
      append_variant(&it, table_.get(*leaf));
    }
  } else {
    // A node: the sub-tree keyed by the path relative to the node, inside a variant.
    const std::size_t cut = path == "/" ? 1 : path.size() + 1;
    DBusMessageIter var;
    DBusMessageIter dict;
    dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, text ? "a{ss}" : "a{sv}", &var);
    dbus_message_iter_open_container(&var, DBUS_TYPE_ARRAY, text ? "{ss}" : "{sv}", &dict);
    for (std::size_t i = 0; i < venus::kPathCount; ++i) {
      const auto p = static_cast<venus::Path>(i);
      const std::string_view full = venus::spec(p).path;
      if (!starts_with_node(full, path)) continue;
      const std::string key(full.substr(cut));
      const char* k = key.c_str();
      DBusMessageIter entry;
      dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, nullptr, &entry);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &k);
      if (text) {
        const std::string t = text_of(p, table_.get(p));
        const char* c = t.c_str();
        dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &c);
      } else {
        append_variant(&entry, table_.get(p));
      }
      dbus_message_iter_close_container(&dict, &entry);
    }
    dbus_message_iter_close_container(&var, &dict);
    dbus_message_iter_close_container(&it, &var);
  }
  conn_.send(std::move(r));
}

void BusItemService::reply_items(DBusMessage* m) {
  Message r(dbus_message_new_method_return(m));
  DBusMessageIter it;
  DBusMessageIter dict;
  dbus_message_iter_init_append(r.get(), &it);
  dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sa{sv}}", &dict);
  for (std::size_t i = 0; i < venus::kPathCount; ++i) {
    const auto p = static_cast<venus::Path>(i);
    append_item(&dict, p, table_.get(p));
  }
  dbus_message_iter_close_container(&it, &dict);
  conn_.send(std::move(r));
}

std::size_t BusItemService::flush_changes() {
  const std::size_t n = table_.changed_count();
  if (n == 0) return 0;
  Message sig(dbus_message_new_signal("/", kBusItem, "ItemsChanged"));
  DBusMessageIter it;
  DBusMessageIter dict;
  dbus_message_iter_init_append(sig.get(), &it);
  dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sa{sv}}", &dict);
  table_.take_changed([&](venus::Path p, const venus::VenusValue& v) { append_item(&dict, p, v); });
  dbus_message_iter_close_container(&it, &dict);
  conn_.send(std::move(sig));
  ++signals_;
  return n;
}

void BusItemService::reply_set_value(DBusMessage* m, venus::Path p) {
  const auto v = read_variant(m);
  // Only text paths are writable today (/CustomName): any other type is refused with 1.
  if (!venus::spec(p).writable || !v || v->type != table_.get(p).type) {
    reply_int(m, 1);
    return;
  }
  if (*v == table_.get(p)) {
    reply_int(m, 0);
    return;
  }
  const int result = on_write_ ? on_write_(p, *v) : 2;
  reply_int(m, result);
  if (result != 0) return;
  table_.set(p, *v);
  // A single write: PropertiesChanged on the leaf (velib's _local_set_value), and the value
  // also goes out with this cycle's ItemsChanged for consumers that only listen to that.
  const std::string path(venus::spec(p).path);
  Message sig(dbus_message_new_signal(path.c_str(), kBusItem, "PropertiesChanged"));
  DBusMessageIter it;
  dbus_message_iter_init_append(sig.get(), &it);
  append_value_and_text(&it, p, *v);
  conn_.send(std::move(sig));
  ++signals_;
}

void BusItemService::reply_introspect(DBusMessage* m, const std::string& path) {
  std::string xml =
      "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\" "
      "\"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n<node>\n"
      " <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
      "  <method name=\"Introspect\"><arg direction=\"out\" type=\"s\"/></method>\n"
      " </interface>\n"
      " <interface name=\"com.victronenergy.BusItem\">\n"
      "  <method name=\"GetValue\"><arg direction=\"out\" type=\"v\"/></method>\n"
      "  <method name=\"GetText\"><arg direction=\"out\" type=\"";
  const bool leaf = venus::find_path(path).has_value();
  xml += leaf ? "s" : "v";
  xml += "\"/></method>\n";
  if (leaf) {
    xml +=
        "  <method name=\"SetValue\"><arg direction=\"in\" type=\"v\"/>"
        "<arg direction=\"out\" type=\"i\"/></method>\n"
        "  <method name=\"GetDescription\"><arg direction=\"in\" type=\"s\"/>"
        "<arg direction=\"in\" type=\"i\"/><arg direction=\"out\" type=\"s\"/></method>\n"
        "  <signal name=\"PropertiesChanged\"><arg type=\"a{sv}\"/></signal>\n";
  }
  if (path == "/") {
    xml +=
        "  <method name=\"GetItems\"><arg direction=\"out\" type=\"a{sa{sv}}\"/></method>\n"
        "  <signal name=\"ItemsChanged\"><arg type=\"a{sa{sv}}\"/></signal>\n";
  }
  xml += " </interface>\n";
  if (const auto it = children_.find(path); it != children_.end()) {
    for (const auto& child : it->second) xml += " <node name=\"" + child + "\"/>\n";
  }
  xml += "</node>\n";
  reply_string(m, xml);
}

void BusItemService::reply_int(DBusMessage* m, std::int32_t v) {
  Message r(dbus_message_new_method_return(m));
  const dbus_int32_t i = v;
  dbus_message_append_args(r.get(), DBUS_TYPE_INT32, &i, DBUS_TYPE_INVALID);
  conn_.send(std::move(r));
}

void BusItemService::reply_string(DBusMessage* m, const std::string& s) {
  Message r(dbus_message_new_method_return(m));
  const char* c = s.c_str();
  dbus_message_append_args(r.get(), DBUS_TYPE_STRING, &c, DBUS_TYPE_INVALID);
  conn_.send(std::move(r));
}

}  // namespace tbgw::app::dbus
