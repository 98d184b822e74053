// The bodies of PATCH /api/bms/settings and POST /api/bms/settings/import, turned into TinyBMS
// register writes. Values are engineering values in the unit the listing shows (mV, A, 0.01 Ah
// steps given as Ah...), or {"raw": N} for the raw word. Every name is validated by the register
// catalogue (a writable setting, range, listed codes); every bad entry is collected in
// `errors`, and the route refuses the whole body when there is one. The rules between
// registers (check_settings_consistency) are the route's next step. Shared by
// bms_settings_routes.cpp and fuzz/bms_settings_fuzz.cpp.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/register_bank.hpp"
#include "core/tinybms/registers.hpp"

namespace tbgw::app::api {

struct ParsedWrites {
  std::vector<tinybms::RegisterWrite> writes;               // two words for the 32-bit setting
  std::vector<std::pair<std::string, std::string>> errors;  // name, sentence naming it
  nlohmann::json changes = nlohmann::json::array();         // name, old, new (dry-run diff, log)
};

// Every entry of `settings` (a JSON object: name -> value) against the catalogue and the
// values last read into `bank` (a low-byte register needs its current word). With
// `skip_unchanged` (import), an entry equal to what the bank holds writes nothing.
ParsedWrites parse_writes(const nlohmann::json& settings, const tinybms::RegisterBank& bank,
                          bool skip_unchanged);

// The raw value last read (both words for the 32-bit setting); nullopt when not read.
std::optional<std::uint32_t> current_raw(const tinybms::RegisterBank& bank,
                                         const tinybms::RegisterInfo& info);
// The engineering value of a raw word (or the 32-bit value).
double value_of(const tinybms::RegisterInfo& info, std::uint32_t raw);
// Two independent byte fields in one word: bodies and profiles carry the whole word as raw.
bool is_pair(const tinybms::RegisterInfo& info);

}  // namespace tbgw::app::api
