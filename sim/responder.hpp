// Responder: answers one TinyBMS request the way the BMS does (frame in, frame out).
//
// Requests arrive already framed and CRC-checked by core's RequestParser; replies are built
// with core's response builders (frame level only). What the registers MEAN comes from this
// simulator's own RegisterImage and SettingsTable, written from the spec tables.
//
// Answers, per command (spec "Commands"):
//   0x03/0x07/0x09   registers from RegisterImage; any register >= 510 -> NACK 0x00; reserved
//                    registers -> 0, or NACK 0x00 under ReservedReads::nack. 0x09 answers in
//                    the documented address/value pair form.
//   0x10/0x0B/0x0D   SettingsTable::apply (atomic, range-checked); refused -> NACK 0x00 and
//                    nothing changes. 0x10 echoes address and count, 0x0B/0x0D ACK.
//   0x02             1 clear events, 2 clear statistics, 5 reset the BMS (ACK first).
//   0x11/0x12        BTSP (lifetime) + events (see event_log.hpp for "newest").
//   0x14-0x1A        the matching registers' encodings (same bytes as a register read).
//   0x1B             internal, external 1, external 2 (int16 0.1 degC, -32768 absent).
//   0x1C             all 16 channels (or only the N in use, SimConfig::cell_reply_all_channels).
//   0x1D             min/max/default/current of registers 300..300+RL-1.
//   0x1E/0x1F/0x20   version fields; speed 0, distance 0 (no speed sensor), time left.
// Errors: a bad CRC -> NACK 0x01 echoing the received command byte; an unknown command, a
// malformed length or a request outside the protocol's limits (validate_request) -> NACK 0x00.
#pragma once

#include <cstdint>
#include <optional>

#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/request_parser.hpp"
#include "sim/battery_model.hpp"
#include "sim/register_image.hpp"
#include "sim/sim_config.hpp"

namespace tbgw::sim {

struct Reply {
  tinybms::FrameBytes frame;
  enum class Kind { data, ack, nack_command, nack_crc } kind = Kind::data;
};

class Responder {
 public:
  Responder(BatteryModel& model, const SimConfig& config);

  // The reply to one parser event (requests and framing errors alike).
  Reply handle(const tinybms::RequestEvent& event);

 private:
  Reply handle_frame(const tinybms::RequestFrame& f);
  Reply read_registers(const tinybms::RequestFrame& f);
  Reply read_individual(const tinybms::RequestFrame& f);
  Reply write_registers(const tinybms::RequestFrame& f);
  Reply reset(const tinybms::RequestFrame& f);
  Reply events(tinybms::Command command);
  Reply quick_read(tinybms::Command command);
  Reply settings_values(const tinybms::RequestFrame& f);

  // One register as the client sees it; nullopt when the read must be refused.
  std::optional<std::uint16_t> register_value(std::uint16_t address) const;
  RegisterImage image() const;

  BatteryModel& model_;
  ReservedReads reserved_reads_;
  bool cell_reply_all_channels_;
  VersionInfo version_;
};

}  // namespace tbgw::sim
