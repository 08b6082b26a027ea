// physical/physical_data.cpp — queries over the flat graph (readers and writers of a key).
#include "physical/physical_data.hpp"

namespace mithril::detail {

std::vector<int> PhysicalData::consumers(int k) const {
    std::vector<int> out;
    k = root(k);
    for (size_t i = 0; i < ops.size(); ++i) {
        if (!ops[i].live) continue;
        for (int in : ops[i].inputs)
            if (root(in) == k) {
                out.push_back(int(i));
                break;
            }
    }
    return out;
}

int PhysicalData::producer(int k) const {
    k = root(k);
    for (size_t i = 0; i < ops.size(); ++i)
        if (ops[i].live && root(ops[i].output) == k) return int(i);
    return -1;
}

}  // namespace mithril::detail
