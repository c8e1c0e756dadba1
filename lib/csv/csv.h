// CSV tables (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF), read whole
// (CsvTable) or one row at a time (CsvReader, constant memory for files of any size). Errors name
// the file and the line; every row has as many fields as the header, and no column name appears
// twice in the header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct CsvTable {
  std::string path;  // for messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // 1-based line in the file where each row starts

  // Index of the named column, or nullopt.
  std::optional<size_t> Column(std::string_view name) const;
  // The field as a finite double, or an error naming file, line and column.
  Result<double> Number(size_t row, size_t column) const;
  // "FILE:LINE" of a row, for messages.
  std::string Where(size_t row) const;
};

// Where a row starts: the byte offset CsvReader::Seek returns to, and its 1-based line.
struct CsvPosition {
  int64_t offset = 0;
  int line = 0;
};

struct CsvRow {
  std::vector<std::string> fields;
  CsvPosition position;
};

// A CSV file read row by row. Open reads the header; Next gives the rows in order; Seek returns to
// a row Next gave (by its position), so a large file can be indexed instead of held in memory.
class CsvReader {
 public:
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path);
  // Reads `text` (which must outlive the reader); `path` names it in messages.
  static Result<std::unique_ptr<CsvReader>> FromText(std::string_view text,
                                                     const std::string& path);
  ~CsvReader();

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  std::optional<size_t> Column(std::string_view name) const;
  // The next row into `row` (blank lines skipped): false at the end of the file.
  Result<bool> Next(CsvRow& row);
  // Continues reading at a row's position (as Next reported it).
  Status Seek(const CsvPosition& position);
  // Back to the first row.
  Status Rewind() { return Seek(first_row_); }
  // "FILE:LINE" of a row, for messages.
  std::string Where(const CsvRow& row) const;
  // A field of `row` as a finite double, or an error naming file, line and column.
  Result<double> Number(const CsvRow& row, size_t column) const;

 private:
  CsvReader(std::string path, std::unique_ptr<std::streambuf> buffer);
  Status ReadHeader();
  Status ReadRecord(std::vector<std::string>& record);
  bool AtEnd();

  std::string path_;
  std::unique_ptr<std::streambuf> buffer_;
  std::vector<std::string> header_;
  CsvPosition next_;  // where the next record starts
  CsvPosition first_row_;
};

Result<CsvTable> ParseCsv(std::string_view text, const std::string& path);
Result<CsvTable> ReadCsv(const std::string& path);

// `text` as a finite double, or an error "WHERE: column 'COLUMN': not a finite number: 'TEXT'".
Result<double> ParseCsvNumber(const std::string& text, const std::string& where,
                              const std::string& column);

// Quotes a field when it needs it (comma, quote, newline, leading/trailing space).
std::string CsvEscape(std::string_view field);

}  // namespace mixrun
