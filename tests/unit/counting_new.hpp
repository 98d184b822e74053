// Replaces every form of the global operator new/delete with a counting one, for the tests
// that prove a path allocates nothing (style rule 6). Include it in exactly one file of a test
// program (each test file is its own program here), set g_counting around the code under test
// and read g_allocations.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

// Counts every global allocation while g_counting is set (the zero-allocation test).
namespace {
bool g_counting = false;
std::size_t g_allocations = 0;

void* counted_alloc(std::size_t n, std::size_t align) {
  if (g_counting) ++g_allocations;
  if (n == 0) n = 1;
  void* p = align <= alignof(std::max_align_t)
                ? std::malloc(n)
                : std::aligned_alloc(align, (n + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
// Out of line so that GCC does not pair free() with a new-expression after inlining.
[[gnu::noinline]] void counted_free(void* p) noexcept {
  std::free(p);
}
}  // namespace

// Every replaceable form, so that no allocation escapes the count.
void* operator new(std::size_t n) {
  return counted_alloc(n, alignof(std::max_align_t));
}
void* operator new[](std::size_t n) {
  return counted_alloc(n, alignof(std::max_align_t));
}
void* operator new(std::size_t n, std::align_val_t a) {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  counted_free(p);
}
