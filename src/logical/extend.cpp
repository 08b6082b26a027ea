// logical/extend.cpp — wiring a child into a parent (|=, +=), cycle detection,
// and pulling connection-algebra operators out of provisional models.
#include <algorithm>

#include "graph/model_graph.hpp"
#include "logical/model_data.hpp"

namespace mithril::detail {

using constraints::Edge;
using constraints::EdgeUpdates;

namespace {

const ConnectValue* lookup(const ConnectMap& kwargs, const std::string& key) {
    for (const auto& [k, v] : kwargs)
        if (k == key) return &v;
    return nullptr;
}

bool contains(const std::vector<std::shared_ptr<ConnectionData>>& v, const ConnectionData* c) {
    return std::any_of(v.begin(), v.end(), [&](const auto& x) { return x.get() == c; });
}

std::string list_repr(const std::vector<std::string>& keys) {
    std::string s = "[";
    for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", '" : "'") + keys[i] + "'";
    return s + "]";
}

std::shared_ptr<ModelData> provisional_for(const std::shared_ptr<ModelData>& m);

// Move the provisional operator producing `e` (and, recursively, its
// provisional producers) from `prov` into `parent`.
std::shared_ptr<ConnectionData> pull(const std::shared_ptr<ModelData>& parent,
                                     const std::shared_ptr<ModelData>& prov, const Edge* e,
                                     const std::shared_ptr<ConnectionData>& source) {
    if (auto pc = parent->find_by_edge(e)) return pc;
    // Solver: the parent tree takes over the provisional constraints.
    auto& parent_solver = parent->root_solver();
    if (&parent_solver != &prov->root_solver()) parent_solver.absorb(prov->root_solver());
    size_t producer = prov->subs.size();
    for (size_t i = 0; i < prov->subs.size() && producer == prov->subs.size(); ++i)
        for (const auto& [k, pc] : prov->subs[i].bindings)
            if (pc->e() == e && prov->subs[i].model->is_output_key(k)) producer = i;
    auto adopt = [&](const std::shared_ptr<ConnectionData>& pc) {
        if (auto existing = parent->find_by_edge(pc->e())) return existing;
        if (!pc->auto_named && !parent->find(pc->key))
            return parent->add_connection(pc->key, false, pc->edge);
        return parent->add_auto_connection(pc->edge);
    };
    if (producer == prov->subs.size()) return adopt(source);  // a plain input of the scratch model
    SubmodelEntry entry = prov->subs[producer];
    prov->subs.erase(prov->subs.begin() + long(producer));
    for (const auto& [k, pc] : entry.bindings)
        if (entry.model->is_input_key(k)) pull(parent, prov, pc->e(), pc);
    SubmodelEntry moved{entry.model, {}};
    for (const auto& [k, pc] : entry.bindings) moved.bindings[k] = adopt(pc);
    entry.model->parent = parent;
    parent->subs.push_back(moved);
    return parent->find_by_edge(e);
}

std::shared_ptr<ModelData> provisional_for(const std::shared_ptr<ModelData>& m) {
    if (m->provisional) return m;
    if (!m->provisional_model) {
        auto p = std::make_shared<ModelData>();
        p->provisional = true;
        p->class_name = "Model";
        p->provisional_owner = m;  // shares the real tree's solver through root()
        m->provisional_model = p;
    }
    return m->provisional_model;
}

}  // namespace

std::shared_ptr<ConnectionData> import_connection(const std::shared_ptr<ModelData>& parent,
                                                  const Connection& c) {
    auto cd = c.data();
    if (!cd) throw KeyError("An empty connection can not be used.");
    const Edge* e = cd->e();
    if (auto pc = parent->find_by_edge(e)) return pc;
    auto owner = cd->owner.lock();
    if (owner && owner->provisional) return pull(parent, owner, e, cd);
    if (parent->provisional) {
        // Connection algebra on a real model's key: alias it in the scratch model.
        if (!cd->auto_named && !parent->find(cd->key))
            return parent->add_connection(cd->key, false, cd->edge);
        return parent->add_auto_connection(cd->edge);
    }
    // A provisional result derived from this parent's own keys.
    if (parent->provisional_model) {
        auto prov = parent->provisional_model;
        for (const auto& s : prov->subs)
            for (const auto& [k, pc] : s.bindings)
                if (pc->e() == e) return pull(parent, prov, e, pc);
    }
    throw KeyError("Connection '" + cd->key + "' is not a connection of the model '" +
                   parent->class_name + "'.");
}

