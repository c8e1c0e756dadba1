#include "csv/csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mixrun {
namespace {

// Splits `text` into records of fields, tracking the line each record starts on.
class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  Status Parse(CsvTable& table) {
    table.path = path_;
    std::vector<std::string> record;
    int record_line = 0;
    bool first = true;
    while (pos_ < text_.size()) {
      record_line = line_;
      MIXRUN_RETURN_IF_ERROR(ReadRecord(record));
      if (record.size() == 1 && record[0].empty()) continue;  // blank line
      if (first) {
        if (!record.empty() && record[0].rfind("\xEF\xBB\xBF", 0) == 0) record[0].erase(0, 3);
        // A column given twice would let a reader take either value; the file is ambiguous.
        for (size_t i = 0; i < record.size(); ++i) {
          for (size_t j = 0; j < i; ++j) {
            if (record[i] != record[j]) continue;
            return Status::InvalidInput(path_ + ":" + std::to_string(record_line) + ": column '" +
                                        record[i] + "' appears twice (fields " +
                                        std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                                        ")");
          }
        }
        table.header = record;
        first = false;
        continue;
      }
      if (record.size() != table.header.size()) {
        return Status::InvalidInput(path_ + ":" + std::to_string(record_line) + ": expected " +
                                    std::to_string(table.header.size()) + " fields, found " +
                                    std::to_string(record.size()));
      }
      table.rows.push_back(record);
      table.lines.push_back(record_line);
    }
    if (first) return Status::InvalidInput(path_ + ": empty CSV file (no header line)");
    return Status::Ok();
  }

 private:
  Status ReadRecord(std::vector<std::string>& record) {
    record.clear();
    std::string field;
    bool quoted = false, was_quoted = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (quoted) {
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') ++line_;
          field += c;
        }
        continue;
      }
      if (c == '"') {
        if (!field.empty() || was_quoted) {
          return Status::InvalidInput(path_ + ":" + std::to_string(line_) +
                                      ": stray quote inside an unquoted field");
        }
        quoted = was_quoted = true;
      } else if (c == ',') {
        record.push_back(std::move(field));
        field.clear();
        was_quoted = false;
      } else if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
        continue;
      } else if (c == '\n') {
        ++line_;
        break;
      } else {
        if (was_quoted) {
          return Status::InvalidInput(path_ + ":" + std::to_string(line_) +
                                      ": text after a closing quote");
        }
        field += c;
      }
    }
    if (quoted) {
      return Status::InvalidInput(path_ + ":" + std::to_string(line_) +
                                  ": quoted field is not closed before the end of the file");
    }
    record.push_back(std::move(field));
    return Status::Ok();
  }

  std::string_view text_;
  const std::string& path_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::optional<size_t> CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

std::string CsvTable::Where(size_t row) const {
  return path + ":" + std::to_string(row < lines.size() ? lines[row] : 0);
}

Result<double> CsvTable::Number(size_t row, size_t column) const {
  const std::string& text = rows.at(row).at(column);
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(begin, &end);
  while (end && (*end == ' ' || *end == '\t')) ++end;
  if (text.empty() || end == begin || *end != '\0' || errno == ERANGE || !std::isfinite(value)) {
    return Status::InvalidInput(Where(row) + ": column '" + header.at(column) +
                                "': not a finite number: '" + text + "'");
  }
  return value;
}

Result<CsvTable> ParseCsv(std::string_view text, const std::string& path) {
  CsvTable table;
  CsvParser parser(text, path);
  MIXRUN_RETURN_IF_ERROR(parser.Parse(table));
  return table;
}

Result<CsvTable> ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidInput(path + ": cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseCsv(buffer.str(), path);
}

std::string CsvEscape(std::string_view field) {
  bool needs_quotes = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                      (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs_quotes) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace mixrun
