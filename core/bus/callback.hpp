// Callback<T>: a non-allocating, copyable "function of const T&" for bus subscribers.
//
// std::function may allocate and needs RTTI for target(); the core has neither heap in the
// delivery path nor RTTI. A Callback stores the callable itself (not a reference to it) in a
// small inline buffer, so a temporary lambda passed at subscription cannot dangle, and calls
// it through one function pointer chosen at compile time.
//
// Bounds: the callable must be trivially copyable and trivially destructible (a lambda that
// captures references or pointers, a plain function pointer), fit in kInlineBytes and need
// no more alignment than a pointer. Anything else does not compile (FitsCallback below), so
// the limit is found by the compiler, not at run time. Capture `this` or references to
// long-lived objects; what they point to must outlive the channel.
#pragma once

#include <concepts>
#include <cstddef>
#include <new>
#include <type_traits>

namespace tbgw::bus {

// Room for three pointers: `[this]`, `[&a, &b]`, `[this, &log, &stats]`.
inline constexpr std::size_t kCallbackInlineBytes = 3 * sizeof(void*);

template <class F, class T>
concept FitsCallback = std::is_invocable_r_v<void, const F&, const T&> &&
                           std::is_trivially_copyable_v<F> && std::is_trivially_destructible_v<F> &&
                           sizeof(F) <= kCallbackInlineBytes
                       && alignof(F) <= alignof(void*);

template <class T>
class Callback {
 public:
  static constexpr std::size_t kInlineBytes = kCallbackInlineBytes;

  Callback() = default;

  template <class F>
  requires(!std::same_as<std::remove_cvref_t<F>, Callback>) &&
      FitsCallback<std::remove_cvref_t<F>, T> explicit Callback(const F& f)
      : invoke_(&invoke<std::remove_cvref_t<F>>) {
    ::new (static_cast<void*>(storage_)) std::remove_cvref_t<F>(f);
  }

  // Calling an empty Callback is a programming error; the channel never does it.
  void operator()(const T& message) const { invoke_(storage_, message); }
  explicit operator bool() const { return invoke_ != nullptr; }

 private:
  using Invoker = void (*)(const std::byte*, const T&);

  template <class F>
  static void invoke(const std::byte* storage, const T& message) {
    const F& f = *std::launder(static_cast<const F*>(static_cast<const void*>(storage)));
    f(message);
  }

  alignas(void*) std::byte storage_[kInlineBytes]{};
  Invoker invoke_ = nullptr;
};

}  // namespace tbgw::bus
