// constraints/solver.cpp — Constraint, ConstraintContext and the worklist loop.
#include "constraints/solver.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include <cstdio>
#include <cstdlib>

#include "mithril/errors.hpp"

namespace mithril::constraints {

Constraint::Constraint(std::string name, ConstraintFn fn,
                       std::vector<std::shared_ptr<Edge>> edges, unsigned listens)
    : name_(std::move(name)), fn_(std::move(fn)), edges_(std::move(edges)), listens_(listens) {}

void Constraint::add_dependency(Constraint* parent) { deps_.push_back(parent); }

namespace {
bool node_reads(ShapeNode& n, const Updates& u) {
    for (auto& r : n.reprs) {
        r.normalize();
        for (const auto* d : u.dims)
            if (r.contains(d)) return true;
        for (const auto* v : u.vars)
            if (r.contains(v)) return true;
    }
    return false;
}
}  // namespace

bool Constraint::reads_symbol_of(const Updates& u) const {
    if (u.empty()) return false;
    for (size_t i = 0; i < edges_.size(); ++i) {
        Edge* e = edge(i);
        if (e->type.may_be_tensor() && node_reads(*e->shape, u)) return true;
        for (const auto& el : e->elements) {
            Edge* x = resolve(el);
            if (x->type.may_be_tensor() && node_reads(*x->shape, u)) return true;
        }
    }
    return false;
}

bool Constraint::run(EdgeUpdates& u) {
    ConstraintContext ctx(*this, u);
    return fn_(ctx);
}

ShapeRepr& ConstraintContext::shape(size_t i) const {
    if (!edge(i).type.may_be_tensor()) {  // scalars broadcast as rank-0 shapes
        scalar_repr_ = ShapeRepr();
        return scalar_repr_;
    }
    ShapeNode& n = *edge(i).shape;
    n.normalize(u_.symbols);
    return n.primary();
}

void ConstraintContext::set_shape(size_t i, const ShapeRepr& r) const {
    set_edge_shape(edge(i), r, u_);
}

// ---- Solver ------------------------------------------------------------------------

void Solver::add(std::shared_ptr<Constraint> c) {
    for (size_t i = 0; i < c->arity(); ++i) {
        Edge* e = c->edge(i);
        if (std::find(e->constraints.begin(), e->constraints.end(), c.get()) == e->constraints.end())
            e->constraints.push_back(c.get());
    }
    all_.push_back(std::move(c));
}

void Solver::absorb(Solver& other) {
    if (&other == this) return;
    for (auto& c : other.all_) all_.push_back(c);
    other.all_.clear();
}

size_t Solver::unsolved_count() const {
    return size_t(std::count_if(all_.begin(), all_.end(),
                                [](const auto& c) { return !c->solved(); }));
}

namespace {

void collect_affected(const std::vector<std::shared_ptr<Constraint>>& all, const EdgeUpdates& u,
                      std::vector<Constraint*>& out) {
    for (const auto& [edge, kinds] : u.edges) {
        Edge* e = edge;
        while (e->forward) e = e->forward.get();
        for (Constraint* c : e->constraints)
            if (!c->solved() && ((c->listens() & kinds) ||
                                 ((c->listens() & kShape) && (kinds & kType))))
                out.push_back(c);
    }
    if (!u.symbols.empty())
        for (const auto& c : all)
            if (!c->solved() && (c->listens() & kShape) && c->reads_symbol_of(u.symbols))
                out.push_back(c.get());
}

}  // namespace

void Solver::run_worklist(std::vector<Constraint*> initial) {
    std::deque<Constraint*> queue;
    std::set<Constraint*> queued;
    auto push = [&](Constraint* c) {
        if (!c->solved() && queued.insert(c).second) queue.push_back(c);
    };
    for (auto* c : initial) push(c);
    size_t steps = 0;
    const size_t limit = 200000 + 200 * all_.size();
    while (!queue.empty()) {
        Constraint* c = queue.front();
        if (++steps > limit)
            throw InternalError("constraint solver did not reach a fixpoint after " +
                                std::to_string(limit) + " steps (still re-running '" +
                                c->name() + "')");
        queue.pop_front();
        queued.erase(c);
        if (c->solved()) continue;
        bool blocked = std::any_of(c->dependencies().begin(), c->dependencies().end(),
                                   [](Constraint* p) { return !p->solved(); });
        if (blocked) continue;
        EdgeUpdates u;
        bool status = c->run(u);
        static const bool trace = std::getenv("MITHRIL_TRACE_SOLVER") != nullptr;
        if (trace)
            std::fprintf(stderr, "[solver] %s -> %s (%zu edge updates, %zu dims, %zu vars)\n",
                         c->name().c_str(), status ? "solved" : "pending", u.edges.size(),
                         u.symbols.dims.size(), u.symbols.vars.size());
        std::vector<Constraint*> next;
        if (status) {
            c->mark_solved();
            for (const auto& other : all_)
                if (!other->solved() &&
                    std::find(other->dependencies().begin(), other->dependencies().end(), c) !=
                        other->dependencies().end())
                    next.push_back(other.get());
        }
        collect_affected(all_, u, next);
        for (auto* n : next) push(n);
    }
}

void Solver::solve(const EdgeUpdates& seed) {
    std::vector<Constraint*> initial;
    collect_affected(all_, seed, initial);
    run_worklist(std::move(initial));
}

void Solver::solve_all() {
    std::vector<Constraint*> initial;
    for (auto& c : all_)
        if (!c->solved()) initial.push_back(c.get());
    run_worklist(std::move(initial));
}

bool run_constraint_once(const std::string& name, const ConstraintFn& fn,
                         const std::vector<std::shared_ptr<Edge>>& edges, EdgeUpdates& u) {
    Constraint c(name, fn, edges);
    for (int round = 0; round < 64; ++round) {
        EdgeUpdates local;
        bool status = c.run(local);
        u.merge(local);
        if (status) return true;
        if (local.empty()) return false;
    }
    return false;
}

}  // namespace mithril::constraints
