#include "data/corpus.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "data/byte_tokenizer.h"
#include "testing/temp_dir.h"

namespace mixrun {
namespace {

using testing::TempDir;

DomainSpec Spec(const std::string& name, CorpusFormat format, std::vector<std::string> files) {
  DomainSpec spec;
  spec.name = name;
  spec.format = format;
  spec.files = std::move(files);
  return spec;
}

std::vector<int32_t> ReadAll(const Corpus& corpus) {
  std::vector<int32_t> tokens(static_cast<size_t>(corpus.size()));
  corpus.Read(0, corpus.size(), tokens.data());
  return tokens;
}

std::string U16Bytes(const std::vector<uint16_t>& tokens) {
  return std::string(reinterpret_cast<const char*>(tokens.data()), tokens.size() * 2);
}

TEST_CASE("byte tokenizer round-trips any bytes") {
  const std::string text = "héllo\n\x01\xff";
  const std::vector<int32_t> tokens = ByteTokenizer::Encode(text);
  CHECK(tokens.size() == text.size());
  CHECK(tokens.back() == 255);
  CHECK(ByteTokenizer::Decode(tokens) == text);
}

TEST_CASE("text files form one byte stream in file order, reads span files") {
  TempDir dir;
  const std::string a = dir.Write("a.txt", "abc"), b = dir.Write("b.txt", "");
  const std::string c = dir.Write("c.txt", "defg");
  Result<Corpus> corpus = Corpus::Load(Spec("code", CorpusFormat::kText, {a, b, c}), 0.0);
  REQUIRE(corpus.ok());
  CHECK(corpus->size() == 7);
  CHECK(corpus->vocab() == 256);
  CHECK(ByteTokenizer::Decode(ReadAll(*corpus)) == "abcdefg");
  std::vector<int32_t> middle(3);
  corpus->Read(2, 3, middle.data());
  CHECK(ByteTokenizer::Decode(middle) == "cde");
}

TEST_CASE("large text files are mapped and read the same") {
  TempDir dir;
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 1000) big[i] = static_cast<char>('a' + i % 26);
  const std::string path = dir.Write("big.txt", big);
  Result<Corpus> corpus = Corpus::Load(Spec("web", CorpusFormat::kText, {path}), 0.05);
  REQUIRE(corpus.ok());
  CHECK(corpus->size() == static_cast<int64_t>(big.size()));
  std::vector<int32_t> window(5);
  corpus->Read(2000, 5, window.data());
  CHECK(window[0] == big[2000]);
}

TEST_CASE("JSONL documents come from the named field, one per line") {
  TempDir dir;
  const std::string path =
      dir.Write("docs.jsonl", "{\"text\": \"first\", \"id\": 1}\n\n{\"text\": \"sec\\u00e9nd\"}\n");
  DomainSpec spec = Spec("web", CorpusFormat::kJsonl, {path});
  Result<Corpus> corpus = Corpus::Load(spec, 0.0);
  REQUIRE(corpus.ok());
  CHECK(ByteTokenizer::Decode(ReadAll(*corpus)) == "first\nsec\xc3\xa9nd\n");
}

TEST_CASE("JSONL errors name the file and the line") {
  TempDir dir;
  SUBCASE("missing field") {
    const std::string path =
        dir.Write("bad.jsonl", "{\"text\": \"ok\"}\n{\"body\": \"no text\"}\n");
    Result<Corpus> corpus = Corpus::Load(Spec("web", CorpusFormat::kJsonl, {path}), 0.0);
    REQUIRE(!corpus.ok());
    CHECK(corpus.status().code() == Status::Code::kInvalidInput);
    CHECK(corpus.status().message().find(path + ":2: no field \"text\"") != std::string::npos);
    CHECK(corpus.status().message().find("domain 'web'") != std::string::npos);
  }
  SUBCASE("invalid JSON") {
    const std::string path = dir.Write("bad.jsonl", "{\"text\": \"ok\"}\n\n{\"text\": \n");
    Result<Corpus> corpus = Corpus::Load(Spec("web", CorpusFormat::kJsonl, {path}), 0.0);
    REQUIRE(!corpus.ok());
    CHECK(corpus.status().message().find(path + ":3: not valid JSON") != std::string::npos);
  }
  SUBCASE("field not a string") {
    const std::string path = dir.Write("bad.jsonl", "{\"text\": 5}\n");
    Result<Corpus> corpus = Corpus::Load(Spec("web", CorpusFormat::kJsonl, {path}), 0.0);
    REQUIRE(!corpus.ok());
    CHECK(corpus.status().message().find(path + ":1: field \"text\" is not a string") !=
          std::string::npos);
  }
}

TEST_CASE("uint16 shards are read as nanoGPT writes them") {
  TempDir dir;
  const std::vector<uint16_t> tokens = {0, 1, 50256, 7, 300};
  const std::string path = dir.Write("shard.bin", U16Bytes(tokens));
  DomainSpec spec = Spec("books", CorpusFormat::kTokensU16, {path});
  spec.vocab = 50257;
  Result<Corpus> corpus = Corpus::Load(spec, 0.0);
  REQUIRE(corpus.ok());
  CHECK(corpus->vocab() == 50257);
  CHECK(ReadAll(*corpus) == std::vector<int32_t>{0, 1, 50256, 7, 300});
}

TEST_CASE("uint16 shard errors: odd size, token id not below vocab") {
  TempDir dir;
  DomainSpec spec = Spec("books", CorpusFormat::kTokensU16, {dir.Write("odd.bin", "abc")});
  spec.vocab = 50257;
  Result<Corpus> odd = Corpus::Load(spec, 0.0);
  REQUIRE(!odd.ok());
  CHECK(odd.status().code() == Status::Code::kInvalidInput);
  CHECK(odd.status().message().find("odd.bin: size 3 bytes is not a multiple of 2") !=
        std::string::npos);
  spec.files = {dir.Write("big.bin", U16Bytes({1, 2, 60000}))};
  Result<Corpus> big = Corpus::Load(spec, 0.0);
  REQUIRE(!big.ok());
  CHECK(big.status().message().find("big.bin: token id 60000 at byte offset 4 is not below vocab "
                                    "50257") != std::string::npos);
}

TEST_CASE("missing files and empty domains are errors") {
  TempDir dir;
  Result<Corpus> missing =
      Corpus::Load(Spec("code", CorpusFormat::kText, {(dir.path() / "nope.txt").string()}), 0.0);
  REQUIRE(!missing.ok());
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message().find("nope.txt") != std::string::npos);
  Result<Corpus> empty =
      Corpus::Load(Spec("code", CorpusFormat::kText, {dir.Write("e.txt", "")}), 0.0);
  REQUIRE(!empty.ok());
  CHECK(empty.status().message().find("domain 'code': its files hold no tokens") !=
        std::string::npos);
  Result<Corpus> none = Corpus::Load(Spec("code", CorpusFormat::kText, {}), 0.0);
  CHECK(!none.ok());
}

}  // namespace
}  // namespace mixrun
