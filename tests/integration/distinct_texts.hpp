// expect_distinct_texts({E::a, E::b, ...}): every enumerator of an error enum has its own
// non-empty text, different from the fallback a value outside the enum gets. The list is
// spelled out in the test, so a new enumerator without a text case fails here (the switch's
// fallback), and two copy-pasted texts fail too.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>

namespace tbgw::test {

template <class E>
void expect_distinct_texts(std::initializer_list<E> all) {
  const std::string fallback = to_string(static_cast<E>(0xFF));
  std::set<std::string> seen;
  for (const E e : all) {
    const std::string text = to_string(e);
    EXPECT_FALSE(text.empty()) << static_cast<int>(e);
    EXPECT_NE(text, fallback) << static_cast<int>(e);
    EXPECT_TRUE(seen.insert(text).second) << "duplicate text: " << text;
  }
}

}  // namespace tbgw::test