void extend(const std::shared_ptr<ModelData>& parent, const std::shared_ptr<ModelData>& child,
            ConnectMap kwargs, bool canonical) {
    if (parent->frozen) throw Error(ErrorKind::Runtime, "Model is frozen and can not be extended!");
    if (child == parent) throw KeyError("A model can not be extended with itself.");
    if (!child->may_be_submodel)
        throw Error(ErrorKind::Runtime, child->class_name + " can not be a submodel of another model!");
    if (child->parent.lock()) throw Error(ErrorKind::Runtime, "Child model could not be re-extended!");
    if (parent->parent.lock())
        throw Error(ErrorKind::Runtime, "Submodel of a model could not be extended!");
    if (!child->name.empty())
        for (const auto& s : parent->subs)
            if (s.model->name == child->name)
                throw KeyError("Model already has a submodel named " + child->name + ".");
    if (!child->frozen) child->freeze();

    if (canonical && !parent->subs.empty()) {
        std::vector<std::string> available;
        for (const auto& cin : child->cins)
            if (!lookup(kwargs, cin->key)) available.push_back(cin->key);
        if (child->cins.empty())
            throw KeyError("No existing canonical input is found to extension model! Use |= operator.");
        if (available.size() != 1)
            throw KeyError("Submodel must have single available canonical input! Set canonical "
                           "input or use |= operator.");
        kwargs.emplace_back(available.front(), Model(parent).cout());
    }

    auto iface = child->interface();
    for (const auto& [k, v] : kwargs) {
        (void)v;
        bool known = std::any_of(iface.begin(), iface.end(),
                                 [&](const auto& c) { return c->key == k; });
        if (!known)
            throw KeyError("Given key '" + k + "' is not valid for model '" + child->class_name +
                           "'. Valid keys: " + [&] {
                               std::vector<std::string> ks;
                               for (const auto& c : iface) ks.push_back(c->key);
                               return list_repr(ks);
                           }());
    }

    // Resolve every interface key of the child to a parent connection.
    struct Plan {
        std::shared_ptr<ConnectionData> child_conn, parent_conn;
        const ConnectValue* given;
    };
    std::vector<Plan> plan;
    std::vector<std::shared_ptr<ConnectionData>> created;
    for (const auto& cc : iface) {
        const ConnectValue* given = lookup(kwargs, cc->key);
        std::shared_ptr<ConnectionData> pc;
        auto fresh = [&](const std::optional<std::string>& name) {
            auto c = name ? parent->add_connection(*name, false, Edge::make())
                          : parent->add_auto_connection(Edge::make());
            created.push_back(c);
            return c;
        };
        if (!given) {
            pc = fresh(std::nullopt);
        } else {
            const auto& g = given->get();
            if (auto* name = std::get_if<std::string>(&g)) {
                if (name->empty()) pc = fresh(std::nullopt);
                else if (auto found = parent->find(*name)) pc = found;
                else pc = fresh(*name);
            } else if (auto* k = std::get_if<IOKey>(&g)) {
                if (k->connection) {
                    pc = import_connection(parent, *k->connection);
                    if (k->name && *k->name != pc->key) {
                        if (parent->find(*k->name))
                            throw KeyError("Key '" + *k->name + "' already exists.");
                        parent->by_key.erase(pc->key);
                        pc->key = *k->name;
                        pc->auto_named = false;
                        parent->by_key[pc->key] = pc;
                    }
                } else if (k->name && parent->find(*k->name)) {
                    pc = parent->find(*k->name);
                } else {
                    pc = fresh(k->name);
                }
            } else if (auto* conn = std::get_if<Connection>(&g)) {
                pc = import_connection(parent, *conn);
            } else {
                pc = fresh(std::nullopt);
            }
        }
        plan.push_back({cc, pc, given});
    }
    auto rollback = [&] {
        for (const auto& c : created) {
            parent->by_key.erase(c->key);
            parent->conns.erase(std::remove(parent->conns.begin(), parent->conns.end(), c),
                                parent->conns.end());
        }
    };

    // Multi-write and cycle checks, before anything is merged.
    std::vector<const ConnectionData*> child_outputs;
    for (const auto& p : plan) {
        if (!child->is_output_key(p.child_conn->key)) continue;
        bool written = parent->is_produced(p.parent_conn.get()) ||
                       std::find(child_outputs.begin(), child_outputs.end(),
                                 p.parent_conn.get()) != child_outputs.end();
        if (written) {
            rollback();
            throw KeyError("Given connections are both output connections. Multi-write error!");
        }
        if (p.parent_conn->e()->is_valued() && !parent->is_produced(p.parent_conn.get())) {
            rollback();
            throw KeyError("Given output connection has a value and can not be written!");
        }
        child_outputs.push_back(p.parent_conn.get());
    }
    // A cycle: an output of the child already feeds one of its inputs.
    // Mithril names the output and the child inputs it depends on.
    std::vector<std::string> in_keys;
    for (const auto& p : plan)
        if (child->is_input_key(p.child_conn->key) && !p.parent_conn->e()->is_valued())
            in_keys.push_back(p.parent_conn->key);
    graph::ModelGraph wiring(*parent);
    for (const auto* oc : child_outputs) {
        auto down = wiring.downstream({oc});
        for (const auto& p : plan) {
            if (!child->is_input_key(p.child_conn->key) || !down.count(p.parent_conn.get())) continue;
            rollback();
            throw KeyError("There exists a cyclic subgraph between " + oc->key + " key and " +
                           list_repr(in_keys) + " key(s)!");
        }
    }

    // Merge edges and apply the facts given with the keys.
    EdgeUpdates u;
    SubmodelEntry entry{child, {}};
    for (const auto& p : plan) {
        Edge* pe = p.parent_conn->e();
        Edge* ce = p.child_conn->e();
        constraints::merge_edges(*pe, *ce, u);
        entry.bindings[p.child_conn->key] = p.parent_conn;
    }
    for (const auto& p : plan) {
        if (!p.given) continue;
        const auto& g = p.given->get();
        if (auto* k = std::get_if<IOKey>(&g)) apply_iokey_facts(*k, *p.parent_conn->e(), u);
        else if (auto* v = std::get_if<Value>(&g)) constraints::set_edge_value(*p.parent_conn->e(), *v, u);
    }
    child->parent = parent;
    parent->subs.push_back(entry);
    parent->root_solver().absorb(*child->solver);
    child->solver = parent->root()->solver;

    // Canonical inputs and outputs.
    auto mapped = [&](const std::vector<std::shared_ptr<ConnectionData>>& keys) {
        std::vector<std::shared_ptr<ConnectionData>> out;
        for (const auto& k : keys) {
            auto it = entry.bindings.find(k->key);
            if (it != entry.bindings.end()) out.push_back(it->second);
        }
        return out;
    };
    auto child_cins = mapped(child->cins);
    auto child_couts = mapped(child->couts);
    auto is_free_input = [&](const ConnectionData* c) {
        return !parent->is_produced(c) && !c->e()->is_valued();
    };
    std::erase_if(parent->cins, [&](const auto& c) { return !is_free_input(c.get()); });
    std::erase_if(parent->couts, [&](const auto& c) {
        return parent->is_consumed(c.get()) && !parent->exposed_outputs.count(c.get());
    });
    for (const auto& c : child_cins)
        if (is_free_input(c.get()) && !contains(parent->cins, c.get())) parent->cins.push_back(c);
    for (const auto& c : child_couts)
        if ((!parent->is_consumed(c.get()) || parent->exposed_outputs.count(c.get())) &&
            !contains(parent->couts, c.get()))
            parent->couts.push_back(c);

    solve(*parent, u);
}

