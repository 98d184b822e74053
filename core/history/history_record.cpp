#include "core/history/history_record.hpp"

namespace tbgw::history {

const std::array<FieldInfo, kFieldCount> kFields = {{
    {"pack_voltage_v", "pack_voltage_v_x1000", 1000},
    {"pack_current_a", "pack_current_a_x100", 100},
    {"soc_pct", "soc_pct_x100", 100},
    {"temp_internal_c", "temp_internal_c_x10", 10},
    {"temp_external1_c", "temp_external1_c_x10", 10},
    {"temp_external2_c", "temp_external2_c_x10", 10},
    {"min_cell_mv", "min_cell_mv_x1", 1},
    {"max_cell_mv", "max_cell_mv_x1", 1},
    {"cell1_mv", "cell1_mv_x10", 10},
    {"cell2_mv", "cell2_mv_x10", 10},
    {"cell3_mv", "cell3_mv_x10", 10},
    {"cell4_mv", "cell4_mv_x10", 10},
    {"cell5_mv", "cell5_mv_x10", 10},
    {"cell6_mv", "cell6_mv_x10", 10},
    {"cell7_mv", "cell7_mv_x10", 10},
    {"cell8_mv", "cell8_mv_x10", 10},
    {"cell9_mv", "cell9_mv_x10", 10},
    {"cell10_mv", "cell10_mv_x10", 10},
    {"cell11_mv", "cell11_mv_x10", 10},
    {"cell12_mv", "cell12_mv_x10", 10},
    {"cell13_mv", "cell13_mv_x10", 10},
    {"cell14_mv", "cell14_mv_x10", 10},
    {"cell15_mv", "cell15_mv_x10", 10},
    {"cell16_mv", "cell16_mv_x10", 10},
}};

HistoryRecord make_record(const msg::BatterySnapshot& s, std::int64_t unix_ms) {
  HistoryRecord r;
  r.unix_ms = unix_ms;
  r.status_raw = s.online_status_raw;
  r.cell_count = s.cell_count <= kMaxCells ? s.cell_count : static_cast<std::uint8_t>(kMaxCells);
  r.set(Field::pack_voltage_v, s.pack_voltage_v);
  r.set(Field::pack_current_a, s.pack_current_a);
  r.set(Field::soc_pct, static_cast<float>(s.soc_pct));
  constexpr Field kTemps[] = {Field::temp_internal_c, Field::temp_external1_c,
                              Field::temp_external2_c};
  for (std::size_t i = 0; i < 3; ++i) {
    r.set(kTemps[i], s.temp_present[i] ? s.temps_c[i] : kNoValue);
  }
  r.set(Field::min_cell_mv, static_cast<float>(s.min_cell_mv));
  r.set(Field::max_cell_mv, static_cast<float>(s.max_cell_mv));
  for (std::size_t i = 0; i < kMaxCells; ++i) {
    r.values[kFirstCellField + i] = i < r.cell_count ? s.cell_mv[i] : kNoValue;
  }
  return r;
}

}  // namespace tbgw::history
