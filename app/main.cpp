// mixrun's entry point. Anything escaping as an exception is a bug: it is reported, exit 1.
#include <cstdio>
#include <exception>

namespace mixrun {
int Main(int argc, char** argv);
}

int main(int argc, char** argv) {
  try {
    return mixrun::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mixrun: internal error: %s\n", error.what());
    return 1;
  }
}
