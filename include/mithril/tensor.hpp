// mithril/tensor.hpp — Tensor: an owning, value-semantic, contiguous n-d array.
//
// Invariants: elements are stored row-major and contiguous, in a 64-byte aligned buffer of
// exactly numel() * dtype_size(dtype()) bytes; every dimension is >= 0; rank 0 means a scalar
// (numel() == 1). Copies are deep. float16/bfloat16 elements are raw bit patterns (Half,
// BFloat16 in dtype.hpp); bool elements are one byte holding 0 or 1.
//
// Literals follow Mithril/NumPy: a nested initializer list of integers gives int64, one with
// any floating literal gives float64, all-bool gives bool:
//     Tensor({{1, 2, 3}, {4, 5, 6}})   // int64, shape [2, 3]
//     Tensor({1.0, 2})                 // float64, shape [2]
//     Tensor({true, false})            // bool, shape [2]
// Ragged (inhomogeneous) lists throw ValueError. No LLVM, TBB or Boost types in this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <limits>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "mithril/dtype.hpp"

namespace mithril {

namespace detail {

// std::allocator look-alike returning 64-byte aligned memory (cache line / AVX-512 width).
template <class T>
struct AlignedAllocator {
    using value_type = T;
    static constexpr std::size_t kAlignment = 64;
    AlignedAllocator() noexcept = default;
    template <class U>
    AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) {
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{kAlignment}));
    }
    void deallocate(T* p, std::size_t n) noexcept {
        ::operator delete(p, n * sizeof(T), std::align_val_t{kAlignment});
    }
    template <class U>
    friend bool operator==(const AlignedAllocator&, const AlignedAllocator<U>&) noexcept {
        return true;
    }
};

}  // namespace detail

// One node of a nested initializer list: a scalar literal (bool, integer or floating) or a
// list of nodes. It exists so that Tensor({...}) has exactly one constructor to pick,
// whatever the nesting depth and the mix of literal types.
class NestedList {
public:
    enum class Kind : std::uint8_t { Bool, Int, Float, List };

    template <class T>
        requires std::is_arithmetic_v<T>
    NestedList(T v) {  // NOLINT(google-explicit-constructor): literals convert implicitly
        if constexpr (std::is_same_v<T, bool>) {
            kind_ = Kind::Bool;
            int_ = v ? 1 : 0;
        } else if constexpr (std::is_integral_v<T>) {
            kind_ = Kind::Int;
            if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t))
                if (v > static_cast<T>(std::numeric_limits<std::int64_t>::max()))
                    throw_int_overflow();
            int_ = static_cast<std::int64_t>(v);
        } else {
            kind_ = Kind::Float;
            float_ = static_cast<double>(v);
        }
    }
    NestedList(std::initializer_list<NestedList> items) : kind_(Kind::List), items_(items) {}

    Kind kind() const noexcept { return kind_; }
    bool is_list() const noexcept { return kind_ == Kind::List; }
    const std::vector<NestedList>& items() const noexcept { return items_; }
    std::int64_t int_value() const noexcept { return int_; }  // Bool and Int
    double float_value() const noexcept { return float_; }    // Float

private:
    [[noreturn]] static void throw_int_overflow();

    Kind kind_ = Kind::List;
    std::int64_t int_ = 0;
    double float_ = 0.0;
    std::vector<NestedList> items_;
};

class Tensor {
public:
    // An empty float32 tensor of shape [0].
    Tensor();
    // A zero-filled tensor; shape {} is a scalar. Negative dimensions throw ValueError.
    Tensor(Dtype dtype, std::vector<std::int64_t> shape);
    // From a nested list (see the header comment). The initializer_list overload is what makes
    // Tensor({7}) unambiguous (a list-to-initializer_list conversion beats the copy
    // constructor); note Tensor{7} and Tensor({7}) are shape [1], Tensor(7) is a scalar.
    Tensor(std::initializer_list<NestedList> values);  // NOLINT(google-explicit-constructor)
    // From one NestedList node; a bare literal gives a rank-0 tensor.
    explicit Tensor(NestedList values);
    // From a nested list, converted to `dtype` (as astype()).
    Tensor(NestedList values, Dtype dtype);

    // Rank-0 tensors: float64 from floating values, int64 from integers, bool from bool.
    static Tensor scalar(double value);
    static Tensor scalar(std::int64_t value);
    template <class T>
        requires std::is_arithmetic_v<T>
    static Tensor scalar(T value) {
        if constexpr (std::is_same_v<T, bool>) return Tensor(NestedList(value));
        else if constexpr (std::is_integral_v<T>) return scalar(static_cast<std::int64_t>(value));
        else return scalar(static_cast<double>(value));
    }
    // Every element set to `value` converted to `dtype` (as astype() converts a float64).
    static Tensor full(Dtype dtype, std::vector<std::int64_t> shape, double value);
    // Copies values.size() elements of storage type T; numel(shape) must match.
    template <class T>
    static Tensor from_vector(const std::vector<T>& values, std::vector<std::int64_t> shape) {
        Tensor t(dtype_of<T>(), std::move(shape));
        t.check_numel(values.size());
        T* out = t.data<T>();
        for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i];
        return t;
    }

    Dtype dtype() const noexcept { return dtype_; }
    const std::vector<std::int64_t>& shape() const noexcept { return shape_; }
    std::size_t rank() const noexcept { return shape_.size(); }
    std::int64_t numel() const noexcept { return numel_; }
    std::size_t nbytes() const noexcept { return storage_.size(); }

    // Typed element pointer; T must be the storage type of dtype() (see dtype_of), otherwise
    // TypeError. May be null when numel() == 0.
    template <class T>
    T* data() {
        if (dtype_of<T>() != dtype_) throw_dtype_mismatch(dtype_of<T>());
        return reinterpret_cast<T*>(storage_.data());
    }
    template <class T>
    const T* data() const {
        if (dtype_of<T>() != dtype_) throw_dtype_mismatch(dtype_of<T>());
        return reinterpret_cast<const T*>(storage_.data());
    }
    void* raw_data() noexcept { return storage_.data(); }
    const void* raw_data() const noexcept { return storage_.data(); }

    // Element at a row-major flat index, converted to double; out of range throws ValueError.
    double at_double(std::size_t flat_index) const;
    // Element-wise conversion. float -> integer truncates toward zero and saturates (NaN -> 0);
    // integer -> integer wraps; anything -> bool is (x != 0).
    Tensor astype(Dtype dtype) const;
    // Python-list style: "[[1, 2], [3, 4]]", "[1.0, 2.5]", "[True, False]"; a scalar prints
    // as its value.
    std::string to_string() const;

    // Same dtype, same shape and equal elements (floating: by value, so NaN != NaN).
    friend bool operator==(const Tensor& a, const Tensor& b);

private:
    [[noreturn]] void throw_dtype_mismatch(Dtype requested) const;
    void check_numel(std::size_t n) const;

    Dtype dtype_ = Dtype::float32;
    std::vector<std::int64_t> shape_;
    std::int64_t numel_ = 0;
    std::vector<std::byte, detail::AlignedAllocator<std::byte>> storage_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace mithril
