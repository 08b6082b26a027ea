// constraints/sliding_window.cpp — output spatial dims of convolutions and
// pooling (Mithril's sliding_window_{1d,2d}_constraints / conv_{1d,2d}_constraints).
//
// out = (in + pad_total - (k - 1) * dilation - 1) // stride + 1, per spatial
// axis (the last one for 1d, the last two for 2d). A result <= 0 raises
// "Dimension Error: Output dimension calculated to be lesser than zero!".
// Stride, padding and dilation are usually produced by converter operators
// (stride_converter, padding_converter_*, tuple_converter) whose values become
// known later: until they are, nothing is inferred. Padding is an int p (both
// sides p), a pair (lo, hi) in 1d, and in 2d a pair whose items are ints or
// pairs: ((top, bottom), (left, right)). The kernel size comes from the
// weight's trailing dims for convolutions and from the kernel_size value for
// pooling. The output gets the spatial dims as a suffix; the batch/channel
// dims are tied by the operator's own shape templates.
#include <array>

#include "constraints/families.hpp"
#include "constraints/shape_helpers.hpp"

namespace mithril::constraints {
namespace {

using namespace detail;

// Total padding along one axis: p -> 2p, (lo, hi) -> lo + hi.
std::optional<int64_t> pad_total(const Value& v) {
    if (v.is_int() || v.is_bool()) return 2 * v.as_int();
    if (v.is_sequence() && v.items().size() == 2 && v.items()[0].is_int() && v.items()[1].is_int())
        return v.items()[0].as_int() + v.items()[1].as_int();
    return std::nullopt;
}

// Per-axis parts of a 2d argument: an int applies to both axes, a pair gives
// one item per axis. nullopt while TBD.
std::optional<std::array<Value, 2>> per_axis(const Value& v) {
    if (v.is_int() || v.is_bool()) return std::array<Value, 2>{v, v};
    if (v.is_sequence() && v.items().size() == 2)
        return std::array<Value, 2>{v.items()[0], v.items()[1]};
    return std::nullopt;
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

int64_t window_output(int64_t in, int64_t pad, int64_t kernel, int64_t dilation, int64_t stride) {
    if (stride == 0) throw ValueError("Stride can not be zero in sliding window operations!");
    int64_t val = floor_div(in + pad - (kernel - 1) * dilation - 1, stride) + 1;
    if (val <= 0)
        throw ValueError("Dimension Error: Output dimension calculated to be lesser than zero!");
    return val;
}

// Arguments of one spatial axis; any of them may still be unknown.
struct AxisArgs {
    std::optional<int64_t> stride, pad, dilation, kernel;
    bool ready() const { return stride && pad && dilation; }
};

// Sets the trailing spatial dims of the output from the input's; true once
// every output spatial dim is known.
bool sliding_window(ConstraintContext& c, const std::vector<AxisArgs>& axes) {
    const size_t n = axes.size();
    bool ready = true;
    for (const auto& a : axes) ready = ready && a.ready();
    if (ready) {
        ShapeRepr in = c.shape(1);
        Slots suffix;
        for (size_t k = 0; k < n; ++k) {
            auto d = dim_at(in, -int64_t(n - k));
            const auto& a = axes[k];
            if (d && d->is_known() && a.kernel)
                suffix.push_back(Slot::val(
                    window_output(*d->value(), *a.pad, *a.kernel, *a.dilation, *a.stride)));
            else
                suffix.emplace_back();
        }
        apply_pattern(c, 0, Pattern::open({}, suffix));
    }
    c.shape(0);                                           // normalizes the node
    for (const auto& r : node_reprs(*c.edge(0).shape)) {  // the primary or an alternative
        bool known = true;
        for (size_t k = 0; k < n && known; ++k) {
            auto d = dim_at(r, -int64_t(k + 1));
            known = d && d->is_known();
        }
        if (known) return true;
    }
    return false;
}

// The kernel's trailing dims (the weight tensor of a convolution).
std::optional<int64_t> kernel_dim(const ConstraintContext& c, size_t i, int64_t idx) {
    auto d = dim_at(c.shape(i), idx);
    return d ? d->value() : std::nullopt;
}

}  // namespace

bool conv_1d_constraints(ConstraintContext& c) {
    AxisArgs a{int_value(c.value(2)), pad_total(c.value(3)), int_value(c.value(4)),
               kernel_dim(c, 5, -1)};
    return sliding_window(c, {a});
}

bool pool_1d_constraints(ConstraintContext& c) {
    // (output, input, kernel_size, stride, padding, dilation); a None stride means kernel_size.
    auto kernel = int_value(c.value(2));
    auto stride = c.value(3).is_none() ? kernel : int_value(c.value(3));
    AxisArgs a{stride, pad_total(c.value(4)), int_value(c.value(5)), kernel};
    return sliding_window(c, {a});
}

namespace {

// Shared by conv_2d and pool_2d once the kernel sizes are known (or not).
bool sliding_window_2d(ConstraintContext& c, const Value& stride, const Value& padding,
                       const Value& dilation, std::array<std::optional<int64_t>, 2> kernel) {
    auto s = per_axis(stride), p = per_axis(padding), d = per_axis(dilation);
    std::vector<AxisArgs> axes(2);
    for (size_t k = 0; k < 2; ++k) {
        if (s) axes[k].stride = int_value((*s)[k]);
        if (p) axes[k].pad = pad_total((*p)[k]);
        if (d) axes[k].dilation = int_value((*d)[k]);
        axes[k].kernel = kernel[k];
    }
    return sliding_window(c, axes);
}

}  // namespace

bool conv_2d_constraints(ConstraintContext& c) {
    return sliding_window_2d(c, c.value(2), c.value(3), c.value(4),
                             {kernel_dim(c, 5, -2), kernel_dim(c, 5, -1)});
}

bool pool_2d_constraints(ConstraintContext& c) {
    // (output, input, kernel_size, stride, padding, dilation)
    std::array<std::optional<int64_t>, 2> kernel{};
    if (auto k = per_axis(c.value(2))) kernel = {int_value((*k)[0]), int_value((*k)[1])};
    const Value& stride = c.value(3).is_none() ? c.value(2) : c.value(3);
    return sliding_window_2d(c, stride, c.value(4), c.value(5), kernel);
}

}  // namespace mithril::constraints
