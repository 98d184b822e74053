// Alert messages: see alert_message.hpp.
#include "core/alerts/alert_message.hpp"

#include <type_traits>

#include "core/control/reason_writer.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/victron/snapshot_view.hpp"

namespace tbgw::alerts {

static_assert(std::is_same_v<msg::AlertChanged::Message, msg::ChargeDecision::Reason>,
              "alert messages reuse the reason formatter");

namespace {

using Id = msg::AlertId;
using control::ReasonWriter;

void hex_byte(ReasonWriter& w, unsigned v) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  const char text[] = {'0', 'x', kDigits[(v >> 4U) & 0xFU], kDigits[v & 0xFU]};
  w.text({text, sizeof text});
}

// "cell 7" or, when the BMS gave only registers 40/41, "highest cell" / "lowest cell".
void cell_name(ReasonWriter& w, const msg::BatterySnapshot* s, bool highest) {
  if (s != nullptr) {
    const victron::CellExtremes c = victron::cell_extremes(*s);
    const std::uint8_t index = highest ? c.max_index : c.min_index;
    if (index != victron::CellExtremes::kNoCell) {
      w.text("cell ").integer(index + 1);
      return;
    }
  }
  w.text(highest ? "highest cell" : "lowest cell");
}

void sensor_name(ReasonWriter& w, const msg::BatterySnapshot* s, bool all, bool highest) {
  w.text("temperature");
  if (s == nullptr) return;
  const victron::TempExtremes t =
      all ? victron::all_temperatures(*s) : victron::cell_temperatures(*s);
  if (!t.known) return;
  w.text(" (").text(victron::sensor_id(highest ? t.max_sensor : t.min_sensor)).text(")");
}

void bms_status(ReasonWriter& w, float code, const MessageContext& ctx) {
  const msg::BatterySnapshot* s = ctx.snapshot;
  if (code >= 2.0F) {
    w.text("BMS reports a fault (status ");
    hex_byte(w, s != nullptr ? s->online_status_raw : 0x9BU);
    w.text(")");
  } else if (ctx.link == msg::LinkStatus::lost) {
    w.text("BMS link lost");
  } else if (s != nullptr && s->cell_count_mismatch) {
    w.text("BMS sees ").integer(s->detected_cells).text(" cells, settings say ");
    w.integer(s->configured_cells);
  } else {
    w.text("BMS status unknown (");
    hex_byte(w, s != nullptr ? s->online_status_raw & 0xFFU : 0U);
    w.text(")");
  }
}

Millis ms(float seconds) {
  return static_cast<Millis>(seconds * 1000.0F);
}

}  // namespace

void write_message(msg::AlertChanged::Message& out, msg::AlertId id, float value, float threshold,
                   const MessageContext& ctx) {
  ReasonWriter w(out);
  const msg::BatterySnapshot* s = ctx.snapshot;
  switch (id) {
    case Id::cell_high:
    case Id::cell_low: {
      const bool high = id == Id::cell_high;
      cell_name(w, s, high);
      w.text(" at ").cell_volts(value).text(high ? " above " : " below ").cell_volts(threshold);
      break;
    }
    case Id::pack_high:
    case Id::pack_low:
      w.text("pack at ").volts(value, 2);
      w.text(id == Id::pack_high ? " above " : " below ").volts(threshold, 2);
      break;
    case Id::temp_high:
      sensor_name(w, s, true, true);
      w.text(" at ").celsius(value).text(" above ").celsius(threshold);
      break;
    case Id::temp_low:
      sensor_name(w, s, false, false);
      w.text(" at ").celsius(value).text(" below ").celsius(threshold);
      break;
    case Id::charge_temp_high:
      w.text("cell temperature ").celsius(value).text(" above charge limit ").celsius(threshold);
      break;
    case Id::charge_temp_low:
      w.text("cell temperature ").celsius(value).text(" below charge limit ").celsius(threshold);
      break;
    case Id::discharge_current:
    case Id::charge_current:
      w.text(id == Id::charge_current ? "charge current " : "discharge current ");
      w.amps(value).text(" above ").amps(threshold);
      break;
    case Id::imbalance:
      w.text("cell spread ").number(value, 0).text(" mV above ").number(threshold, 0).text(" mV");
      break;
    case Id::bms_status:
      bms_status(w, value, ctx);
      break;
    case Id::soc_low:
      w.text("SOC ").percent(value, 1).text(" below ").percent(threshold, 0);
      break;
    case Id::bms_link_lost:
      w.text(ctx.link == msg::LinkStatus::connecting ? "BMS not answering since start for "
                                                     : "no answer from the BMS for ");
      w.duration(ms(value));
      if (ctx.loss_reason != msg::LinkLossReason::none) {
        w.text(" (").text(msg::to_string(ctx.loss_reason)).text(")");
      }
      break;
    case Id::can_bus_off:
      w.text("CAN bus down for ").duration(ms(value));
      break;
    case Id::gx_not_seen:
      w.text("no GX device seen on CAN for ").duration(ms(value));
      break;
    case Id::storage:
      w.text("storage failing for ").duration(ms(value)).text(": history not saved");
      break;
    case Id::charge_setting:
      w.text(ctx.setting).text(" ").number(value, 0).text(" mV is outside the BMS envelope: ");
      w.number(threshold, 0).text(" mV used");
      break;
    case Id::bms_event:
    case Id::count:
      w.text(msg::key(id));
      break;
  }
}

void write_bms_event_message(msg::AlertChanged::Message& out, std::uint8_t event_id,
                             std::string_view text) {
  ReasonWriter w(out);
  w.text("BMS event ");
  hex_byte(w, event_id);
  if (!text.empty()) w.text(": ").text(text);
}

}  // namespace tbgw::alerts
