// conformance/runner.hpp — the conformance runner for Mithril's JSON suites.
//
// The spec is /work/shared/conformance/FORMAT.md (a copy of its rules is not
// repeated here; each function names its section). run_suite_file() picks the
// suite family from the file name (§5), runs every case in file order on every
// selected backend and reports one CaseResult per case (§8): PASS only when
// every backend passes, SKIP with the §6 reason (or a precise one of ours),
// FAIL with the backend and the first check that failed.
//
// Internals shared by the suite files (common.cpp) are declared below the
// public part: tensor conversion with per-backend alternatives (§1.3), the
// directed comparison rule (§1.4), the exclusion table (§6) and compile
// helpers. A check that fails throws CaseFailure; a case that can not be run
// throws CaseSkip.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/model_dict.hpp"
#include "mithril/compile.hpp"

namespace mithril::conformance {

using io::Json;

enum class Status { Pass, Fail, Skip };

struct CaseResult {
    std::string name; // "<suite>/<case>"
    Status status = Status::Pass;
    std::string reason;             // one line; empty for PASS
    std::vector<std::string> notes; // extra log lines (printed with --verbose)
};

struct Options {
    std::vector<std::string> backends = {"reference"};
    // The randomized suite's dtypes (§5.6); the directed suites are float64 (§1.2).
    std::vector<Dtype> dtypes = {Dtype::float64};
    std::string alternative = "numpy"; // which per-backend entry to compare with (§1.3)
    bool verbose = false;
    // Randomized suite: iterations per case (0 = the case's own count, default 10).
    int iterations = 0;
};

using Emit = std::function<void(const CaseResult &)>;

// Backends this build can run.
std::vector<std::string> available_backends();

// Run every case of one suite file. Throws std::runtime_error for unreadable
// or malformed files (the CLI's exit status 2).
void run_suite_file(const std::string &path, const Options &options, const Emit &emit);

// ---- internals shared by the suite implementations ---------------------------------------

struct CaseFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct CaseSkip : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// §6: the reason a case is excluded upstream, or nullopt.
std::optional<std::string> excluded_reason(const std::string &suite, const std::string &name);

// §1.3: a per-backend object resolved to `alternative`, then §1.2.
Tensor expected_tensor(const Json &v, const std::string &alternative, const std::string &what);
bool is_alternatives(const Json &v);
// A computed output as a tensor (numbers become 0-d tensors); nullopt for other values.
std::optional<Tensor> as_tensor(const Value &v);

// §1.4 (strict <, whole-tensor absolute or relative test, equal shapes, NaN
// fails). Returns a failure detail ("max abs diff 1 at [0,1]") or nullopt.
std::optional<std::string> directed_mismatch(const Tensor &expected, const Tensor &computed,
                                             double tol = 1e-14, double rtol = 1e-14);
// §5.6 / §5.9: |a - b| <= atol + rtol * |b| element-wise, NaN equals NaN, equal shapes.
std::optional<std::string> allclose_mismatch(const Tensor &a, const Tensor &b, double atol,
                                             double rtol);

std::string shape_text(const std::vector<int64_t> &shape);
std::string format_double(double x);
std::string join_keys(const std::vector<std::string> &keys); // "{a, b}"

// Compile-time value of a constant key (§5.1 static_keys): a tensor (§1.2)
// when the model's key is a tensor (or may be one and the JSON is an array),
// otherwise the raw JSON value as a plain value.
Value static_value(const Model &model, const std::string &key, const Json &v);

// The statically inferred shape of a compiled key for the shape checks (§5.2,
// §5.6), from `shapes` = pm.get_shapes(): a non-tensor key has shape [];
// nullopt for a tensor whose shape has an unknown variadic part. `exists` is
// false when the compiled model has no such key.
std::optional<std::vector<DimSpec>>
inferred_shape(const PhysicalModel &pm,
               const std::map<std::string, std::optional<std::vector<DimSpec>>> &shapes,
               const std::string &key, bool &exists);
std::string dims_text(const std::optional<std::vector<DimSpec>> &dims);

// A list-valued input (§5.1 is_list, §5.5 stale Concat): a container that
// feeds key `key` of `inner` from n tensor inputs `<key>_item<i>` through a
// ToList; every other named key of `inner` keeps its name, and the exposed
// outputs of `inner` stay exposed. `items` receives the element key names.
Model wrap_list_input(const Model &inner, const std::string &key, size_t n,
                      std::vector<std::string> &items);

// Outputs of a compiled model that depend on a trainable input through
// operators whose output can be differentiable (§2.8 differentiability).
std::set<std::string> differentiable_outputs(const PhysicalModel &pm);

// Compile on a named backend.
PhysicalModel compile_on(const std::string &backend, const Model &model, Dtype dtype,
                         const CompileOptions &options);

// FNV-1a of a string, for per-case seeds.
uint64_t hash_name(const std::string &s);

// The suite families (one file each).
void run_directed_suite(const std::string &suite, const Json &cases, const Options &o,
                        const Emit &emit);
void run_primitives_suite(const std::string &suite, const Json &cases, const Options &o,
                          const Emit &emit);
void run_randomized_suite(const std::string &suite, const Json &cases, const Options &o,
                          const Emit &emit);
void run_static_keys_suite(const std::string &suite, const Json &cases, const Options &o,
                           const Emit &emit);
void run_discard_keys_suite(const std::string &suite, const Json &cases, const Options &o,
                            const Emit &emit);
void run_numpy_utils_suite(const std::string &suite, const Json &cases, const Options &o,
                           const Emit &emit);

// Runs `body` for one case and turns its outcome into a CaseResult:
// CaseFailure -> FAIL (its text), CaseSkip -> SKIP, a mithril::Error or other
// exception escaping the body -> FAIL naming the exception.
CaseResult run_case(const std::string &name, const std::function<void(CaseResult &)> &body);

} // namespace mithril::conformance
