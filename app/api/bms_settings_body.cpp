#include "app/api/bms_settings_body.hpp"

#include <cmath>

#include "app/api/router_impl.hpp"

namespace tbgw::app::api {

std::optional<std::uint32_t> current_raw(const tinybms::RegisterBank& bank,
                                         const tinybms::RegisterInfo& info) {
  if (info.type == tinybms::RegType::u32_lo) {
    if (auto v = bank.get_u32(info.address)) return *v;
    return std::nullopt;
  }
  if (auto v = bank.get(info.address)) return *v;
  return std::nullopt;
}

double value_of(const tinybms::RegisterInfo& info, std::uint32_t raw) {
  if (info.type == tinybms::RegType::u32_lo) return static_cast<double>(raw) * info.scale;
  return tinybms::engineering_value(info, static_cast<std::uint16_t>(raw));
}

bool is_pair(const tinybms::RegisterInfo& info) {
  return info.type == tinybms::RegType::u8_pair || info.type == tinybms::RegType::i8_pair;
}

namespace {

// One entry of a body -> register words (two for the 32-bit setting).
void parse_entry(const std::string& name, const json& value, const tinybms::RegisterBank& bank,
                 bool skip_unchanged, ParsedWrites& out) {
  const tinybms::RegisterInfo* info = tinybms::find_register(std::string_view(name));
  if (info == nullptr || info->group != tinybms::RegisterGroup::settings) {
    out.errors.emplace_back(name, name + ": not a TinyBMS setting");
    return;
  }
  if (!info->writable() || info->type == tinybms::RegType::u32_hi) {
    out.errors.emplace_back(name, name + ": read-only (or written through its 32-bit name)");
    return;
  }
  std::int64_t raw = 0;
  if (value.is_object() && value.size() == 1 && value.contains("raw") &&
      value["raw"].is_number_integer()) {
    raw = value["raw"].get<std::int64_t>();
  } else if (value.is_number() && is_pair(*info)) {
    out.errors.emplace_back(name, name + ": holds two byte fields; give {\"raw\": word}");
    return;
  } else if (value.is_number()) {
    const double v = value.get<double>();
    const double r = std::round(v / info->scale);
    if (!std::isfinite(v) || std::fabs(r) > 4.3e9) {
      out.errors.emplace_back(name, name + ": number out of range");
      return;
    }
    if (std::fabs(r * info->scale - v) > info->scale * 1e-6 + 1e-9) {
      out.errors.emplace_back(name, name + ": not a multiple of the register's step " +
                                        std::to_string(info->scale) + " " +
                                        std::string(info->unit));
      return;
    }
    raw = static_cast<std::int64_t>(r);
  } else {
    out.errors.emplace_back(name, name + ": expected a number or {\"raw\": integer}, got " +
                                      std::string(value.type_name()));
    return;
  }
  const auto cur = current_raw(bank, *info);
  if (info->type == tinybms::RegType::u32_lo) {
    if (raw < 0 || raw > 0xFFFFFFFFLL) {
      out.errors.emplace_back(name, name + ": out of range");
      return;
    }
    const auto ok =
        tinybms::validate_setting_write_u32(info->address, static_cast<std::uint32_t>(raw));
    if (!ok.ok()) {
      out.errors.emplace_back(name, name + ": " + tinybms::to_string(ok.error().error) +
                                        " (allowed " + std::to_string(ok.error().range.min) + ".." +
                                        std::to_string(ok.error().range.max) + ")");
      return;
    }
    if (skip_unchanged && cur && *cur == raw) return;
    out.writes.push_back({info->address, static_cast<std::uint16_t>(raw & 0xFFFF)});
    out.writes.push_back(
        {static_cast<std::uint16_t>(info->address + 1), static_cast<std::uint16_t>(raw >> 16)});
  } else {
    const bool signed_type =
        info->type == tinybms::RegType::i16 || info->type == tinybms::RegType::i8_pair;
    if ((signed_type && (raw < -32768 || raw > 32767)) ||
        (!signed_type && (raw < 0 || raw > 65535))) {
      out.errors.emplace_back(name, name + ": out of range");
      return;
    }
    std::uint16_t word = static_cast<std::uint16_t>(raw & 0xFFFF);
    std::optional<std::uint16_t> current;
    if (cur) current = static_cast<std::uint16_t>(*cur);
    if (info->type == tinybms::RegType::u8_low) {
      if (raw > 255) {
        out.errors.emplace_back(name, name + ": out of range (one byte)");
        return;
      }
      if (!current) {
        out.errors.emplace_back(name, name + ": current value not read yet; try again");
        return;
      }
      word = tinybms::merge_low_byte(*current, static_cast<std::uint8_t>(raw));
    }
    const auto ok = tinybms::validate_setting_write(info->address, word, current);
    if (!ok.ok()) {
      const auto& e = ok.error();
      out.errors.emplace_back(name, name + ": " + tinybms::to_string(e.error) + " (allowed " +
                                        std::to_string(e.range.min * info->scale) + ".." +
                                        std::to_string(e.range.max * info->scale) + " " +
                                        std::string(info->unit) + ")");
      return;
    }
    if (skip_unchanged && current && *current == word) return;
    out.writes.push_back({info->address, word});
  }
  out.changes.push_back(
      {{"name", info->name},
       {"address", info->address},
       {"unit", info->unit},
       {"old", !cur             ? json(nullptr)
               : is_pair(*info) ? json(*cur)
                                : rounded(value_of(*info, *cur), info->scale / 10)},
       {"new", is_pair(*info)
                   ? json(raw)
                   : rounded(value_of(*info, static_cast<std::uint32_t>(raw & 0xFFFFFFFF)),
                             info->scale / 10)}});
}

}  // namespace

ParsedWrites parse_writes(const json& settings, const tinybms::RegisterBank& bank,
                          bool skip_unchanged) {
  ParsedWrites out;
  for (const auto& [name, value] : settings.items())
    parse_entry(name, value, bank, skip_unchanged, out);
  return out;
}

}  // namespace tbgw::app::api
