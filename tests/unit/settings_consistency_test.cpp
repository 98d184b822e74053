// Settings consistency: the per-cell voltage order (316 < 301 < 303 < 300 < 315) and the
// temperature cutoffs (320 < 319) judged on the set a write would leave, with the conflicting
// pair named; real chemistries accepted; an inconsistent set repaired in one write; unknown
// current values refused, not guessed; and a randomised check against an independent oracle.
#include "core/tinybms/settings_consistency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace tbgw::tinybms;

constexpr tbgw::Millis kNow = 1000;

using Values = std::map<std::uint16_t, std::int32_t>;

RegisterBank bank_of(const Values& values) {
  RegisterBank bank;
  for (const auto& [address, value] : values) {
    EXPECT_TRUE(bank.store(address, static_cast<std::uint16_t>(value), kNow));
  }
  return bank;
}

std::vector<RegisterWrite> writes_of(const Values& values) {
  std::vector<RegisterWrite> out;
  for (const auto& [address, value] : values) {
    out.push_back({address, static_cast<std::uint16_t>(value)});
  }
  return out;
}

// 316, 301, 303, 300, 315 and the temperature cutoffs 320, 319.
Values cell_set(std::int32_t uv, std::int32_t discharged, std::int32_t balancing,
                std::int32_t charged, std::int32_t ov) {
  return {{316, uv}, {301, discharged}, {303, balancing}, {300, charged},
          {315, ov}, {320, 0},          {319, 60}};
}

const Values kLiFePO4 = cell_set(2800, 2900, 3400, 3550, 3650);
const Values kLiIon14S = cell_set(2900, 3000, 3200, 4150, 4200);  // the spec's real unit
const Values kLto = cell_set(1800, 2000, 2500, 2700, 2800);

std::string text_of(const tbgw::Result<void, SettingsConflict>& r) {
  return r.ok() ? std::string("accepted") : std::string(describe(r.error()).view());
}

TEST(SettingsConsistency, GIVEN_real_chemistries_WHEN_written_whole_or_onto_each_other_THEN_ok) {
  for (const Values* set : {&kLiFePO4, &kLiIon14S, &kLto}) {
    const auto writes = writes_of(*set);
    EXPECT_TRUE(check_settings_consistency(bank_of(*set), writes).ok())
        << text_of(check_settings_consistency(bank_of(*set), writes));
    for (const Values* from : {&kLiFePO4, &kLiIon14S, &kLto}) {
      const auto r = check_settings_consistency(bank_of(*from), writes);
      EXPECT_TRUE(r.ok()) << text_of(r);
    }
  }
}

struct PairCase {
  const char* name;
  Values current;
  Values writes;
  std::uint16_t first;
  std::uint16_t second;
  const char* sentence;
};

