#include "core/victron/snapshot_view.hpp"

#include <cmath>

namespace tbgw::victron {

namespace {

using Snap = msg::BatterySnapshot;

TempExtremes extremes_over(const Snap& s, std::size_t first, std::size_t last) {
  TempExtremes t;
  for (std::size_t i = first; i <= last; ++i) {
    if (!s.temp_present[i] || !std::isfinite(s.temps_c[i])) continue;
    const float c = s.temps_c[i];
    if (!t.known || c < t.min_c) {
      t.min_c = c;
      t.min_sensor = i;
    }
    if (!t.known || c > t.max_c) {
      t.max_c = c;
      t.max_sensor = i;
    }
    t.known = true;
  }
  return t;
}

}  // namespace

CellExtremes cell_extremes(const Snap& s) {
  CellExtremes e;
  const std::size_t n = s.cell_count < Snap::kMaxCells ? s.cell_count : Snap::kMaxCells;
  for (std::size_t i = 0; i < n; ++i) {
    const float mv = s.cell_mv[i];
    if (!std::isfinite(mv)) continue;
    if (!e.known || mv < e.min_mv) {
      e.min_mv = mv;
      e.min_index = static_cast<std::uint8_t>(i);
    }
    if (!e.known || mv > e.max_mv) {
      e.max_mv = mv;
      e.max_index = static_cast<std::uint8_t>(i);
    }
    e.known = true;
  }
  if (!e.known && (s.min_cell_mv != 0 || s.max_cell_mv != 0)) {
    e.known = true;
    e.min_mv = static_cast<float>(s.min_cell_mv);
    e.max_mv = static_cast<float>(s.max_cell_mv);
  }
  return e;
}

TempExtremes cell_temperatures(const Snap& s) {
  const TempExtremes external = extremes_over(s, Snap::kTempExternal1, Snap::kTempExternal2);
  return external.known ? external : extremes_over(s, Snap::kTempInternal, Snap::kTempInternal);
}

TempExtremes all_temperatures(const Snap& s) {
  return extremes_over(s, Snap::kTempInternal, Snap::kTempExternal2);
}

std::string_view sensor_id(std::size_t sensor) {
  switch (sensor) {
    case Snap::kTempInternal:
      return "internal";
    case Snap::kTempExternal1:
      return "ext 1";
    case Snap::kTempExternal2:
      return "ext 2";
    default:
      return "";
  }
}

}  // namespace tbgw::victron
