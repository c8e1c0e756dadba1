#include "csv/csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>

namespace mixrun {
namespace {

using Traits = std::streambuf::traits_type;

// A file read through a 64 KiB buffer (the default 8 KiB makes many small reads).
class FileBuffer : public std::filebuf {
 public:
  FileBuffer() { pubsetbuf(storage_.data(), static_cast<std::streamsize>(storage_.size())); }

 private:
  std::vector<char> storage_ = std::vector<char>(size_t{1} << 16);
};

// Text in memory as a seekable stream buffer, so ParseCsv shares the file reader's parser.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only ever read
    setg(begin, begin, begin + text.size());
  }

 protected:
  pos_type seekpos(pos_type position, std::ios_base::openmode) override {
    const off_type offset = position;
    if (offset < 0 || offset > egptr() - eback()) return pos_type(off_type(-1));
    setg(eback(), eback() + offset, egptr());
    return position;
  }
};

Result<CsvTable> ReadAll(Result<std::unique_ptr<CsvReader>> opened) {
  if (!opened.ok()) return opened.status();
  CsvReader& reader = **opened;
  CsvTable table;
  table.path = reader.path();
  table.header = reader.header();
  CsvRow row;
  while (true) {
    MIXRUN_ASSIGN_OR_RETURN(bool more, reader.Next(row));
    if (!more) break;
    table.rows.push_back(std::move(row.fields));
    table.lines.push_back(row.position.line);
  }
  return table;
}

}  // namespace

CsvReader::CsvReader(std::string path, std::unique_ptr<std::streambuf> buffer)
    : path_(std::move(path)), buffer_(std::move(buffer)) {
  next_.line = 1;
}

CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path) {
  auto buffer = std::make_unique<FileBuffer>();
  if (!buffer->open(path, std::ios::in | std::ios::binary)) {
    return Status::InvalidInput(path + ": cannot open file");
  }
  std::unique_ptr<CsvReader> reader(new CsvReader(path, std::move(buffer)));
  MIXRUN_RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

Result<std::unique_ptr<CsvReader>> CsvReader::FromText(std::string_view text,
                                                       const std::string& path) {
  std::unique_ptr<CsvReader> reader(new CsvReader(path, std::make_unique<TextBuffer>(text)));
  MIXRUN_RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

bool CsvReader::AtEnd() { return Traits::eq_int_type(buffer_->sgetc(), Traits::eof()); }

Status CsvReader::ReadHeader() {
  std::vector<std::string> record;
  while (!AtEnd()) {
    const int record_line = next_.line;
    MIXRUN_RETURN_IF_ERROR(ReadRecord(record));
    if (record.size() == 1 && record[0].empty()) continue;  // blank line
    if (!record.empty() && record[0].rfind("\xEF\xBB\xBF", 0) == 0) record[0].erase(0, 3);
    // A column given twice would let a reader take either value; the file is ambiguous.
    for (size_t i = 0; i < record.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (record[i] != record[j]) continue;
        return Status::InvalidInput(path_ + ":" + std::to_string(record_line) + ": column '" +
                                    record[i] + "' appears twice (fields " + std::to_string(j + 1) +
                                    " and " + std::to_string(i + 1) + ")");
      }
    }
    header_ = std::move(record);
    first_row_ = next_;
    return Status::Ok();
  }
  return Status::InvalidInput(path_ + ": empty CSV file (no header line)");
}

Result<bool> CsvReader::Next(CsvRow& row) {
  while (!AtEnd()) {
    row.position = next_;
    MIXRUN_RETURN_IF_ERROR(ReadRecord(row.fields));
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;  // blank line
    if (row.fields.size() != header_.size()) {
      return Status::InvalidInput(path_ + ":" + std::to_string(row.position.line) + ": expected " +
                                  std::to_string(header_.size()) + " fields, found " +
                                  std::to_string(row.fields.size()));
    }
    return true;
  }
  return false;
}

Status CsvReader::Seek(const CsvPosition& position) {
  if (position.offset == next_.offset) return Status::Ok();  // already there: keep the buffer
  if (buffer_->pubseekpos(position.offset, std::ios::in) != std::streampos(position.offset)) {
    return Status::Failed(path_ + ": cannot seek to line " + std::to_string(position.line));
  }
  next_ = position;
  return Status::Ok();
}

Status CsvReader::ReadRecord(std::vector<std::string>& record) {
  record.clear();
  std::string field;
  bool quoted = false, was_quoted = false;
  auto take = [&]() {
    ++next_.offset;
    return Traits::to_char_type(buffer_->sbumpc());
  };
  while (!AtEnd()) {
    const char c = take();
    if (quoted) {
      if (c == '"') {
        if (Traits::eq_int_type(buffer_->sgetc(), Traits::to_int_type('"'))) {
          field += '"';
          take();
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++next_.line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) {
        return Status::InvalidInput(path_ + ":" + std::to_string(next_.line) +
                                    ": stray quote inside an unquoted field");
      }
      quoted = was_quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && Traits::eq_int_type(buffer_->sgetc(), Traits::to_int_type('\n'))) {
      continue;
    } else if (c == '\n') {
      ++next_.line;
      break;
    } else {
      if (was_quoted) {
        return Status::InvalidInput(path_ + ":" + std::to_string(next_.line) +
                                    ": text after a closing quote");
      }
      field += c;
    }
  }
  if (quoted) {
    return Status::InvalidInput(path_ + ":" + std::to_string(next_.line) +
                                ": quoted field is not closed before the end of the file");
  }
  record.push_back(std::move(field));
  return Status::Ok();
}

std::optional<size_t> CsvReader::Column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

std::string CsvReader::Where(const CsvRow& row) const {
  return path_ + ":" + std::to_string(row.position.line);
}

Result<double> CsvReader::Number(const CsvRow& row, size_t column) const {
  return ParseCsvNumber(row.fields.at(column), Where(row), header_.at(column));
}

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
  return ParseCsvNumber(rows.at(row).at(column), Where(row), header.at(column));
}

Result<double> ParseCsvNumber(const std::string& text, const std::string& where,
                              const std::string& column) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(begin, &end);
  while (end && (*end == ' ' || *end == '\t')) ++end;
  if (text.empty() || end == begin || *end != '\0' || errno == ERANGE || !std::isfinite(value)) {
    return Status::InvalidInput(where + ": column '" + column + "': not a finite number: '" + text +
                                "'");
  }
  return value;
}

Result<CsvTable> ParseCsv(std::string_view text, const std::string& path) {
  return ReadAll(CsvReader::FromText(text, path));
}

Result<CsvTable> ReadCsv(const std::string& path) { return ReadAll(CsvReader::Open(path)); }

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
