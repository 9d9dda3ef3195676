#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace understudy::client::detail {

template <typename Signature>
class UniqueFunction;

// A move-only std::function: completion handlers (use_awaitable's, a promise's) cannot be
// copied, so the request queue cannot hold them in std::function (C++23's
// move_only_function is not in GCC 12's C++20).
template <typename R, typename... Args>
class UniqueFunction<R(Args...)> {
 public:
  UniqueFunction() = default;
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, UniqueFunction>>>
  UniqueFunction(F&& f) : callable_(std::make_unique<Holder<std::decay_t<F>>>(std::forward<F>(f))) {}

  UniqueFunction(UniqueFunction&&) noexcept = default;
  UniqueFunction& operator=(UniqueFunction&&) noexcept = default;

  explicit operator bool() const { return callable_ != nullptr; }
  R operator()(Args... args) { return callable_->Call(std::forward<Args>(args)...); }

 private:
  struct Callable {
    virtual ~Callable() = default;
    virtual R Call(Args... args) = 0;
  };
  template <typename F>
  struct Holder final : Callable {
    explicit Holder(F f) : f(std::move(f)) {}
    R Call(Args... args) override { return f(std::forward<Args>(args)...); }
    F f;
  };
  std::unique_ptr<Callable> callable_;
};

}  // namespace understudy::client::detail
