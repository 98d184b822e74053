// DerateTable: a current-limit factor (0..1) as a piecewise-linear function of one input
// (a cell voltage in mV, a temperature in degC, an SOC in %), the way dbus-serialbattery
// describes its derating ("3.45/3.50/3.55 V -> 50/10/0 %").
//
// Theory of operation. Points are (x, factor) with x strictly ascending; between two points the
// factor is interpolated linearly, outside the first/last point it stays at that point's factor.
// An empty table (count 0) means "this limiter is off" and always answers 1.
//
// Anti-flapping uses worst_within(x, h): the lowest factor anywhere in [x - h, x + h]. A limit
// follows a falling factor at once but takes a rising one only when even the worst factor
// within +-h of the input is higher (see current_limiter.cpp), so a cell voltage that sags when
// the charger backs off does not release the limit it just caused. The window minimum of a
// piecewise-linear function sits at a window edge or at a point inside the window, so the
// function checks exactly those.
//
// Bounds: at most kMaxPoints points, inline, trivially copyable; pure functions.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace tbgw::control {

struct DeratePoint {
  float x = 0.0F;       // input value in the table's unit
  float factor = 1.0F;  // 0..1 of the maximum current
};

struct DerateTable {
  static constexpr std::size_t kMaxPoints = 8;

  std::array<DeratePoint, kMaxPoints> points{};
  std::uint8_t count = 0;  // points in use; 0 = limiter off

  constexpr float at(float x) const {
    if (count == 0) return 1.0F;
    if (x <= points[0].x) return points[0].factor;
    for (std::size_t i = 1; i < count; ++i) {
      const DeratePoint& a = points[i - 1];
      const DeratePoint& b = points[i];
      if (x <= b.x) return a.factor + (b.factor - a.factor) * (x - a.x) / (b.x - a.x);
    }
    return points[count - 1U].factor;
  }

  // The lowest factor for any input in [x - half_width, x + half_width].
  constexpr float worst_within(float x, float half_width) const {
    const float lo = x - half_width;
    const float hi = x + half_width;
    float worst = std::min(at(lo), at(hi));
    for (std::size_t i = 0; i < count; ++i) {
      if (points[i].x > lo && points[i].x < hi) worst = std::min(worst, points[i].factor);
    }
    return worst;
  }

  // x strictly ascending, factors within [0, 1], count within kMaxPoints.
  constexpr bool well_formed() const {
    if (count > kMaxPoints) return false;
    for (std::size_t i = 0; i < count; ++i) {
      if (!(points[i].factor >= 0.0F && points[i].factor <= 1.0F)) return false;
      if (i > 0 && !(points[i].x > points[i - 1].x)) return false;
    }
    return true;
  }

  constexpr float lowest_factor() const {
    float lowest = 1.0F;
    for (std::size_t i = 0; i < count; ++i) lowest = std::min(lowest, points[i].factor);
    return lowest;
  }
};

}  // namespace tbgw::control
