#include "platform/linux/energy_periods_store.hpp"

#include <nlohmann/json.hpp>
#include <system_error>

#include "platform/linux/atomic_file.hpp"

namespace tbgw::platform {

namespace {

using nlohmann::json;

json totals_json(const energy::PeriodTotals& t) {
  return {{"wh_charged", t.wh_charged},
          {"wh_discharged", t.wh_discharged},
          {"ah_charged", t.ah_charged},
          {"ah_discharged", t.ah_discharged},
          {"cycles", t.cycles}};
}

energy::PeriodTotals totals_from(const json& j) {
  energy::PeriodTotals t;
  t.wh_charged = j.at("wh_charged").get<double>();
  t.wh_discharged = j.at("wh_discharged").get<double>();
  t.ah_charged = j.at("ah_charged").get<double>();
  t.ah_discharged = j.at("ah_discharged").get<double>();
  t.cycles = j.at("cycles").get<double>();
  return t;
}

json record_json(const energy::PeriodRecord& r) {
  return {{"key", r.key}, {"totals", totals_json(r.totals)}};
}

energy::PeriodRecord record_from(const json& j) {
  return {j.at("key").get<std::int32_t>(), totals_from(j.at("totals"))};
}

}  // namespace

std::string energy_periods_to_json(const energy::EnergyPeriodsState& s) {
  json days = json::array();
  for (std::size_t i = 0; i < s.day_count; ++i) days.push_back(record_json(s.days[i]));
  json months = json::array();
  for (std::size_t i = 0; i < s.month_count; ++i) months.push_back(record_json(s.months[i]));
  json j = {{"version", 1},
            {"started", s.started},
            {"has_anchor", s.has_anchor},
            {"last_totals",
             {{"wh_charged", s.last_totals.wh_charged},
              {"wh_discharged", s.last_totals.wh_discharged},
              {"ah_charged", s.last_totals.ah_charged},
              {"ah_discharged", s.last_totals.ah_discharged}}},
            {"day", record_json(s.day)},
            {"month", record_json(s.month)},
            {"lifetime", totals_json(s.lifetime)},
            {"unplaced", totals_json(s.unplaced)},
            {"days", days},
            {"months", months}};
  return j.dump(2) + "\n";
}

Result<energy::EnergyPeriodsState, EnergyError> energy_periods_from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    if (const int version = j.at("version").get<int>(); version != 1) {
      return make_error(EnergyErrc::unsupported_version, 0, std::to_string(version));
    }
    energy::EnergyPeriodsState s;
    s.started = j.at("started").get<bool>();
    s.has_anchor = j.at("has_anchor").get<bool>();
    const json& lt = j.at("last_totals");
    s.last_totals.wh_charged = lt.at("wh_charged").get<double>();
    s.last_totals.wh_discharged = lt.at("wh_discharged").get<double>();
    s.last_totals.ah_charged = lt.at("ah_charged").get<double>();
    s.last_totals.ah_discharged = lt.at("ah_discharged").get<double>();
    s.day = record_from(j.at("day"));
    s.month = record_from(j.at("month"));
    s.lifetime = totals_from(j.at("lifetime"));
    s.unplaced = totals_from(j.at("unplaced"));
    const json& days = j.at("days");
    const json& months = j.at("months");
    if (days.size() > s.days.size() || months.size() > s.months.size()) {
      return make_error(EnergyErrc::too_many_periods);
    }
    for (std::size_t i = 0; i < days.size(); ++i) s.days[i] = record_from(days[i]);
    for (std::size_t i = 0; i < months.size(); ++i) s.months[i] = record_from(months[i]);
    s.day_count = static_cast<std::uint8_t>(days.size());
    s.month_count = static_cast<std::uint8_t>(months.size());
    return s;
  } catch (const json::exception& e) {  // parse errors, missing keys, wrong types
    return make_error(EnergyErrc::bad_json, 0, e.what());
  } catch (const std::exception& e) {
    return make_error(EnergyErrc::out_of_memory, 0, e.what());
  }
}

EnergyPeriodsStore::EnergyPeriodsStore(const std::filesystem::path& state_dir)
    : path_(state_dir / "energy-periods.json") {}

EnergyPeriodsLoad EnergyPeriodsStore::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) {
    return {std::nullopt, "no per-day energy yet in " + path_.string()};
  }
  std::string error;
  if (const auto text = read_small_file(path_); !text) {
    error = to_string(text.error());
  } else if (const auto parsed = energy_periods_from_json(*text); !parsed) {
    error = to_string(parsed.error());
  } else {
    return {*parsed, "per-day energy loaded from " + path_.string()};
  }
  auto aside = path_;
  aside += ".corrupt";
  std::filesystem::rename(path_, aside, ec);
  return {std::nullopt, path_.string() + " unreadable (" + error + "); moved to " + aside.string() +
                            ", per-day figures start empty"};
}

Result<void, EnergyError> EnergyPeriodsStore::save(const energy::EnergyPeriodsState& state) {
  if (auto w = write_file_atomically(path_, energy_periods_to_json(state)); !w) {
    return wrap_error(EnergyErrc::write_failed, w.error());
  }
  return {};
}

}  // namespace tbgw::platform
