// Result<T, E>: the core's error-as-value type.
#include "core/util/result.hpp"

#include <gtest/gtest.h>

namespace {

enum class E { bad = 1, worse = 2 };

tbgw::Result<int, E> half(int x) {
  if (x % 2 != 0) return tbgw::Err(E::bad);
  return x / 2;
}

TEST(Result, CarriesValueOrError) {
  auto ok = half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  auto err = half(3);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error(), E::bad);
}

TEST(Result, VoidResult) {
  tbgw::Result<void, E> good;
  EXPECT_TRUE(good.ok());
  tbgw::Result<void, E> bad = tbgw::Err(E::worse);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), E::worse);
}

}  // namespace
