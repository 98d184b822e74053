// EventLog: the simulated BMS's event memory (registers 200-297, commands 0x11 and 0x12).
//
// 49 entries of (24-bit timestamp from the BMS lifetime counter in seconds, 8-bit event id),
// kept as a circular buffer in write order: entry k of the registers is slot k of the ring, so
// after 49 events the oldest slot is overwritten and a reader sorts by timestamp, as it would
// with a real unit (whose slot order is not documented). Empty slots read as 0.
//
// "Newest events" (0x11) is taken to mean the events logged since the previous 0x11 request
// (the document does not say); 0x12 returns every stored event, oldest first.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tbgw::sim {

// Event ids from the spec's event list (the subset the model raises, plus system started).
namespace event {
inline constexpr std::uint8_t kUnderVoltageCutoff = 0x02;
inline constexpr std::uint8_t kOverVoltageCutoff = 0x03;
inline constexpr std::uint8_t kOverTemperatureCutoff = 0x04;
inline constexpr std::uint8_t kDischargeOverCurrent = 0x05;
inline constexpr std::uint8_t kChargeOverCurrent = 0x06;
inline constexpr std::uint8_t kRegenOverCurrent = 0x07;
inline constexpr std::uint8_t kFullyDischargedCutoff = 0x31;
inline constexpr std::uint8_t kLowTempChargeCutoff = 0x37;
inline constexpr std::uint8_t kSystemStarted = 0x61;
inline constexpr std::uint8_t kChargingStarted = 0x62;
inline constexpr std::uint8_t kChargingDone = 0x63;
inline constexpr std::uint8_t kChargerConnected = 0x64;
inline constexpr std::uint8_t kChargerDisconnected = 0x65;
inline constexpr std::uint8_t kRecoveredOverTemperature = 0x73;
inline constexpr std::uint8_t kRecoveredLowTempWarning = 0x74;
inline constexpr std::uint8_t kRecoveredChargeOverCurrent = 0x76;
inline constexpr std::uint8_t kRecoveredDischargeOverCurrent = 0x77;
inline constexpr std::uint8_t kRecoveredRegenOverCurrent = 0x78;
inline constexpr std::uint8_t kRecoveredOverVoltage = 0x79;
inline constexpr std::uint8_t kRecoveredFullyDischarged = 0x7A;
inline constexpr std::uint8_t kRecoveredUnderVoltage = 0x7B;
}  // namespace event

struct BmsEvent {
  std::uint32_t timestamp_s = 0;  // lifetime counter, 24 bits kept
  std::uint8_t id = 0;
  friend constexpr bool operator==(const BmsEvent&, const BmsEvent&) = default;
};

class EventLog {
 public:
  static constexpr std::size_t kCapacity = 49;
  static constexpr std::uint32_t kTimestampMask = 0xFFFFFF;

  void add(std::uint8_t id, std::uint32_t lifetime_s);
  void clear();

  std::size_t size() const { return count_; }
  // Ring slot `k` (0-48), as registers 200+2k / 201+2k show it; empty slots are {0, 0}.
  BmsEvent slot(std::size_t k) const { return k < kCapacity ? slots_[k] : BmsEvent{}; }
  // The i-th stored event, oldest first (i < size()).
  BmsEvent chronological(std::size_t i) const;

  // Events logged since the previous call (oldest first, at most kCapacity); advances the
  // "already reported" mark. Returns how many were written to `out`.
  std::size_t take_newest(std::array<BmsEvent, kCapacity>& out);

  // Total events ever added (for tests and stats; not reset by clear()).
  std::uint64_t total_added() const { return total_added_; }

 private:
  std::array<BmsEvent, kCapacity> slots_{};
  std::size_t next_ = 0;   // slot the next event goes to
  std::size_t count_ = 0;  // stored events (<= kCapacity)
  std::size_t unreported_ = 0;
  std::uint64_t total_added_ = 0;
};

}  // namespace tbgw::sim
