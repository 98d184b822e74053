// Request -> reply for every TinyBMS command; see responder.hpp.
#include "sim/responder.hpp"

#include <array>
#include <span>
#include <vector>

#include "core/tinybms/response_builder.hpp"

namespace tbgw::sim {
namespace {

using tinybms::Command;
using tinybms::NackError;

Reply nack(std::uint8_t command_raw, NackError e) {
  return {tinybms::build_nack(command_raw, e),
          e == NackError::crc_error ? Reply::Kind::nack_crc : Reply::Kind::nack_command};
}
Reply nack(Command c) {
  return nack(static_cast<std::uint8_t>(c), NackError::command_error);
}
Reply ack(Command c) {
  return {tinybms::build_ack(c), Reply::Kind::ack};
}

// A built frame, or NACK 0x00 if the builder refused (a limit the request already passed,
// so this does not happen in practice; it keeps the responder total).
Reply data_or_nack(const tinybms::BuildResult& r, Command c) {
  return r.ok() ? Reply{r.value(), Reply::Kind::data} : nack(c);
}

// Little-endian payload of a quick reply.
class Payload {
 public:
  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v & 0xFFU));
    u8(static_cast<std::uint8_t>(v >> 8));
  }
  void u24(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v & 0xFFFFU));
    u8(static_cast<std::uint8_t>((v >> 16) & 0xFFU));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v & 0xFFFFU));
    u16(static_cast<std::uint16_t>(v >> 16));
  }
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace

Responder::Responder(BatteryModel& model, const SimConfig& config)
    : model_(model),
      reserved_reads_(config.reserved_reads),
      cell_reply_all_channels_(config.cell_reply_all_channels),
      version_(version_info(config)) {}

RegisterImage Responder::image() const {
  return RegisterImage(model_.truth(), model_.settings(), model_.statistics(), model_.events(),
                       version_);
}

std::optional<std::uint16_t> Responder::register_value(std::uint16_t address) const {
  const RegisterRead r = image().read(address);
  switch (r.kind) {
    case RegisterRead::Kind::value:
      return r.value;
    case RegisterRead::Kind::reserved:
      if (reserved_reads_ == ReservedReads::zeros) return std::uint16_t{0};
      return std::nullopt;
    case RegisterRead::Kind::unmapped:
      return std::nullopt;
  }
  return std::nullopt;
}

Reply Responder::handle(const tinybms::RequestEvent& event) {
  if (event.kind == tinybms::RequestEvent::Kind::error) {
    return nack(event.command_raw, event.error == tinybms::ParseError::crc_mismatch
                                       ? NackError::crc_error
                                       : NackError::command_error);
  }
  if (!tinybms::validate_request(event.frame).ok()) return nack(event.frame.command);
  return handle_frame(event.frame);
}

Reply Responder::handle_frame(const tinybms::RequestFrame& f) {
  switch (f.command) {
    case Command::modbus_read:
    case Command::read_block:
      return read_registers(f);
    case Command::read_individual:
      return read_individual(f);
    case Command::modbus_write:
    case Command::write_block:
    case Command::write_individual:
      return write_registers(f);
    case Command::reset:
      return reset(f);
    case Command::newest_events:
    case Command::all_events:
      return events(f.command);
    case Command::settings_values:
      return settings_values(f);
    default:
      break;
  }
  if (tinybms::is_simple_command(f.command)) return quick_read(f.command);
  return nack(f.command);  // ACK/NACK as a request: the parser already refuses them
}

Reply Responder::read_registers(const tinybms::RequestFrame& f) {
  std::array<std::uint16_t, tinybms::kMaxModbusReadRegisters> words{};
  const std::size_t n = f.count();
  for (std::size_t i = 0; i < n; ++i) {
    const auto v = register_value(static_cast<std::uint16_t>(f.first_reg() + i));
    if (!v) return nack(f.command);
    words[i] = *v;
  }
  const std::span<const std::uint16_t> span(words.data(), n);
  return data_or_nack(f.command == Command::modbus_read ? tinybms::build_modbus_read_response(span)
                                                        : tinybms::build_read_block_response(span),
                      f.command);
}

Reply Responder::read_individual(const tinybms::RequestFrame& f) {
  std::array<tinybms::RegisterWrite, tinybms::kMaxReadIndividualRegisters> pairs{};
  const std::size_t n = f.count();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint16_t a = f.address(i);
    const auto v = register_value(a);
    if (!v) return nack(f.command);
    pairs[i] = {a, *v};
  }
  return data_or_nack(tinybms::build_read_individual_response({pairs.data(), n}), f.command);
}

