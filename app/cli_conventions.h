// What the command line does beyond parsing, as users of other CLIs expect: a did-you-mean for a
// mistyped command or flag, `mixrun help CMD`, and shell completion scripts (bash, zsh).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mixrun {

// The closest of `names` to `word` (edit distance at most 2, or a third of its length when
// longer), or "" when none is that close.
std::string ClosestName(const std::string& word, const std::vector<std::string>& names);

// argv as the parser should see it: "mixrun help CMD ..." becomes "mixrun CMD --help".
std::vector<std::string> RewriteHelpCommand(int argc, char** argv);

// "unknown command 'trian'; did you mean 'train'?" when args[1] names no subcommand of `app`
// (nor an option); "" otherwise.
std::string UnknownCommand(const CLI::App& app, const std::vector<std::string>& args);

// For CLI11's "arguments were not expected" error: the nearest flag of the command being parsed
// to each unexpected one ("did you mean '--store'?"), or "".
std::string SuggestFlags(const CLI::App& app, const std::vector<std::string>& unexpected);

// A completion script for `shell` (bash or zsh) covering every subcommand and its flags.
std::string CompletionScript(const CLI::App& app, const std::string& shell);

}  // namespace mixrun
