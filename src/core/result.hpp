#pragma once
// Result<T>: a value or an Error, for library code that must not throw across its boundary.
// A small stand-in for std::expected (GCC 12 lacks it); the API follows std::expected's names
// so the switch later is mechanical.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace kaos {

/// What went wrong, for a human: `message` names the field or input and, where possible, the fix.
/// `code` is a short machine-readable kind ("invalid", "not_found", "io", "timeout", ...).
struct Error {
  std::string code;
  std::string message;

  static Error invalid(std::string msg) { return {"invalid", std::move(msg)}; }
  static Error not_found(std::string msg) { return {"not_found", std::move(msg)}; }
  static Error io(std::string msg) { return {"io", std::move(msg)}; }
  static Error timeout(std::string msg) { return {"timeout", std::move(msg)}; }
};

template <class E>
struct Unexpected {
  E error;
};
inline Unexpected<Error> unexpected(Error e) {
  return {std::move(e)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}                // NOLINT: implicit by design
  Result(Unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}                    // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }
  Error& error() {
    assert(!has_value());
    return std::get<1>(v_);
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : T(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected<Error> e) : err_(std::move(e.error)), ok_(false) {}  // NOLINT
  Result(Error e) : err_(std::move(e)), ok_(false) {}                    // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return err_;
  }

 private:
  Error err_;
  bool ok_ = true;
};

}  // namespace kaos