Reply Responder::write_registers(const tinybms::RequestFrame& f) {
  std::array<tinybms::RegisterWrite, tinybms::kMaxModbusWriteRegisters> writes{};
  const std::size_t n = f.count();
  for (std::size_t i = 0; i < n; ++i) {
    writes[i] =
        f.command == Command::write_individual
            ? f.pair(i)
            : tinybms::RegisterWrite{static_cast<std::uint16_t>(f.first_reg() + i), f.value(i)};
  }
  WriteEffects effects;
  if (model_.settings().apply({writes.data(), n}, effects)) return nack(f.command);
  if (effects.set_soh_raw) model_.set_soh_pct(*effects.set_soh_raw * 0.002);
  if (effects.set_soc_raw) model_.set_soc_pct(*effects.set_soc_raw * 0.002);
  if (f.command == Command::modbus_write) {
    return {tinybms::build_modbus_write_response(f.first_reg(), static_cast<std::uint8_t>(n)),
            Reply::Kind::data};
  }
  return ack(f.command);
}

Reply Responder::reset(const tinybms::RequestFrame& f) {
  switch (static_cast<tinybms::ResetOption>(f.option())) {
    case tinybms::ResetOption::clear_events:
      model_.clear_events();
      break;
    case tinybms::ResetOption::clear_statistics:
      model_.clear_statistics();
      break;
    case tinybms::ResetOption::reset_bms:
      model_.reset_bms();
      break;
    default:
      return nack(f.command);
  }
  return ack(f.command);
}

Reply Responder::events(Command command) {
  Payload p;
  p.u32(model_.truth().bms_lifetime_s);
  EventLog& log = model_.events();
  if (command == Command::newest_events) {
    std::array<BmsEvent, EventLog::kCapacity> newest{};
    const std::size_t n = log.take_newest(newest);
    for (std::size_t i = 0; i < n; ++i) {
      p.u24(newest[i].timestamp_s);
      p.u8(newest[i].id);
    }
  } else {
    for (std::size_t i = 0; i < log.size(); ++i) {
      p.u24(log.chronological(i).timestamp_s);
      p.u8(log.chronological(i).id);
    }
  }
  return data_or_nack(tinybms::build_payload_response(command, p.bytes()), command);
}

Reply Responder::quick_read(Command command) {
  // Every quick read is the little-endian form of the same register encoding.
  const auto reg = [this](std::uint16_t a) { return image().read(a).value; };
  const auto reg32 = [&reg](std::uint16_t low) {
    return static_cast<std::uint32_t>(reg(low)) | (static_cast<std::uint32_t>(reg(low + 1)) << 16);
  };
  Payload p;
  switch (command) {
    case Command::pack_voltage:
      p.u32(reg32(36));
      break;
    case Command::pack_current:
      p.u32(reg32(38));
      break;
    case Command::max_cell_voltage:
      p.u16(reg(41));
      break;
    case Command::min_cell_voltage:
      p.u16(reg(40));
      break;
    case Command::online_status:
      p.u16(reg(50));
      break;
    case Command::lifetime_counter:
      p.u32(reg32(32));
      break;
    case Command::estimated_soc:
      p.u32(reg32(46));
      break;
    case Command::temperatures:
      p.u16(reg(48));
      p.u16(reg(42));
      p.u16(reg(43));
      break;
    case Command::cell_voltages: {
      const int first = cell_reply_all_channels_ ? 0 : 16 - model_.truth().cell_count;
      for (int r = first; r < 16; ++r) p.u16(reg(static_cast<std::uint16_t>(r)));
      break;
    }
    case Command::version:
    case Command::extended_version:
      p.u8(version_.hardware_version);
      p.u8(version_.hardware_changes);
      p.u8(version_.firmware_public);
      p.u16(version_.firmware_internal);
      if (command == Command::extended_version) {
        p.u8(version_.bootloader_version);
        p.u8(version_.register_map_version);
      }
      break;
    case Command::speed_distance_time:
      p.u32(reg32(54));
      p.u32(reg(44));
      p.u32(reg32(34));
      break;
    default:
      return nack(command);
  }
  return data_or_nack(tinybms::build_payload_response(command, p.bytes()), command);
}

Reply Responder::settings_values(const tinybms::RequestFrame& f) {
  SettingValueKind kind = SettingValueKind::current;
  switch (static_cast<tinybms::SettingsValueKind>(f.option())) {
    case tinybms::SettingsValueKind::min:
      kind = SettingValueKind::min;
      break;
    case tinybms::SettingsValueKind::max:
      kind = SettingValueKind::max;
      break;
    case tinybms::SettingsValueKind::default_value:
      kind = SettingValueKind::default_value;
      break;
    case tinybms::SettingsValueKind::current:
      kind = SettingValueKind::current;
      break;
    default:
      return nack(f.command);
  }
  Payload p;
  for (std::size_t i = 0; i < f.count(); ++i) {
    p.u16(model_.settings().value_of_kind(kind,
                                          static_cast<std::uint16_t>(kFirstSettingRegister + i)));
  }
  return data_or_nack(tinybms::build_payload_response(f.command, p.bytes()), f.command);
}

}  // namespace tbgw::sim
