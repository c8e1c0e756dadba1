#include "cli_conventions.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>

namespace mixrun {
namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The long flags of a command ("--store"), and of the program (-v, -q are shared).
std::vector<std::string> LongFlags(const CLI::App& command) {
  std::vector<std::string> flags;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
  }
  return flags;
}

}  // namespace

std::string ClosestName(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& name : names) {
    const size_t distance = EditDistance(word, name);
    if (distance < best_distance) {
      best_distance = distance;
      best = name;
    }
  }
  return best;
}

std::vector<std::string> RewriteHelpCommand(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() >= 2 && args[1] == "help") {
    args.erase(args.begin() + 1);
    args.push_back("--help");
  }
  return args;
}

std::string UnknownCommand(const CLI::App& app, const std::vector<std::string>& args) {
  if (args.size() < 2 || args[1].empty() || args[1][0] == '-') return "";
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
  if (std::find(names.begin(), names.end(), args[1]) != names.end()) return "";
  std::string message = "unknown command '" + args[1] + "'";
  const std::string closest = ClosestName(args[1], names);
  if (!closest.empty()) message += "; did you mean '" + closest + "'?";
  return message + " ('mixrun --help' lists the commands)";
}

std::string SuggestFlags(const CLI::App& app, const std::vector<std::string>& unexpected) {
  std::vector<std::string> flags = LongFlags(app);
  for (const CLI::App* command : app.get_subcommands()) {  // the one being parsed
    const std::vector<std::string> own = LongFlags(*command);
    flags.insert(flags.end(), own.begin(), own.end());
  }
  std::string text;
  for (const std::string& word : unexpected) {
    if (word.rfind("--", 0) != 0) continue;
    const std::string flag = word.substr(0, word.find('='));
    const std::string closest = ClosestName(flag, flags);
    if (!closest.empty())
      text += (text.empty() ? "" : "; ") + flag + ": did you mean '" + closest + "'?";
  }
  return text;
}

std::string CompletionScript(const CLI::App& app, const std::string& shell) {
  std::ostringstream script;
  if (shell == "zsh") script << "autoload -U +X bashcompinit && bashcompinit\n";
  script << "# mixrun completion (" << shell << "): eval \"$(mixrun completion " << shell
         << ")\"\n_mixrun() {\n"
         << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" command=\"${COMP_WORDS[1]}\" flags=\"\"\n"
         << "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n    COMPREPLY=($(compgen -W \"";
  for (const CLI::App* command : app.get_subcommands({})) script << command->get_name() << ' ';
  script << "help\" -- \"$cur\"))\n    return\n  fi\n  case \"$command\" in\n";
  for (const CLI::App* command : app.get_subcommands({})) {
    script << "    " << command->get_name() << ") flags=\"";
    for (const std::string& flag : LongFlags(*command)) script << flag << ' ';
    for (const CLI::App* nested : command->get_subcommands({})) script << nested->get_name() << ' ';
    script << "\" ;;\n";
  }
  // After a flag naming an experiment: the experiments of the store the line names (--store),
  // else of the store mixrun would choose here.
  script << "  esac\n"
         << "  case \"${COMP_WORDS[COMP_CWORD-1]}\" in\n"
         << "    --experiment|--test-experiment|--from-experiment|--transfer)\n"
         << "      local store=() i\n"
         << "      for ((i = 1; i < COMP_CWORD; i++)); do\n"
         << "        [ \"${COMP_WORDS[i]}\" = --store ] && store=(--store \"${COMP_WORDS[i+1]}\")\n"
         << "      done\n"
         << "      COMPREPLY=($(compgen -W \"$(mixrun experiments --names-only \"${store[@]}\" "
            "2>/dev/null)\" -- \"$cur\"))\n"
         << "      return ;;\n"
         << "  esac\n"
         << "  if [[ \"$cur\" == -* ]]; then\n"
         << "    COMPREPLY=($(compgen -W \"$flags --verbose --quiet --help\" -- \"$cur\"))\n"
         << "  else\n    COMPREPLY=($(compgen -f -- \"$cur\"))\n  fi\n}\n"
         << "complete -F _mixrun mixrun\n";
  return script.str();
}

}  // namespace mixrun
