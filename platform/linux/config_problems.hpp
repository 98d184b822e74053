// ConfigProblems: every reason a configuration file or a set of flags was refused, as the
// sentences the owner reads ("poll.max_retries: expected int, got string"), in a fixed-capacity
// list so that the error half of a Result stays trivially copyable (error.hpp).
//
// A configuration is accepted or refused as a whole and the owner fixes everything in one go,
// so every problem is kept, not only the first: up to kCapacity sentences of at most
// kMaxProblemText bytes each (a longer one is cut; the longest today, the two-BMS-services
// refusal with a by-id slcan path, is about 260); more are counted in omitted() (the same
// bound as config::ConfigErrors in the core). About 5 KB: host code only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/linux/error.hpp"

namespace tbgw::platform {

inline constexpr std::size_t kMaxProblemText = 320;
using ProblemText = config::FixedString<kMaxProblemText>;

class ConfigProblems {
 public:
  static constexpr std::size_t kCapacity = 16;

  void add(std::string_view sentence) {
    if (size_ < kCapacity) {
      items_[size_++].assign_truncated(sentence);
    } else {
      ++omitted_;
    }
  }
  bool empty() const { return size_ == 0 && omitted_ == 0; }
  std::span<const ProblemText> items() const { return {items_.data(), size_}; }
  std::size_t omitted() const { return omitted_; }

  // One string per problem, plus "(N more problems)" when some were not kept.
  std::vector<std::string> lines(std::string_view prefix = {}) const;
  // All of them on one line, separated by "; ".
  std::string joined() const;

 private:
  std::array<ProblemText, kCapacity> items_{};
  std::size_t size_ = 0;
  std::size_t omitted_ = 0;
};

}  // namespace tbgw::platform
