// Loads a model with an override through the installed library and prints what it found.
#include <iostream>

#include "circuits/experiments/model_source.hpp"
#include "core/errors.hpp"

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    cortexsim::model_source source;
    source.path = argv[1];
    source.overrides.push_back({"population.hidden.size", "9"});
    try {
        const cortexsim::model_desc desc = source.load();
        std::cout << desc.populations.size() << " populations, hidden size "
                  << desc.populations[1].size.value << "\n";
    } catch (const cortexsim::model_error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
