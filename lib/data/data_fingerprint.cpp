#include "data/data_fingerprint.h"

#include <algorithm>
#include <fstream>

#include "common/sha256.h"

namespace mixrun {
namespace {

constexpr size_t kBlock = 64 * 1024;
constexpr size_t kInnerBlocks = 14;
constexpr size_t kWholeFileLimit = 1024 * 1024;

Result<std::string> FileDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::InvalidInput(path + ": cannot read the data file");
  const size_t size = static_cast<size_t>(in.tellg());
  std::vector<size_t> offsets;
  if (size <= kWholeFileLimit) {
    for (size_t offset = 0; offset < size; offset += kBlock) offsets.push_back(offset);
  } else {
    offsets.push_back(0);
    for (size_t i = 1; i <= kInnerBlocks; ++i) {
      offsets.push_back((size - kBlock) * i / (kInnerBlocks + 1));
    }
    offsets.push_back(size - kBlock);
  }
  std::string sampled = std::to_string(size) + ":";
  std::string block(kBlock, '\0');
  for (size_t offset : offsets) {
    const size_t length = std::min(kBlock, size - offset);
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(block.data(), static_cast<std::streamsize>(length))) {
      return Status::InvalidInput(path + ": cannot read the data file");
    }
    sampled.append(block, 0, length);
  }
  return Sha256Hex(sampled);
}

}  // namespace

Result<std::string> DataFingerprint(const std::vector<std::string>& files) {
  std::vector<std::string> digests;
  digests.reserve(files.size());
  for (const std::string& file : files) {
    MIXRUN_ASSIGN_OR_RETURN(std::string digest, FileDigest(file));
    digests.push_back(std::move(digest));
  }
  std::sort(digests.begin(), digests.end());
  std::string joined;
  for (const std::string& digest : digests) joined += digest + "\n";
  return Sha256Hex(joined);
}

}  // namespace mixrun
