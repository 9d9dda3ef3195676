#pragma once

#include <cstdint>
#include <utility>

namespace understudy::store {

// Outcome of a data operation. Ops know nothing of RESP; the server maps each status to
// Redis's reply text.
enum class OpStatus : uint8_t {
  kOk,
  kKeyNotFound,
  kKeyExists,        // NX-style condition failed
  kWrongType,        // key holds another type
  kNotAnInteger,     // value is not an integer or out of range
  kNotAFloat,        // value is not a valid float
  kOverflow,         // increment or decrement would overflow
  kNanOrInfinity,    // result would be NaN or Infinity
  kOutOfRange,       // argument out of range (e.g. SETRANGE offset)
  kTooLarge,         // string exceeds the maximum allowed size
  kSameObject,       // source and destination are the same
  kSkipped,          // a condition (NX/XX/GT/LT) prevented the change
  kOutOfMemory,      // transient memory for the operation could not be had
};

template <typename T>
class OpResult {
 public:
  OpResult(T value) : status_(OpStatus::kOk), value_(std::move(value)) {}  // NOLINT
  OpResult(OpStatus status) : status_(status), value_() {}                 // NOLINT

  bool ok() const { return status_ == OpStatus::kOk; }
  OpStatus status() const { return status_; }
  const T& value() const& { return value_; }
  T& value() & { return value_; }
  T&& value() && { return std::move(value_); }
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }

 private:
  OpStatus status_;
  T value_;
};

}  // namespace understudy::store
