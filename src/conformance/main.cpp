// conformance/main.cpp — the mithril-conformance CLI (FORMAT.md §8).
//
//   mithril-conformance [--backend NAME ...] [--dtype float64|float32] [--verbose]
//                       [--alternative numpy|torch|jax] [--iterations N] FILE_OR_DIR ...
//
// Prints one line per case (PASS / FAIL: reason / SKIP: reason), suite by
// suite in file order, then exactly `N passed, M failed[, K skipped]`. Exit
// status 0 when nothing failed, 1 otherwise, 2 for usage or I/O errors. A
// folder stands for its *.json files in name order. --dtype selects the
// randomized suite's precision (repeatable); the directed suites always run
// float64 (§1.2). --verbose adds the notes of each case on indented lines.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "conformance/runner.hpp"

namespace {

namespace cf = mithril::conformance;

int usage(const std::string &why) {
    if (!why.empty()) std::cerr << "mithril-conformance: " << why << "\n";
    std::cerr << "usage: mithril-conformance [--backend NAME ...] [--dtype float64|float32] "
                 "[--verbose] [--alternative numpy|torch|jax] [--iterations N] FILE_OR_DIR ...\n"
                 "backends: ";
    for (const auto &b : cf::available_backends())
        std::cerr << b << " ";
    std::cerr << "\n";
    return 2;
}

} // namespace

int main(int argc, char **argv) {
    cf::Options options;
    options.backends.clear();
    options.dtypes.clear();
    std::vector<std::string> paths;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&](const char *what) -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(std::string(what) + " needs a value");
            return argv[++i];
        };
        try {
            if (a == "--backend" || a == "-b") {
                options.backends.push_back(next("--backend"));
            } else if (a == "--dtype") {
                const std::string d = next("--dtype");
                if (d == "float64")
                    options.dtypes.push_back(mithril::Dtype::float64);
                else if (d == "float32")
                    options.dtypes.push_back(mithril::Dtype::float32);
                else
                    return usage("unknown dtype '" + d + "'");
            } else if (a == "--alternative") {
                options.alternative = next("--alternative");
                if (options.alternative != "numpy" && options.alternative != "torch" &&
                    options.alternative != "jax")
                    return usage("unknown alternative '" + options.alternative + "'");
            } else if (a == "--iterations") {
                options.iterations = std::stoi(next("--iterations"));
            } else if (a == "--verbose" || a == "-v") {
                options.verbose = true;
            } else if (a == "--help" || a == "-h") {
                usage("");
                return 0;
            } else if (!a.empty() && a[0] == '-') {
                return usage("unknown option '" + a + "'");
            } else {
                paths.push_back(a);
            }
        } catch (const std::exception &e) {
            return usage(e.what());
        }
    }
    if (paths.empty()) return usage("no suite file or folder given");
    if (options.backends.empty()) options.backends = {"reference"};
    if (options.dtypes.empty()) options.dtypes = {mithril::Dtype::float64};
    const auto available = cf::available_backends();
    for (const auto &b : options.backends)
        if (std::find(available.begin(), available.end(), b) == available.end())
            return usage("backend '" + b + "' is not available in this build");

    std::vector<std::string> files;
    for (const auto &p : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            std::vector<std::string> in_dir;
            for (const auto &entry : std::filesystem::directory_iterator(p, ec))
                if (entry.is_regular_file() && entry.path().extension() == ".json")
                    in_dir.push_back(entry.path().string());
            std::sort(in_dir.begin(), in_dir.end());
            files.insert(files.end(), in_dir.begin(), in_dir.end());
        } else if (std::filesystem::is_regular_file(p, ec)) {
            files.push_back(p);
        } else {
            std::cerr << "mithril-conformance: no such file or folder: " << p << "\n";
            return 2;
        }
    }

    size_t passed = 0, failed = 0, skipped = 0;
    auto emit = [&](const cf::CaseResult &r) {
        switch (r.status) {
        case cf::Status::Pass:
            ++passed;
            std::cout << "PASS " << r.name << "\n";
            break;
        case cf::Status::Fail:
            ++failed;
            std::cout << "FAIL " << r.name << ": " << r.reason << "\n";
            break;
        case cf::Status::Skip:
            ++skipped;
            std::cout << "SKIP " << r.name << ": " << r.reason << "\n";
            break;
        }
        if (options.verbose)
            for (const auto &n : r.notes)
                std::cout << "    " << n << "\n";
        std::cout.flush();
    };
    for (const auto &f : files) {
        try {
            cf::run_suite_file(f, options, emit);
        } catch (const std::exception &e) {
            std::cerr << "mithril-conformance: " << e.what() << "\n";
            return 2;
        }
    }
    std::cout << passed << " passed, " << failed << " failed";
    if (skipped) std::cout << ", " << skipped << " skipped";
    std::cout << "\n";
    return failed == 0 ? 0 : 1;
}
