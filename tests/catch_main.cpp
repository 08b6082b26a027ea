// catch_main.cpp — the Catch2 v2 main, compiled once into an object library (toolchain.md §5).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
