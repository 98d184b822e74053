// MQTT command messages (app/mqtt/command.hpp): BASE/DEVICE_ID/cmd/<name> with a JSON payload,
// from anyone who may publish on the broker.
//
// Input: the command name, a NUL, then the payload (no NUL: the whole input is the payload of
// "ack_alert"). Properties: a command is parsed only from one of the three names and a payload
// within kMaxCommandPayload; ack_alert names a real alert (its key reads back) or "all";
// reset_energy needs {"confirm":true}; the result document is always valid JSON.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/mqtt/command.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace tbgw;
using namespace tbgw::app::mqtt;
using nlohmann::json;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view name = nul == std::string_view::npos ? "ack_alert" : input.substr(0, nul);
  const std::string_view payload = nul == std::string_view::npos ? input : input.substr(nul + 1);

  const CommandParse parsed = parse_command(name, payload);
  const std::string result = command_result_json(parsed.command.has_value(), parsed.error);
  TBGW_FUZZ_CHECK(json::accept(result));
  if (!parsed.command) {
    TBGW_FUZZ_CHECK(!parsed.error.empty());
    return 0;
  }
  TBGW_FUZZ_CHECK(payload.size() <= kMaxCommandPayload);
  const json j = payload.empty() ? json::object() : json::parse(payload);
  TBGW_FUZZ_CHECK(j.is_object());
  switch (parsed.command->kind) {
    case CommandKind::ack_alert:
      TBGW_FUZZ_CHECK(name == "ack_alert" && j.size() == 1);
      TBGW_FUZZ_CHECK(j["id"] == std::string(msg::key(parsed.command->alert)));
      break;
    case CommandKind::ack_all_alerts:
      TBGW_FUZZ_CHECK(name == "ack_alert" && j.size() == 1 && j["id"] == "all");
      break;
    case CommandKind::reset_energy:
      TBGW_FUZZ_CHECK(name == "reset_energy" && j.size() == 1 && j["confirm"] == true);
      break;
    case CommandKind::reread_settings:
      TBGW_FUZZ_CHECK(name == "reread_settings" && j.empty());
      break;
  }
  return 0;
}
