#include "common/json_text.h"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

namespace mixrun {
namespace {

using nlohmann::json;

std::string LineAndColumn(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// Follows the parser's events to know where it is (a JSON pointer) and which keys each open
// object has seen; remembers the first duplicate.
class DuplicateKeyFinder {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        frames_.push_back({event == json::parse_event_t::object_start, NextToken(), {}, "", 0});
        break;
      case json::parse_event_t::key: {
        Frame& frame = frames_.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second && !duplicate_) {
          duplicate_ = Pointer() + "/" + EscapePointerToken(frame.key) + ": key '" + frame.key +
                       "' appears twice in one object";
        }
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        CountElement();
        break;
      case json::parse_event_t::value:
        CountElement();
        break;
    }
    return true;
  }
  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool is_object;
    std::string token;  // this container's token in its parent's pointer
    std::set<std::string> keys;
    std::string key;  // objects: the current key
    size_t elements;  // arrays: elements completed
  };
  // The token of the value about to start under the current frame.
  std::string NextToken() const {
    if (frames_.empty()) return "";
    const Frame& parent = frames_.back();
    return parent.is_object ? EscapePointerToken(parent.key) : std::to_string(parent.elements);
  }
  void CountElement() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().elements;
  }
  // The pointer of the current container ("" for the root).
  std::string Pointer() const {
    std::string pointer;
    for (size_t i = 1; i < frames_.size(); ++i) pointer += "/" + frames_[i].token;
    return pointer;
  }

  std::vector<Frame> frames_;
  std::optional<std::string> duplicate_;
};

}  // namespace

std::string EscapePointerToken(std::string_view token) {
  std::string escaped;
  for (char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

Result<json> ParseJsonText(std::string_view text, const std::string& name) {
  DuplicateKeyFinder finder;
  json parsed;
  try {
    parsed = json::parse(text.begin(), text.end(), std::ref(finder), /*allow_exceptions=*/true,
                         /*ignore_comments=*/true);
  } catch (const json::parse_error& error) {
    std::string message = error.what();
    const size_t detail = message.find("syntax error");
    return Status::InvalidInput(name + ":" + LineAndColumn(text, error.byte) + ": invalid JSON: " +
                                (detail == std::string::npos ? message : message.substr(detail)));
  } catch (const json::exception& error) {  // out_of_range: a number beyond double's range
    std::string message = error.what();
    const size_t detail = message.find("] ");
    return Status::InvalidInput(
        name +
        ": invalid JSON: " + (detail == std::string::npos ? message : message.substr(detail + 2)));
  }
  if (finder.duplicate()) return Status::InvalidInput(name + ": " + *finder.duplicate());
  return parsed;
}

}  // namespace mixrun
