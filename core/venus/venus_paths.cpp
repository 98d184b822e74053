// The path table (venus_paths.hpp): one row per Path, in enum order (checked at compile time by
// the row count and at test time by venus_paths_test).
#include "core/venus/venus_paths.hpp"

#include <array>

namespace tbgw::venus {
namespace {

constexpr std::array<PathSpec, kPathCount> kPaths{{
    {"/Mgmt/ProcessName", "", 0, false},
    {"/Mgmt/ProcessVersion", "", 0, false},
    {"/Mgmt/Connection", "", 0, false},
    {"/DeviceInstance", "", 0, false},
    {"/ProductId", "", 0, false},
    {"/ProductName", "", 0, false},
    {"/FirmwareVersion", "", 0, false},
    {"/HardwareVersion", "", 0, false},
    {"/Connected", "", 0, false},
    {"/CustomName", "", 0, true},
    {"/Serial", "", 0, false},
    {"/Dc/0/Voltage", "V", 2, false},
    {"/Dc/0/Current", "A", 1, false},
    {"/Dc/0/Power", "W", 0, false},
    {"/Dc/0/Temperature", "C", 1, false},
    {"/Soc", "%", 1, false},
    {"/Soh", "%", 0, false},
    {"/InstalledCapacity", "Ah", 1, false},
    {"/Capacity", "Ah", 1, false},
    {"/ConsumedAmphours", "Ah", 1, false},
    {"/TimeToGo", "s", 0, false},
    {"/Info/MaxChargeVoltage", "V", 2, false},
    {"/Info/MaxChargeCurrent", "A", 1, false},
    {"/Info/MaxDischargeCurrent", "A", 1, false},
    {"/Info/BatteryLowVoltage", "V", 2, false},
    {"/Io/AllowToCharge", "", 0, false},
    {"/Io/AllowToDischarge", "", 0, false},
    {"/Io/AllowToBalance", "", 0, false},
    {"/System/MinCellVoltage", "V", 3, false},
    {"/System/MaxCellVoltage", "V", 3, false},
    {"/System/MinVoltageCellId", "", 0, false},
    {"/System/MaxVoltageCellId", "", 0, false},
    {"/System/MinCellTemperature", "C", 1, false},
    {"/System/MaxCellTemperature", "C", 1, false},
    {"/System/MinTemperatureCellId", "", 0, false},
    {"/System/MaxTemperatureCellId", "", 0, false},
    {"/System/NrOfCellsPerBattery", "", 0, false},
    {"/System/NrOfModulesOnline", "", 0, false},
    {"/System/NrOfModulesOffline", "", 0, false},
    {"/System/NrOfModulesBlockingCharge", "", 0, false},
    {"/System/NrOfModulesBlockingDischarge", "", 0, false},
    {"/Alarms/LowVoltage", "", 0, false},
    {"/Alarms/HighVoltage", "", 0, false},
    {"/Alarms/LowCellVoltage", "", 0, false},
    {"/Alarms/HighCellVoltage", "", 0, false},
    {"/Alarms/HighChargeCurrent", "", 0, false},
    {"/Alarms/HighDischargeCurrent", "", 0, false},
    {"/Alarms/LowSoc", "", 0, false},
    {"/Alarms/HighTemperature", "", 0, false},
    {"/Alarms/LowTemperature", "", 0, false},
    {"/Alarms/HighChargeTemperature", "", 0, false},
    {"/Alarms/LowChargeTemperature", "", 0, false},
    {"/Alarms/InternalFailure", "", 0, false},
    {"/Alarms/CellImbalance", "", 0, false},
    {"/Alarms/BmsCable", "", 0, false},
    {"/State", "", 0, false},
    {"/ErrorCode", "", 0, false},
    {"/Balancing", "", 0, false},
    {"/Voltages/Sum", "V", 2, false},
    {"/Voltages/Diff", "V", 3, false},
    {"/Voltages/Cell1", "V", 3, false},
    {"/Voltages/Cell2", "V", 3, false},
    {"/Voltages/Cell3", "V", 3, false},
    {"/Voltages/Cell4", "V", 3, false},
    {"/Voltages/Cell5", "V", 3, false},
    {"/Voltages/Cell6", "V", 3, false},
    {"/Voltages/Cell7", "V", 3, false},
    {"/Voltages/Cell8", "V", 3, false},
    {"/Voltages/Cell9", "V", 3, false},
    {"/Voltages/Cell10", "V", 3, false},
    {"/Voltages/Cell11", "V", 3, false},
    {"/Voltages/Cell12", "V", 3, false},
    {"/Voltages/Cell13", "V", 3, false},
    {"/Voltages/Cell14", "V", 3, false},
    {"/Voltages/Cell15", "V", 3, false},
    {"/Voltages/Cell16", "V", 3, false},
    {"/Balances/Cell1", "", 0, false},
    {"/Balances/Cell2", "", 0, false},
    {"/Balances/Cell3", "", 0, false},
    {"/Balances/Cell4", "", 0, false},
    {"/Balances/Cell5", "", 0, false},
    {"/Balances/Cell6", "", 0, false},
    {"/Balances/Cell7", "", 0, false},
    {"/Balances/Cell8", "", 0, false},
    {"/Balances/Cell9", "", 0, false},
    {"/Balances/Cell10", "", 0, false},
    {"/Balances/Cell11", "", 0, false},
    {"/Balances/Cell12", "", 0, false},
    {"/Balances/Cell13", "", 0, false},
    {"/Balances/Cell14", "", 0, false},
    {"/Balances/Cell15", "", 0, false},
    {"/Balances/Cell16", "", 0, false},
    {"/History/ChargedEnergy", "kWh", 2, false},
    {"/History/DischargedEnergy", "kWh", 2, false},
    {"/History/TotalAhDrawn", "Ah", 1, false},
}};

}  // namespace

std::span<const PathSpec> paths() {
  return kPaths;
}

const PathSpec& spec(Path p) {
  return kPaths[index(p)];
}

std::optional<Path> find_path(std::string_view path) {
  for (std::size_t i = 0; i < kPaths.size(); ++i) {
    if (kPaths[i].path == path) return static_cast<Path>(i);
  }
  return std::nullopt;
}

}  // namespace tbgw::venus
