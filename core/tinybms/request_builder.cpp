// Request builders; see request_builder.hpp for the layouts and the 0x0B convention.
#include "core/tinybms/request_builder.hpp"

namespace tbgw::tinybms {
namespace {

constexpr std::uint32_t kLastRegister = 0xFFFF;

// The checks shared by every block request, in the order callers see them reported.
tbgw::Result<void, CodecError> check_block(std::uint16_t first_reg, std::size_t count,
                                           std::size_t max_count) {
  if (count == 0) return tbgw::Err(CodecError::zero_registers);
  if (count > max_count) return tbgw::Err(CodecError::too_many_registers);
  if (first_reg + count - 1 > kLastRegister) return tbgw::Err(CodecError::address_overflow);
  return {};
}

tbgw::Result<void, CodecError> check_writable_block(std::uint16_t first_reg, std::size_t count,
                                                    std::size_t max_count) {
  if (auto r = check_block(first_reg, count, max_count); !r) return r;
  if (!is_writable_register(first_reg) || !is_writable_register(first_reg + count - 1)) {
    return tbgw::Err(CodecError::not_writable);
  }
  return {};
}

FrameBytes start(Command command) {
  FrameBytes f;
  f.append(kPreamble);
  f.append(static_cast<std::uint8_t>(command));
  return f;
}

BuildResult finish(FrameBytes f) {
  f.append_crc();
  return f;
}

}  // namespace

BuildResult build_modbus_read(std::uint16_t first_reg, std::size_t count) {
  if (auto r = check_block(first_reg, count, kMaxModbusReadRegisters); !r) {
    return tbgw::Err(r.error());
  }
  FrameBytes f = start(Command::modbus_read);
  f.append_be16(first_reg);
  f.append_be16(static_cast<std::uint16_t>(count));
  return finish(f);
}

BuildResult build_modbus_write(std::uint16_t first_reg, std::span<const std::uint16_t> values) {
  if (auto r = check_writable_block(first_reg, values.size(), kMaxModbusWriteRegisters); !r) {
    return tbgw::Err(r.error());
  }
  FrameBytes f = start(Command::modbus_write);
  f.append_be16(first_reg);
  f.append_be16(static_cast<std::uint16_t>(values.size()));
  f.append(static_cast<std::uint8_t>(values.size() * 2));
  for (std::uint16_t v : values) f.append_be16(v);
  return finish(f);
}

BuildResult build_read_block(std::uint16_t first_reg, std::size_t count) {
  if (auto r = check_block(first_reg, count, kMaxReadBlockRegisters); !r) {
    return tbgw::Err(r.error());
  }
  FrameBytes f = start(Command::read_block);
  f.append(static_cast<std::uint8_t>(count));
  f.append_le16(first_reg);
  return finish(f);
}

BuildResult build_read_individual(std::span<const std::uint16_t> addresses) {
  if (addresses.empty()) return tbgw::Err(CodecError::zero_registers);
  if (addresses.size() > kMaxReadIndividualRegisters) {
    return tbgw::Err(CodecError::too_many_registers);
  }
  FrameBytes f = start(Command::read_individual);
  f.append(static_cast<std::uint8_t>(addresses.size() * 2));
  for (std::uint16_t a : addresses) f.append_le16(a);
  return finish(f);
}

BuildResult build_write_block(std::uint16_t first_reg, std::span<const std::uint16_t> values) {
  if (auto r = check_writable_block(first_reg, values.size(), kMaxWriteBlockRegisters); !r) {
    return tbgw::Err(r.error());
  }
  FrameBytes f = start(Command::write_block);
  f.append(static_cast<std::uint8_t>(values.size() * 2));  // value bytes only
  f.append_le16(first_reg);
  for (std::uint16_t v : values) f.append_le16(v);
  return finish(f);
}

BuildResult build_write_individual(std::span<const RegisterWrite> writes) {
  if (writes.empty()) return tbgw::Err(CodecError::zero_registers);
  if (writes.size() > kMaxWriteIndividualRegisters) {
    return tbgw::Err(CodecError::too_many_registers);
  }
  for (const RegisterWrite& w : writes) {
    if (!is_writable_register(w.address)) return tbgw::Err(CodecError::not_writable);
  }
  FrameBytes f = start(Command::write_individual);
  f.append(static_cast<std::uint8_t>(writes.size() * 4));
  for (const RegisterWrite& w : writes) {
    f.append_le16(w.address);
    f.append_le16(w.value);
  }
  return finish(f);
}

BuildResult build_reset(ResetOption option) {
  switch (option) {
    case ResetOption::clear_events:
    case ResetOption::clear_statistics:
    case ResetOption::reset_bms:
      break;
    default:
      return tbgw::Err(CodecError::invalid_option);
  }
  FrameBytes f = start(Command::reset);
  f.append(static_cast<std::uint8_t>(option));
  return finish(f);
}

BuildResult build_simple(Command command) {
  if (!is_simple_command(command)) return tbgw::Err(CodecError::not_a_simple_command);
  return finish(start(command));
}

BuildResult build_settings_values(SettingsValueKind kind, std::size_t count) {
  switch (kind) {
    case SettingsValueKind::min:
    case SettingsValueKind::max:
    case SettingsValueKind::default_value:
    case SettingsValueKind::current:
      break;
    default:
      return tbgw::Err(CodecError::invalid_option);
  }
  if (count == 0) return tbgw::Err(CodecError::zero_registers);
  if (count > kMaxSettingsValues) return tbgw::Err(CodecError::too_many_registers);
  FrameBytes f = start(Command::settings_values);
  f.append(static_cast<std::uint8_t>(kind));
  f.append(0x00);
  f.append(static_cast<std::uint8_t>(count));
  return finish(f);
}

}  // namespace tbgw::tinybms
