#include "train/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace mixrun {

namespace {

constexpr char kMagic[8] = {'M', 'X', 'R', 'N', 'C', 'K', 'P', 'T'};
constexpr uint32_t kVersion = 1;

// FNV-1a over the payload: cheap, and enough to catch truncation and bit rot.
uint64_t Fnv1a(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

template <typename T>
void Put(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

void PutFloats(std::string& out, const std::vector<float>& values) {
  Put<uint64_t>(out, values.size());
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool Get(T& value) {
    if (position_ + sizeof(T) > bytes_.size()) return false;
    std::memcpy(&value, bytes_.data() + position_, sizeof(T));
    position_ += sizeof(T);
    return true;
  }
  bool GetFloats(std::vector<float>& values) {
    uint64_t count = 0;
    if (!Get(count) || count > (bytes_.size() - position_) / sizeof(float)) return false;
    values.resize(count);
    std::memcpy(values.data(), bytes_.data() + position_, count * sizeof(float));
    position_ += count * sizeof(float);
    return true;
  }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
};

Status SystemError(const std::string& what, const std::string& path) {
  return Status::Failed(path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

Status WriteCheckpoint(const std::string& path, const Checkpoint& checkpoint) {
  // Sized once: a growing string would hold its old and new buffers at once, and the payload
  // is already the largest allocation of a save (model/memory_estimate.h counts it).
  std::string payload;
  payload.reserve(sizeof(kMagic) + sizeof(kVersion) + 8 * sizeof(uint64_t) +
                  sizeof(float) * (checkpoint.parameters.size() + checkpoint.first_moment.size() +
                                   checkpoint.second_moment.size()));
  payload.append(kMagic, sizeof(kMagic));
  Put(payload, kVersion);
  Put(payload, checkpoint.fingerprint);
  Put(payload, checkpoint.step);
  Put(payload, checkpoint.sampler_position);
  Put(payload, checkpoint.optimizer_steps);
  PutFloats(payload, checkpoint.parameters);
  PutFloats(payload, checkpoint.first_moment);
  PutFloats(payload, checkpoint.second_moment);
  Put(payload, Fnv1a(payload));

  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return SystemError("cannot create checkpoint", temporary);
  size_t written = 0;
  while (written < payload.size()) {
    const ssize_t n = ::write(fd, payload.data() + written, payload.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const Status status = SystemError("cannot write checkpoint", temporary);
      ::close(fd);
      return status;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const Status status = SystemError("cannot sync checkpoint", temporary);
    ::close(fd);
    return status;
  }
  if (::close(fd) != 0) return SystemError("cannot close checkpoint", temporary);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return SystemError("cannot rename checkpoint into place", path);
  }
  // The rename is durable only once the directory entry is.
  const std::string directory = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Result<std::optional<Checkpoint>> ReadCheckpoint(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::optional<Checkpoint>();
  std::ifstream in(path, std::ios::binary);
  const uintmax_t size = std::filesystem::file_size(path, error);
  if (!in || error) return Status::Failed(path + ": cannot open checkpoint");
  // Read in one piece into a buffer of the file's size, and parsed in place: the file's bytes
  // and the Checkpoint are the only copies (model/memory_estimate.h counts both).
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) {
    return Status::Failed(path + ": cannot read checkpoint");
  }
  const Status damaged =
      Status::Failed(path + ": damaged checkpoint (delete it to restart the run from step 0)");
  if (bytes.size() < sizeof(kMagic) + sizeof(uint64_t) ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return damaged;
  }
  const std::string_view payload =
      std::string_view(bytes).substr(0, bytes.size() - sizeof(uint64_t));
  uint64_t stored_hash = 0;
  std::memcpy(&stored_hash, bytes.data() + payload.size(), sizeof(uint64_t));
  if (Fnv1a(payload) != stored_hash) return damaged;
  Reader reader(payload);
  char magic[sizeof(kMagic)];
  uint32_t version = 0;
  Checkpoint checkpoint;
  for (char& c : magic) reader.Get(c);
  if (!reader.Get(version) || version != kVersion) {
    return Status::Failed(path + ": checkpoint format version " + std::to_string(version) +
                          " is not supported");
  }
  if (!reader.Get(checkpoint.fingerprint) || !reader.Get(checkpoint.step) ||
      !reader.Get(checkpoint.sampler_position) || !reader.Get(checkpoint.optimizer_steps) ||
      !reader.GetFloats(checkpoint.parameters) || !reader.GetFloats(checkpoint.first_moment) ||
      !reader.GetFloats(checkpoint.second_moment)) {
    return damaged;
  }
  return std::optional<Checkpoint>(std::move(checkpoint));
}

}  // namespace mixrun
