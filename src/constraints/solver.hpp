// constraints/solver.hpp — constraints and the eager, incremental solver loop.
//
// A Constraint is a function over an ordered list of edges (the operator keys
// it was registered with, e.g. bcast(output, left, right)). It reads the
// edges through a ConstraintContext, mutates them only through the context
// (so every change is recorded), and returns true once it is solved for
// good. The Solver runs a worklist: a constraint is (re)run only when an edge
// it reads changed in a way it listens to, or a symbol in one of its edges'
// shapes changed; a constraint with unsolved dependencies waits for them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "constraints/edge.hpp"

namespace mithril::constraints {

class ConstraintContext;
using ConstraintFn = std::function<bool(ConstraintContext&)>;

class Constraint {
public:
    Constraint(std::string name, ConstraintFn fn, std::vector<std::shared_ptr<Edge>> edges,
               unsigned listens = kShape | kValue);

    const std::string& name() const { return name_; }
    bool solved() const { return solved_; }
    unsigned listens() const { return listens_; }
    size_t arity() const { return edges_.size(); }
    Edge* edge(size_t i) const { return resolve(edges_[i]); }
    // This constraint runs only once every dependency is solved.
    void add_dependency(Constraint* parent);
    const std::vector<Constraint*>& dependencies() const { return deps_; }
    bool reads_symbol_of(const Updates& u) const;

    // Run once; returns the status and records what changed.
    bool run(EdgeUpdates& u);
    void mark_solved() { solved_ = true; }

private:
    std::string name_;
    ConstraintFn fn_;
    std::vector<std::shared_ptr<Edge>> edges_;
    unsigned listens_;
    std::vector<Constraint*> deps_;
    bool solved_ = false;
};

// What a constraint function sees: its edges in registration order.
class ConstraintContext {
public:
    ConstraintContext(const Constraint& c, EdgeUpdates& u) : c_(c), u_(u) {}

    size_t arity() const { return c_.arity(); }
    Edge& edge(size_t i) const { return *c_.edge(i); }
    // Primary repr of edge i, normalized. A non-tensor edge reads as the
    // rank-0 shape [] (scalars broadcast like 0-d tensors).
    ShapeRepr& shape(size_t i) const;
    const Value& value(size_t i) const { return edge(i).value; }
    bool valued(size_t i) const { return !edge(i).value.is_tbd(); }
    Type type(size_t i) const { return edge(i).type; }
    EdgeUpdates& updates() const { return u_; }
    Updates& symbols() const { return u_.symbols; }

    void set_value(size_t i, const Value& v) const { set_edge_value(edge(i), v, u_); }
    void set_type(size_t i, Type t) const { set_edge_type(edge(i), t, u_); }
    void set_shape(size_t i, const ShapeRepr& r) const;
    void unify(const Dim& a, const Dim& b) const { constraints::unify(a, b, u_.symbols); }
    void set_dim(const Dim& a, int64_t v) const { set_dim_value(a, v, u_.symbols); }
    void restrict(const Dim& a, const std::set<int64_t>& s) const {
        restrict_dim(a, s, u_.symbols);
    }
    void bind(const Var& v, const ShapeRepr& r) const { constraints::bind(v, r, u_.symbols); }

private:
    const Constraint& c_;
    EdgeUpdates& u_;
    mutable ShapeRepr scalar_repr_;
};

// Owns the constraints of one model tree; the root model's solver absorbs
// its children's on extension.
class Solver {
public:
    void add(std::shared_ptr<Constraint> c);
    void absorb(Solver& other);
    // Run to a fixpoint starting from the given changes.
    void solve(const EdgeUpdates& seed);
    // Run every unsolved constraint at least once, then to a fixpoint.
    void solve_all();
    const std::vector<std::shared_ptr<Constraint>>& constraints() const { return all_; }
    size_t unsolved_count() const;

private:
    void run_worklist(std::vector<Constraint*> queue);
    std::vector<std::shared_ptr<Constraint>> all_;
};

// Run one constraint function directly on a list of edges (as Mithril's
// constraint tests do) to a fixpoint of itself; returns its status and what
// changed. For tests and for compile-time evaluation.
bool run_constraint_once(const std::string& name, const ConstraintFn& fn,
                         const std::vector<std::shared_ptr<Edge>>& edges, EdgeUpdates& u);

}  // namespace mithril::constraints
