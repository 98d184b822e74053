// ReasonWriter: see reason_writer.hpp.
#include "core/control/reason_writer.hpp"

#include <array>
#include <cmath>

namespace tbgw::control {

void ReasonWriter::put(char c) {
  if (size_ + 1 >= out_.size()) return;
  out_[size_++] = c;
  out_[size_] = '\0';
}

ReasonWriter& ReasonWriter::text(std::string_view s) {
  for (const char c : s) put(c);
  return *this;
}

ReasonWriter& ReasonWriter::integer(std::int64_t value) {
  if (value < 0) put('-');
  // Work on the magnitude as unsigned so INT64_MIN does not overflow.
  std::uint64_t mag =
      value < 0 ? 0U - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  std::array<char, 20> digits{};
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + mag % 10U);
    mag /= 10U;
  } while (mag != 0U && n < digits.size());
  while (n > 0) put(digits[--n]);
  return *this;
}

ReasonWriter& ReasonWriter::number(float value, int decimals) {
  if (!std::isfinite(value) || std::fabs(value) > 1e12F) return text("?");
  if (decimals < 0) decimals = 0;
  if (decimals > 6) decimals = 6;
  std::int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const std::int64_t scaled =
      std::llround(std::fabs(static_cast<double>(value)) * static_cast<double>(scale));
  if (value < 0.0F && scaled != 0) put('-');
  integer(scaled / scale);
  if (decimals > 0) {
    put('.');
    std::int64_t frac = scaled % scale;
    for (std::int64_t div = scale / 10; div > 0; div /= 10) {
      put(static_cast<char>('0' + frac / div));
      frac %= div;
    }
  }
  return *this;
}

ReasonWriter& ReasonWriter::duration(Millis ms) {
  if (ms < 0) ms = 0;
  const std::int64_t s = ms / 1000;
  if (s < 120) return integer(s).text(" s");
  const std::int64_t min = s / 60;
  if (min < 120) return integer(min).text(" min");
  integer(min / 60).text(" h ");
  if (min % 60 < 10) put('0');
  return integer(min % 60).text(" min");
}

std::string_view reason_text(std::span<const char> r) {
  std::size_t n = 0;
  while (n < r.size() && r[n] != '\0') ++n;
  return {r.data(), n};
}

}  // namespace tbgw::control
