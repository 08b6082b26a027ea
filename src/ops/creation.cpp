// ops/creation.cpp — tensor creation and random primitives.
//
// Mirrors Arange, Eye, EyeComplement (formula ones_with_zero_diag), Ones,
// ZerosLike, PrimitiveRandn (randn) and PrimitiveRandInt (randint) of
// primitives.py. The PRNG `key` input is a plain int (or Tensor[int]) key
// here; the Randn / RandInt composites bind it as state.
#include <cmath>

#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

Arange::Arange(Value start, Value stop, Value step, Value dtype) : Model(ClassTag{}, "Arange") {
    const bool all_defined = !start.is_tbd() && !stop.is_tbd() && !step.is_tbd();
    ShapeTemplate out_shape{"N"};
    if (all_defined) {
        // Mithril: val = (start - stop) / step; |val| if integral, else |int(val)| + 1.
        if (!start.is_number() || !stop.is_number() || !step.is_number())
            throw TypeError("Arange start, stop and step must be numbers");
        double st = step.as_float();
        if (st == 0) throw ValueError("Arange step can not be zero");
        double val = (start.as_float() - stop.as_float()) / st;
        double n = std::trunc(val) == val ? std::fabs(val) : std::fabs(std::trunc(val)) + 1;
        auto len = static_cast<int64_t>(n);
        out_shape = len == 0 ? ShapeTemplate{} : ShapeTemplate{len};
    }
    auto s = make_spec("arange", "Arange", tkey("output", kTNum, out_shape),
                       {key("start", kInt | kFloat), key("stop", kInt | kFloat),
                        key("step", kInt | kFloat), key("dtype", kDtype | kNone)});
    if (!all_defined)
        s.constraints.push_back(con("arange_constraints", cs::arange_constraints,
                                    {"output", "start", "stop", "step"}));
    init_operator(*this, s, {{"start", start}, {"stop", stop}, {"step", step}, {"dtype", dtype}});
    set_canonical_inputs(*this, {"stop"});
}

namespace {

OperatorSpec eye_spec(const char* fk, const char* cls) {
    auto s = make_spec(fk, cls, tkey("output", kTFloat, ShapeTemplate{"N", "M"}),
                       {key("N", kInt), key("M", kInt | kNone), key("dtype", kDtype | kNone)});
    s.constraints.push_back(con("eye_constraints", cs::eye_constraints, {"output", "N", "M"}));
    return s;
}

}  // namespace

Eye::Eye(Value N, Value M, Value dtype) : Model(ClassTag{}, "Eye") {
    static const OperatorSpec s = eye_spec("eye", "Eye");
    init_operator(*this, s, {{"N", N}, {"M", M}, {"dtype", dtype}});
}

EyeComplement::EyeComplement(Value N, Value M, Value dtype) : Model(ClassTag{}, "EyeComplement") {
    static const OperatorSpec s = eye_spec("ones_with_zero_diag", "EyeComplement");
    init_operator(*this, s, {{"N", N}, {"M", M}, {"dtype", dtype}});
}

Ones::Ones(Value shape, Value dtype) : Model(ClassTag{}, "Ones") {
    static const OperatorSpec s = [] {
        auto s = make_spec("ones", "Ones", tkey("output", kTAll),
                           {key("shape", kTuple | kList), key("dtype", kDtype | kNone)});
        s.constraints.push_back(
            con("randn_constraints", cs::randn_constraints, {"output", "shape"}));
        return s;
    }();
    init_operator(*this, s, {{"shape", shape}, {"dtype", dtype}});
}

ZerosLike::ZerosLike(Value input) : Model(ClassTag{}, "ZerosLike") {
    static const OperatorSpec s = make_spec("zeros_like", "ZerosLike",
                                            tkey("output", kTAll, var("Var")),
                                            {tkey("input", kTAll, var("Var"))});
    init_operator(*this, s, {{"input", input}});
}

PrimitiveRandn::PrimitiveRandn(Value shape, Value key_, Value dtype)
    : Model(ClassTag{}, "PrimitiveRandn") {
    static const OperatorSpec s = [] {
        auto s = make_spec("randn", "PrimitiveRandn", tkey("output", kTFloat),
                           {key("shape", kTuple), key("key", kInt | kTInt),
                            key("dtype", kDtype | kNone)});
        s.constraints.push_back(
            con("randn_constraints", cs::randn_constraints, {"output", "shape"}));
        return s;
    }();
    init_operator(*this, s, {{"shape", shape}, {"key", key_}, {"dtype", dtype}});
}

PrimitiveRandInt::PrimitiveRandInt(Value shape, Value key_, Value low, Value high, Value dtype)
    : Model(ClassTag{}, "PrimitiveRandInt") {
    static const OperatorSpec s = [] {
        auto s = make_spec("randint", "PrimitiveRandInt", tkey("output", kTInt, var("output")),
                           {key("shape", kTuple), key("key", kInt | kTInt), key("low", kInt),
                            key("high", kInt), key("dtype", kDtype | kNone)});
        s.constraints.push_back(
            con("randn_constraints", cs::randn_constraints, {"output", "shape"}));
        return s;
    }();
    init_operator(*this, s,
                  {{"shape", shape}, {"key", key_}, {"low", low}, {"high", high}, {"dtype", dtype}});
}

}  // namespace mithril