TEST(SettingsConsistency, GIVEN_each_pair_out_of_order_WHEN_checked_THEN_that_pair_named) {
  const PairCase cases[] = {
      {"316 not below 301",
       kLiFePO4,
       {{316, 2900}},
       316,
       301,
       "under-voltage cutoff (316) 2900 mV must be below fully discharged (301) 2900 mV"},
      {"301 not below 303",
       kLiFePO4,
       {{301, 3450}},
       301,
       303,
       "fully discharged (301) 3450 mV must be below early balancing (303) 3400 mV"},
      {"303 not below 300",
       kLiFePO4,
       {{303, 3600}},
       303,
       300,
       "early balancing (303) 3600 mV must be below fully charged (300) 3550 mV"},
      {"300 not below 315",
       kLiIon14S,
       {{300, 4300}},
       300,
       315,
       "fully charged (300) 4300 mV must be below over-voltage cutoff (315) 4200 mV"},
      {"315 lowered under 300",
       kLiIon14S,
       {{315, 4100}},
       300,
       315,
       "fully charged (300) 4150 mV must be below over-voltage cutoff (315) 4100 mV"},
      {"320 not below 319",
       kLiFePO4,
       {{320, 60}},
       320,
       319,
       "low-temperature charge cutoff (320) 60 °C must be below over-heat cutoff (319) 60 °C"},
      {"both temperatures below zero",
       kLiFePO4,
       {{320, -10}, {319, -20}},
       320,
       319,
       "low-temperature charge cutoff (320) -10 °C must be below over-heat cutoff (319) -20 °C"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto r = check_settings_consistency(bank_of(c.current), writes_of(c.writes));
    ASSERT_FALSE(r.ok());
    const SettingsConflict e = r.error();
    EXPECT_EQ(e.error, ConsistencyError::conflict);
    EXPECT_EQ(e.first.address, c.first);
    EXPECT_EQ(e.second.address, c.second);
    EXPECT_TRUE(e.first.known && e.second.known);
    EXPECT_EQ(e.relation, "must be below");
    EXPECT_EQ(describe(e).view(), c.sentence);
  }
}

TEST(SettingsConsistency, GIVEN_pair_conflict_THEN_names_rule_keys_and_which_side_was_written) {
  const auto r = check_settings_consistency(bank_of(kLiIon14S), writes_of({{300, 4300}}));
  ASSERT_FALSE(r.ok());
  const SettingsConflict e = r.error();
  EXPECT_EQ(e.rule, "cell_voltage_order");
  EXPECT_EQ(e.first.name, "fully_charged_voltage_per_cell");
  EXPECT_EQ(e.second.name, "over_voltage_cutoff_per_cell");
  EXPECT_EQ(e.first.value, 4300);
  EXPECT_EQ(e.second.value, 4200);
  EXPECT_TRUE(e.first.written);
  EXPECT_FALSE(e.second.written);
  EXPECT_EQ(e.first.unit, "mV");

  const auto t = check_settings_consistency(bank_of(kLiFePO4), writes_of({{320, 60}}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().rule, "temperature_order");
}

TEST(SettingsConsistency, GIVEN_the_incident_set_WHEN_checked_THEN_refused_before_writing) {
  // 315 = 1200, 316 = 3500, 300 = 1200, 301 = 3500 on a LiFePO4 pack: was written and verified,
  // and the BMS went to fault with five alarms.
  const auto r = check_settings_consistency(
      bank_of(kLiFePO4), writes_of({{315, 1200}, {316, 3500}, {300, 1200}, {301, 3500}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, ConsistencyError::conflict);
  EXPECT_EQ(describe(r.error()).view(),
            "under-voltage cutoff (316) 3500 mV must be below fully discharged (301) 3500 mV");
}

TEST(SettingsConsistency, GIVEN_equal_neighbours_WHEN_checked_THEN_refused_because_strict) {
  // fully charged == over-voltage cutoff
  const auto r = check_settings_consistency(bank_of(kLiFePO4), writes_of({{300, 3650}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().first.address, 300);
  EXPECT_EQ(r.error().second.address, 315);
}

TEST(SettingsConsistency, GIVEN_inconsistent_current_set_WHEN_fixed_in_one_write_THEN_ok) {
  const Values broken = cell_set(3500, 3500, 3400, 1200, 1200);
  const auto fix = writes_of({{316, 2800}, {301, 2900}, {300, 3550}, {315, 3650}});
  EXPECT_TRUE(check_settings_consistency(bank_of(broken), fix).ok());
  // Moving to a whole other chemistry in one go works the same way.
  EXPECT_TRUE(check_settings_consistency(bank_of(broken), writes_of(kLto)).ok());
}

TEST(SettingsConsistency, GIVEN_inconsistent_current_set_WHEN_fixed_only_in_part_THEN_refused) {
  const Values broken = cell_set(3500, 3500, 3400, 1200, 1200);
  const auto r = check_settings_consistency(bank_of(broken), writes_of({{315, 3650}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().first.address, 316);  // what is still wrong, lowest first
  EXPECT_EQ(r.error().second.address, 301);
}

TEST(SettingsConsistency, GIVEN_inconsistent_current_set_WHEN_unrelated_write_THEN_not_blocked) {
  const Values broken = cell_set(3500, 3500, 3400, 1200, 1200);
  EXPECT_TRUE(check_settings_consistency(bank_of(broken), writes_of({{308, 40}})).ok());
  // The temperature rule is judged alone: the broken voltages are not its business.
  EXPECT_TRUE(check_settings_consistency(bank_of(broken), writes_of({{319, 55}})).ok());
}

TEST(SettingsConsistency, GIVEN_nothing_read_WHEN_a_rule_register_is_written_THEN_refused) {
  const RegisterBank empty;
  const auto r = check_settings_consistency(empty, writes_of({{315, 3650}}));
  ASSERT_FALSE(r.ok());
  const SettingsConflict e = r.error();
  EXPECT_EQ(e.error, ConsistencyError::current_unknown);
  EXPECT_EQ(e.rule, "cell_voltage_order");
  EXPECT_EQ(e.first.address, 316);
  EXPECT_FALSE(e.first.known);
  EXPECT_EQ(e.second.address, 315);
  EXPECT_TRUE(e.second.written);
  EXPECT_EQ(describe(e).view(),
            "over-voltage cutoff (315) 3650 mV cannot be checked: under-voltage cutoff (316) has "
            "not been read from the BMS yet");

  const auto t = check_settings_consistency(empty, writes_of({{319, 60}}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().error, ConsistencyError::current_unknown);
  EXPECT_EQ(t.error().first.address, 320);
}

TEST(SettingsConsistency, GIVEN_one_rule_register_never_read_WHEN_another_written_THEN_refused) {
  Values partial = kLiFePO4;
  partial.erase(303);
  const auto r = check_settings_consistency(bank_of(partial), writes_of({{300, 3500}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, ConsistencyError::current_unknown);
  EXPECT_EQ(r.error().first.address, 303);
}

TEST(SettingsConsistency, GIVEN_nothing_read_WHEN_unrelated_or_whole_rule_written_THEN_ok) {
  const RegisterBank empty;
  EXPECT_TRUE(check_settings_consistency(empty, writes_of({{308, 40}})).ok());
  // Every value the rule needs is in the write: nothing is guessed.
  EXPECT_TRUE(check_settings_consistency(empty, writes_of(kLiFePO4)).ok());
}

TEST(SettingsConsistency, GIVEN_no_writes_WHEN_checked_THEN_ok_whatever_the_current_set) {
  EXPECT_TRUE(check_settings_consistency(RegisterBank{}, {}).ok());
  EXPECT_TRUE(check_settings_consistency(bank_of(cell_set(3500, 3500, 3400, 1200, 1200)), {}).ok());
}

TEST(SettingsConsistency, GIVEN_a_register_written_twice_THEN_the_last_value_counts) {
  const std::vector<RegisterWrite> twice{{315, 3000}, {315, 3700}};
  EXPECT_TRUE(check_settings_consistency(bank_of(kLiFePO4), twice).ok());
  const std::vector<RegisterWrite> reversed{{315, 3700}, {315, 3000}};
  EXPECT_FALSE(check_settings_consistency(bank_of(kLiFePO4), reversed).ok());
}

TEST(SettingsConsistency, GIVEN_numbers_WHEN_appended_THEN_decimal_with_sign) {
  ConflictText t;
  t.append(std::int64_t{0});
  t.append(" ");
  t.append(std::int64_t{-40});
  t.append(" ");
  t.append(std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(t.view(), "0 -40 -9223372036854775808");
  EXPECT_STREQ(to_string(ConsistencyError::conflict), "conflict");
  EXPECT_STREQ(to_string(ConsistencyError::current_unknown), "current_unknown");
}

TEST(SettingsConsistency, GIVEN_a_very_long_text_WHEN_appended_THEN_cut_never_overrun) {
  ConflictText t;
  for (int i = 0; i < 100; ++i) t.append("0123456789");
  EXPECT_EQ(t.view().size(), kMaxConflictText);
  EXPECT_EQ(std::string(t.c_str()).size(), kMaxConflictText);
}

// --- randomised: an independent oracle over random current sets and random proposed writes.

constexpr std::array<std::uint16_t, 5> kChain{316, 301, 303, 300, 315};
constexpr std::array<std::uint16_t, 2> kTemps{320, 319};
constexpr std::array<std::uint16_t, 7> kRuled{316, 301, 303, 300, 315, 320, 319};
constexpr std::array<std::uint16_t, 8> kWritable{316, 301, 303, 300, 315, 320, 319, 308};

// Documented ranges, widened a little so the checker also meets values the BMS refuses.
std::int32_t random_value(std::uint16_t address, std::mt19937& rng) {
  const bool temperature = address == 319 || address == 320;
  std::uniform_int_distribution<std::int32_t> d(temperature ? -45 : 700, temperature ? 95 : 4600);
  return d(rng);
}

// True when every pair (not only neighbours) of `order` is strictly ascending in `result`, or
// the write does not touch `order`; nullopt when touched but a value is unknown.
std::optional<bool> oracle_group(const std::map<std::uint16_t, std::optional<std::int32_t>>& result,
                                 const Values& writes, std::span<const std::uint16_t> order) {
  const bool touched = std::any_of(order.begin(), order.end(),
                                   [&](std::uint16_t a) { return writes.count(a) != 0; });
  if (!touched) return true;
  for (const std::uint16_t a : order) {
    if (!result.at(a)) return std::nullopt;
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (std::size_t j = i + 1; j < order.size(); ++j) {
      if (!(*result.at(order[i]) < *result.at(order[j]))) return false;
    }
  }
  return true;
}

TEST(SettingsConsistency, GIVEN_random_sets_WHEN_checked_THEN_accepted_exactly_when_ordered) {
  const std::uint32_t seed = 20240611;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::bernoulli_distribution coin(0.5);
  std::bernoulli_distribution rarely(0.08);
  int accepted = 0;
  int conflicts = 0;
  int unknown = 0;
  for (int round = 0; round < 20000; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Current set: usually a consistent one (as a BMS normally holds), sometimes anything,
    // sometimes with registers never read.
    Values current;
    std::array<std::int32_t, 5> chain{};
    for (auto& v : chain) v = random_value(316, rng);
    if (coin(rng)) std::sort(chain.begin(), chain.end());
    for (std::size_t i = 0; i < kChain.size(); ++i) current[kChain[i]] = chain[i];
    for (const std::uint16_t a : kTemps) current[a] = random_value(a, rng);
    for (auto it = current.begin(); it != current.end();) {
      it = rarely(rng) ? current.erase(it) : std::next(it);
    }
    // Proposed writes: a random subset, each value random or a nudge of the current one.
    Values writes;
    for (const std::uint16_t a : kWritable) {
      if (!coin(rng)) continue;
      const auto cur = current.find(a);
      if (cur != current.end() && coin(rng)) {
        writes[a] = cur->second + std::uniform_int_distribution<std::int32_t>(-150, 150)(rng);
      } else {
        writes[a] = a == 308 ? 40 : random_value(a, rng);
      }
    }

    std::map<std::uint16_t, std::optional<std::int32_t>> result;
    for (const std::uint16_t a : kRuled) {
      if (writes.count(a) != 0) {
        result[a] = writes.at(a);
      } else if (current.count(a) != 0) {
        result[a] = current.at(a);
      } else {
        result[a] = std::nullopt;
      }
    }
    const auto volts = oracle_group(result, writes, kChain);
    const auto temps = oracle_group(result, writes, kTemps);

    const auto r = check_settings_consistency(bank_of(current), writes_of(writes));
    if (r.ok()) {
      ++accepted;
      // Accepted sets always satisfy the order, on every pair.
      EXPECT_EQ(volts, std::optional<bool>(true)) << text_of(r);
      EXPECT_EQ(temps, std::optional<bool>(true)) << text_of(r);
      continue;
    }
    const SettingsConflict e = r.error();
    if (e.error == ConsistencyError::current_unknown) {
      ++unknown;
      EXPECT_TRUE(!volts.has_value() || !temps.has_value()) << text_of(r);
      EXPECT_FALSE(result.at(e.first.address).has_value()) << text_of(r);
      EXPECT_TRUE(e.second.written) << text_of(r);
      continue;
    }
    ++conflicts;
    EXPECT_TRUE(volts == std::optional<bool>(false) || temps == std::optional<bool>(false))
        << text_of(r);
    // The pair named holds the resulting values, and really is out of order.
    EXPECT_EQ(result.at(e.first.address), std::optional<std::int32_t>(e.first.value));
    EXPECT_EQ(result.at(e.second.address), std::optional<std::int32_t>(e.second.value));
    EXPECT_GE(e.first.value, e.second.value) << text_of(r);
    if (::testing::Test::HasFailure()) break;  // one failing round says enough
  }
  // The generator reaches every outcome (counts, not timings).
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(conflicts, 1000);
  EXPECT_GT(unknown, 100);
}

}  // namespace

namespace {

// The window rule: the gateway's charge profile keeps CVL ovp_margin (100 mV) under 315 and DVL
// dvl_margin (50 mV) over 316, so a set whose cutoffs are 150 mV or less apart is one it could
// not follow (control::min_cutoff_window_mv).
TEST(SettingsConsistency,
     GIVEN_cutoffs_too_close_for_the_charge_profile_WHEN_checked_THEN_refused) {
  const ConsistencyLimits limits{150};
  // In order, but only 150 mV apart: 316 = 3400, 301 = 3420, 303 = 3450, 300 = 3500, 315 = 3550.
  const Values narrow = cell_set(3400, 3420, 3450, 3500, 3550);
  const auto refused = check_settings_consistency(bank_of(kLiFePO4), writes_of(narrow), limits);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().rule, "charge_profile_window");
  EXPECT_EQ(refused.error().first.address, 316);
  EXPECT_EQ(refused.error().second.address, 315);
  EXPECT_EQ(text_of(refused),
            "under-voltage cutoff (316) 3400 mV leaves too little room for the gateway's charge "
            "profile under over-voltage cutoff (315) 3550 mV");
  // Without the limit (0), the same set passes: the rule is the profile's, not the BMS's.
  EXPECT_TRUE(check_settings_consistency(bank_of(kLiFePO4), writes_of(narrow)).ok());
  // One more millivolt of room is enough; every real chemistry has far more.
  const Values wide = cell_set(3399, 3420, 3450, 3500, 3550);
  EXPECT_TRUE(check_settings_consistency(bank_of(kLiFePO4), writes_of(wide), limits).ok());
  for (const Values* set : {&kLiFePO4, &kLiIon14S, &kLto}) {
    EXPECT_TRUE(check_settings_consistency(bank_of(kLiFePO4), writes_of(*set), limits).ok());
  }
}

}  // namespace
