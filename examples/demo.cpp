// demo.cpp — the main example (scripts/demo.sh builds and runs it as build/mithril_demo).
//
// Builds the README model of Mithril: two small MLPs chained with += and
// joined with Add, prints its logical summary with symbolic shapes (nothing
// is known yet), then sets the input shape and prints the shapes the
// constraint solver resolved everywhere.
#include <iostream>

#include <cmath>
#include <iomanip>

#include "mithril/compile.hpp"
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

// Trains the model (wrapped in a TrainModel with a squared-error loss) on a
// synthetic regression task with plain gradient descent on the reference
// backend, printing the loss as it falls.
void train(ml::Model model) {
    ml::TrainModel tm(model);
    tm.add_loss(ml::SquaredError(), {ml::Mean()}, std::nullopt, std::nullopt,
                {{"input", "output"}, {"target", "target"}});
    const int64_t n = 64, d = 10;
    ml::Tensor x = ml::Tensor::full(ml::Dtype::float64, {n, d}, 0.0);
    ml::Tensor y = ml::Tensor::full(ml::Dtype::float64, {n, 16}, 0.0);
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = 0; j < d; ++j) x.data<double>()[i * d + j] = std::sin(0.37 * double(i * d + j));
        for (int64_t k = 0; k < 16; ++k)
            y.data<double>()[i * 16 + k] = 0.5 * std::cos(0.11 * double(i + 3 * k));
    }
    auto pm = ml::compile(tm, ml::ReferenceBackend{ml::Dtype::float64},
                          {.constant_keys = {{"input", x}, {"target", y}}});
    auto params = pm.randomize_params({}, 42);
    for (auto& [name, t] : params)  // small initial weights, as Mithril's examples do
        for (int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] *= 0.1;
    const double lr = 0.05;
    std::cout << "\nTraining on the reference backend (" << pm.trainable_keys().size()
              << " parameter tensors, gradient descent, lr " << lr << "):\n";
    for (int step = 0; step <= 300; ++step) {
        auto res = pm.evaluate(params, {}, {.output_gradients = true});
        double loss = res.outputs.at("final_cost").as_tensor().at_double(0);
        if (step % 50 == 0)
            std::cout << "  step " << std::setw(3) << step << "  loss " << std::setprecision(6) << loss << "\n";
        for (auto& [name, t] : params) {
            const ml::Tensor& g = res.gradients.at(name);
            for (int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] -= lr * g.at_double(size_t(i));
        }
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

    train(model);
    return 0;
} catch (const mithril::Error& e) {
    std::cerr << e.python_name() << ": " << e.what() << "\n";
    return 1;
}
