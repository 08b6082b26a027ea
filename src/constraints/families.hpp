// constraints/families.hpp — every constraint function, by family.
//
// Each function is a ConstraintFn body: it reads its edges from the context in
// the order given in its comment (Mithril's argument order, output first),
// mutates them only through the context, and returns true once solved for
// good (nothing more can ever be learned). Tensor shapes are read with
// ctx.shape(i) (primary repr); scalar arguments with ctx.value(i) (TBD until
// known). Errors are Mithril's messages, thrown as mithril::ValueError /
// TypeError. One .cpp per family under src/constraints/.
#pragma once

#include <functional>

#include "constraints/solver.hpp"

namespace mithril::constraints {

// ---- broadcasting (broadcast.cpp) --------------------------------------------
bool bcast(ConstraintContext& c);               // (output, left, right)
bool bcast_matrix_mult(ConstraintContext& c);   // (output, left, right)
bool bcast_error_check(ConstraintContext& c);   // (output, left, right)
bool bcast_mat_mul_check(ConstraintContext& c); // (output, left, right)

// ---- reduction (reduce.cpp) ----------------------------------------------------
bool reduce_constraints(ConstraintContext& c);  // (output, input, axis, keepdim)

// ---- layout (layout.cpp) -------------------------------------------------------
bool reshape_constraints(ConstraintContext& c);    // (output, input, shape)
bool flatten_constraints(ConstraintContext& c);    // (output, input, start_dim, end_dim)
bool squeeze_constraints(ConstraintContext& c);    // (output, input)
bool swap_axes_constraints(ConstraintContext& c);  // (output, input, axis1, axis2)
bool reverse_constraints(ConstraintContext& c);    // (output, input, axes)   transpose
bool concat_constraints(ConstraintContext& c);     // (output, input(list edge), axis)
bool pad_constraints(ConstraintContext& c);        // (output, input, pad_width)
bool broadcast_to_constraints(ConstraintContext& c);  // (output, shape, input)
bool where_constraints(ConstraintContext& c);      // (output, cond, input1, input2)
bool polynomial_features_constraints(ConstraintContext& c);  // (output, input, degree)
bool atleast_1d_constraints(ConstraintContext& c); // (output, input)
bool split_constraints(ConstraintContext& c);      // (output(list edge), input, split_size, axis)

// ---- sliding windows (sliding_window.cpp) ------------------------------------
// Output dim = (in + pad_total - (k-1)*dilation - 1) // stride + 1; <= 0 raises
// "Dimension Error: Output dimension calculated to be lesser than zero!".
bool conv_1d_constraints(ConstraintContext& c);  // (output, input, stride, padding, dilation, kernel)
bool conv_2d_constraints(ConstraintContext& c);  // (output, input, stride, padding, dilation, kernel)
bool pool_1d_constraints(ConstraintContext& c);  // (output, input, kernel_size, stride, padding, dilation)
bool pool_2d_constraints(ConstraintContext& c);  // (output, input, kernel_size, stride, padding, dilation)

// ---- creation (creation.cpp) -----------------------------------------------------
bool arange_constraints(ConstraintContext& c);   // (output, start, stop, step)
bool eye_constraints(ConstraintContext& c);      // (output, N, M)
bool randn_constraints(ConstraintContext& c);    // (output, shape)   also ones/randint
bool cross_entropy_constraint(ConstraintContext& c);  // (categorical, input, target)

// ---- scalar / value propagation (values.cpp) ----------------------------------
bool shape_constraints(ConstraintContext& c);    // (output, input)  bidirectional
bool size_constraints(ConstraintContext& c);     // (output, input, dim)
bool length_constraints(ConstraintContext& c);   // (output, input)
bool item_constraints(ConstraintContext& c);     // (output, input)
bool to_tensor_constraints(ConstraintContext& c);      // (output, input)
bool tensor_to_list_constraints(ConstraintContext& c); // (output, input)
bool to_list_constraints(ConstraintContext& c);  // (output, input1, ..., inputN)
bool to_tuple_constraints(ConstraintContext& c); // (output, input1, ..., inputN)
bool union_constraints(ConstraintContext& c);    // (output, input1, ..., inputN)
bool buffer_constraint(ConstraintContext& c);    // (output, input)
bool padding_1d_constraint(ConstraintContext& c);      // (output, input, kernel_size)
bool padding_2d_constraint(ConstraintContext& c);      // (output, input, kernel_size)
bool stride_constraint(ConstraintContext& c);          // (output, input, kernel_size)
bool tuple_converter_constraint(ConstraintContext& c); // (output, input)
bool dtype_constraints(ConstraintContext& c);    // (output, input)  output = input's dtype
bool cast_constraints(ConstraintContext& c);     // (output, input, dtype)

// ---- indexing (indexing.cpp) -------------------------------------------------------
bool slice_constraints(ConstraintContext& c);    // (output, start, stop, step)
bool indexer_constraints(ConstraintContext& c);  // (output, input, index)

// ---- scalar forward evaluation (forward.cpp) --------------------------------
// Scalar semantics of an operator when every input is a known scalar value
// (Python semantics: 2 + 3 -> 5, 7 // 2 -> 3, True + True -> 2, ...).
using ScalarFn = std::function<Value(const std::vector<Value>&)>;
// (output, input1, ..., inputN): when every input is valued and none is a
// Tensor, sets output = fn(inputs). Solved once it has done so.
ConstraintFn general_forward_constraint(ScalarFn fn);
// Scalar function for a formula key ("add", "subtract", "multiplication",
// "divide", "floor_divide", "power", "minimum", "maximum", "greater", ...,
// "logical_and", "shift_left", "negate", "logical_not", "abs", ...); empty
// std::function when the key has no scalar form.
ScalarFn scalar_fn_for(const std::string& formula_key);

// ---- types (types.cpp) ---------------------------------------------------------
// How an operator maps operand atoms to result atoms (Mithril's
// general_type_constraint applied to sample values int 2, float 2.0, True).
enum class TypeRule {
    Arithmetic,     // + - * and friends: int∘int=int, any float=float, bool∘bool=int
    TrueDivide,     // /: always float
    FloorDivide,    // //: like Arithmetic
    Power,          // **: like Arithmetic
    Comparison,     // < <= > >= == !=: bool
    Logical,        // & | ^ on bool/int: bool∘bool=bool, else int
    Shift,          // << >>: int only
    UnaryKeep,      // negate, abs: same kind (bool -> int for negate)
};
// (output, input1, ..., inputN). Tensor-ness propagates (any Tensor operand
// gives a Tensor result); all-Tensor[bool] operands give Tensor[bool] unless
// is_bitwise. Runs in both directions: unions of the consistent combinations
// are intersected back onto every edge. Listens to type updates.
ConstraintFn general_type_constraint(TypeRule rule, bool is_bitwise = false);
bool reduce_type_constraint(ConstraintContext& c);  // (output, input, axis, keepdim)
bool indexer_type_constraint(ConstraintContext& c); // (output, input, index)

}  // namespace mithril::constraints