// ---- functional API ----------------------------------------------------------

Connection call_model(const std::shared_ptr<ModelData>& child, std::vector<ConnectValue> positional,
                      ConnectMap kwargs) {
    // Positional arguments map onto the child's input keys in order.
    auto inputs = child->exposed_inputs();
    if (positional.size() > inputs.size())
        throw KeyError("Too many positional arguments for model '" + child->class_name + "'.");
    for (size_t i = 0; i < positional.size(); ++i)
        kwargs.insert(kwargs.begin() + long(i), {inputs[i]->key, positional[i]});
    // The scratch model: that of the first connection argument, or a new one.
    std::shared_ptr<ModelData> target;
    for (const auto& [k, v] : kwargs) {
        (void)k;
        const Connection* c = std::get_if<Connection>(&v.get());
        if (!c) {
            if (auto* io = std::get_if<IOKey>(&v.get()); io && io->connection) c = &*io->connection;
        }
        if (!c || !c->data()) continue;
        auto owner = c->data()->owner.lock();
        if (!owner) continue;
        target = provisional_for(owner->provisional ? owner : owner->root());
        break;
    }
    if (!target) {
        target = std::make_shared<ModelData>();
        target->provisional = true;
    }
    extend(target, child, std::move(kwargs), false);
    const auto& entry = target->subs.back();
    if (child->couts.empty()) throw KeyError("Model '" + child->class_name + "' has no output.");
    return make_connection(entry.bindings.at(child->couts.front()->key));
}

Model create_model(std::vector<Connection> outputs,
                   std::vector<std::pair<std::string, Connection>> named, std::string name) {
    auto m = std::make_shared<ModelData>();
    m->name = std::move(name);
    std::vector<std::shared_ptr<ConnectionData>> outs;
    for (const auto& c : outputs) outs.push_back(import_connection(m, c));
    for (const auto& [key, c] : named) {
        auto pc = import_connection(m, c);
        if (pc->key != key) {
            if (m->find(key)) throw KeyError("Key '" + key + "' already exists.");
            m->by_key.erase(pc->key);
            pc->key = key;
            pc->auto_named = false;
            m->by_key[key] = pc;
        }
        outs.push_back(pc);
    }
    for (const auto& pc : outs) {
        m->exposed_outputs.insert(pc.get());
        if (!contains(m->couts, pc.get())) m->couts.push_back(pc);
    }
    auto ins = m->exposed_inputs();
    auto input = std::find_if(ins.begin(), ins.end(), [](const auto& c) { return c->key == "input"; });
    if (input != ins.end()) m->cins = {*input};
    else if (!ins.empty()) m->cins = {ins.front()};
    m->freeze();
    m->solver->solve_all();
    return Model(m);
}

}  // namespace mithril::detail
