// demo.cpp — the main example (scripts/demo.sh builds and runs it as build/mithril_demo).
//
// Builds the README model of Mithril: two small MLPs chained with += and
// joined with Add, prints its logical summary with symbolic shapes (nothing
// is known yet), then sets the input shape and prints the shapes the
// constraint solver resolved everywhere.
#include <iostream>

#include "mithril/host.hpp"
#include "mithril/mithril.hpp"

namespace ml = mithril;

namespace {

// Linear(32) -> Relu -> Linear(16), as in Mithril's README.
ml::Model mlp() {
    ml::Model m;
    m |= ml::Linear(32).connect({{"input", "input"}});
    m += ml::Relu();
    m += ml::Linear(16).connect({{"output", "output"}});
    return m;
}

void print_shapes(const ml::Model& model) {
    for (const auto& [key, shape] : model.get_shapes(true)) {
        if (!shape || key[0] == '$') continue;
        std::cout << "  " << key << ": [";
        for (size_t i = 0; i < shape->size(); ++i) std::cout << (i ? ", " : "") << (*shape)[i];
        std::cout << "]\n";
    }
}

}  // namespace

int main() try {
    std::cout << "mithril demo (host: " << ml::host_cpu_description() << ")\n\n";

    ml::Model model;
    model |= mlp().connect({{"input", "input"}, {"output", "output1"}});
    model += mlp().connect({{"output", "output2"}});
    model |= ml::Add().connect({{"left", "output1"}, {"right", "output2"}, {"output", "output"}});

    std::cout << "Logical model, shapes still symbolic:\n"
              << model.summary({.shapes = true, .types = true, .symbolic = true});
    print_shapes(model);

    model.set_shapes({{"input", {64, 10}}});
    std::cout << "\nAfter set_shapes(input = [64, 10]):\n"
              << model.summary({.shapes = true, .types = false, .symbolic = true});
    print_shapes(model);
    std::cout << "\nunsolved constraints: " << model.unsolved_constraints() << "\n";
    return 0;
} catch (const mithril::Error& e) {
    std::cerr << e.python_name() << ": " << e.what() << "\n";
    return 1;
}
