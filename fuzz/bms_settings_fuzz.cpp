// The bodies of PATCH /api/bms/settings and POST /api/bms/settings/import, the way the routes
// read them: parse_object_body(), parse_writes() (app/api/bms_settings_body.hpp), then the
// rules between registers (check_settings_consistency). What passes all of them is sent to the
// BMS, so the checks here compare it with an independent reading of the spec: the simulator's
// SettingsTable (sim/settings_table.hpp), written from the spec tables apart from core/tinybms.
//
// Input: byte 0 picks the bank (bit 0: the settings were read, from a simulated BMS of the
// chemistry (byte 0 >> 1) % 3; else nothing was read yet) and the route (bit 7: import, whose
// body is {"format":..., "settings": {...}}); the rest is the body.
// Properties:
//   - every write is a settings register the catalogue accepts with the bank's current value;
//   - a body without errors whose result is consistent is one the simulated BMS takes whole
//     (registers whose range the document does not give are left out: see below).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

#include "app/api/bms_settings_body.hpp"
#include "app/api/router_impl.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/tinybms/settings_consistency.hpp"
#include "fuzz/fuzz_check.hpp"
#include "sim/settings_table.hpp"

namespace {

using namespace tbgw;

constexpr std::uint16_t kFirst = 300;
constexpr std::uint16_t kLast = 343;
constexpr std::uint16_t kPulsesLow = 312;

void check_writes(const app::api::ParsedWrites& parsed, const tinybms::RegisterBank& bank) {
  const auto& w = parsed.writes;
  for (std::size_t i = 0; i < w.size(); ++i) {
    TBGW_FUZZ_CHECK(w[i].address >= kFirst && w[i].address <= kLast);
    if (w[i].address == kPulsesLow) {  // the 32-bit setting: low word, then high word
      TBGW_FUZZ_CHECK(i + 1 < w.size() && w[i + 1].address == kPulsesLow + 1);
      const std::uint32_t v = (static_cast<std::uint32_t>(w[i + 1].value) << 16) | w[i].value;
      TBGW_FUZZ_CHECK(tinybms::validate_setting_write_u32(kPulsesLow, v).ok());
      ++i;
      continue;
    }
    TBGW_FUZZ_CHECK(
        tinybms::validate_setting_write(w[i].address, w[i].value, bank.get(w[i].address)).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool settings_read = (data[0] & 1U) != 0;
  const bool import = (data[0] & 0x80U) != 0;
  sim::SettingsDefaults defaults;
  defaults.chemistry = static_cast<sim::Chemistry>(((data[0] >> 1) & 0x3FU) % 3);
  sim::SettingsTable bms(defaults);
  tinybms::RegisterBank bank;
  if (settings_read) {
    for (std::uint16_t a = kFirst; a <= kLast; ++a) bank.store(a, bms.read(a), 0);
  }

  app::api::ApiRequest request;
  request.content_type = "application/json";
  request.body = std::string_view(reinterpret_cast<const char*>(data + 1), size - 1);
  nlohmann::json body;
  if (app::api::parse_object_body(request, body)) return 0;
  const nlohmann::json* settings = &body;
  if (import) {
    const auto it = body.find("settings");
    if (it == body.end() || !it->is_object()) return 0;  // 422 bad_profile
    settings = &*it;
  } else if (body.empty()) {
    return 0;  // 422 empty
  }
  const app::api::ParsedWrites parsed = app::api::parse_writes(*settings, bank, import);
  check_writes(parsed, bank);
  if (!parsed.errors.empty() || parsed.writes.empty()) return 0;
  if (!tinybms::check_settings_consistency(bank, parsed.writes).ok()) return 0;

  // Where the document gives no range (RangeKind::undocumented, e.g. 305) the catalogue lets
  // the BMS judge, and the simulator assumes one: those registers are not compared.
  std::vector<tinybms::RegisterWrite> documented;
  for (const auto& w : parsed.writes) {
    const tinybms::RegisterInfo* info = tinybms::find_register(w.address);
    if (info == nullptr || info->range_kind != tinybms::RangeKind::undocumented) {
      documented.push_back(w);
    }
  }
  sim::WriteEffects effects;
  const auto refused = bms.apply(documented, effects);
  if (refused) {
    std::fprintf(stderr, "the simulated BMS refuses register %u (reason %d)\n", refused->address,
                 static_cast<int>(refused->reason));
  }
  TBGW_FUZZ_CHECK(!refused);
  return 0;
}
