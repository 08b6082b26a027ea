// demo.cpp — placeholder for the main example (scripts/demo.sh runs it as build/mithril_demo):
// prints the host CPU as LLVM sees it and a small tensor. The lead replaces the body.
#include <iostream>

#include "mithril/host.hpp"
#include "mithril/tensor.hpp"

int main() {
    std::cout << "mithril demo\n";
    std::cout << "host cpu: " << mithril::host_cpu_description() << "\n";
    mithril::Tensor t({{1, 2, 3}, {4, 5, 6}});
    std::cout << "tensor " << t.dtype() << " " << t << "\n";
    return 0;
}
