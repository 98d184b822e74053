// A small Result<T, E>: the value of a computation or the reason it failed.
//
// The core reports errors as values (DESIGN rule 6): it is built without exceptions, and GCC 12
// has std::expected only under C++23. E is normally a per-domain `enum class`. Accessing the
// wrong alternative is a programming error and is caught by an assert in debug builds.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>

namespace tbgw {

// Tag type that lets `return Err(code);` convert into any Result<T, E>.
template <class E>
struct Err {
  E error;
  constexpr explicit Err(E e) : error(e) {}
};

template <class T, class E>
class [[nodiscard]] Result {
 public:
  constexpr Result(T value) : ok_(true), value_(std::move(value)) {}  // NOLINT: implicit by design
  constexpr Result(Err<E> err) : ok_(false), error_(err.error) {}     // NOLINT: implicit by design

  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }

  constexpr T& value() & {
    assert(ok_);
    return value_;
  }
  constexpr const T& value() const& {
    assert(ok_);
    return value_;
  }
  constexpr T&& value() && {
    assert(ok_);
    return std::move(value_);
  }
  constexpr E error() const {
    assert(!ok_);
    return error_;
  }
  constexpr const T& operator*() const& { return value(); }
  constexpr T& operator*() & { return value(); }
  constexpr const T* operator->() const { return &value(); }
  constexpr T* operator->() { return &value(); }

 private:
  static_assert(std::is_trivially_copyable_v<E>, "error codes are small values");
  bool ok_;
  // T and E are kept side by side rather than in a union: T is small in the core (a decoded
  // frame view, a number), and this keeps the type trivially copyable when T is.
  T value_{};
  E error_{};
};

// Result<void, E>: success or an error, nothing else.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  constexpr Result() : ok_(true) {}
  constexpr Result(Err<E> err) : ok_(false), error_(err.error) {}  // NOLINT: implicit by design

  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr E error() const {
    assert(!ok_);
    return error_;
  }

 private:
  bool ok_;
  E error_{};
};

}  // namespace tbgw
