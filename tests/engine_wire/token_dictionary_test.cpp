// SPDX-License-Identifier: GPL-3.0-or-later
// The generated token tables equal the JSON dictionary (content and checksum) and the lookups agree.
#include <cppunit/extensions/HelperMacros.h>

#include <openssl/sha.h>

#include "host/engine/binary/token_dictionary.hpp"
#include "test_util.hpp"

using namespace wabot::engine::binary;

namespace {

// Extracts the JSON strings in order (the dictionary holds only plain ASCII strings, no escapes).
std::vector<std::string> json_strings(const std::string& json) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '"') continue;
    std::string s;
    std::size_t j = i + 1;
    for (; j < json.size() && json[j] != '"'; ++j) {
      if (json[j] == '\\') ++j;
      s.push_back(json[j]);
    }
    out.push_back(s);
    i = j;
  }
  return out;
}

}  // namespace

class TokenDictionaryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TokenDictionaryTest);
  CPPUNIT_TEST(generated_tables_match_the_json);
  CPPUNIT_TEST(lookups_find_documented_indices);
  CPPUNIT_TEST_SUITE_END();

 public:
  void generated_tables_match_the_json() {
    std::string json = wabot::engine::test::read_file(wabot::engine::test::data_path("tokens_dict_v3.json"));
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(json.data()), json.size(), digest);
    CPPUNIT_ASSERT_EQUAL(std::string(kTokenDictionarySha256), wabot::engine::test::to_hex(std::string(reinterpret_cast<char*>(digest), 32)));
    auto strings = json_strings(json);
    // "single", 236 tokens, "double", 4 x 256 tokens.
    CPPUNIT_ASSERT_EQUAL(std::size_t(2 + 236 + 1024), strings.size());
    CPPUNIT_ASSERT_EQUAL(std::string("single"), strings[0]);
    for (std::size_t i = 0; i < 236; ++i) CPPUNIT_ASSERT_EQUAL(strings[1 + i], std::string(kSingleByteTokens[i]));
    CPPUNIT_ASSERT_EQUAL(std::string("double"), strings[237]);
    for (std::size_t d = 0; d < 4; ++d)
      for (std::size_t i = 0; i < 256; ++i) CPPUNIT_ASSERT_EQUAL(strings[238 + d * 256 + i], std::string(kDoubleByteTokens[d][i]));
  }

  void lookups_find_documented_indices() {
    struct { const char* s; int idx; } singles[] = {{"iq", 25}, {"id", 8}, {"to", 17}, {"type", 4}, {"xmlns", 22}, {"from", 6},
        {"get", 41}, {"set", 90}, {"result", 20}, {"w:p", 87}, {"ping", 86}, {"encrypt", 203}, {"count", 65}, {"success", 76},
        {"stream:error", 157}, {"device-identity", 230}, {"registration", 173}, {"identity", 156}, {"list", 113},
        {"key", 158}, {"value", 108}, {"signature", 212}, {"lid", 118}, {"0", 45}, {"1", 85}, {"s.whatsapp.net", 3}};
    for (auto& t : singles) CPPUNIT_ASSERT_EQUAL_MESSAGE(t.s, t.idx, int(find_single_byte_token(t.s).value()));
    struct { const char* s; int d, i; } doubles[] = {{"passive", 0, 24}, {"active", 0, 1}, {"skey", 0, 45}, {"conflict", 0, 14},
        {"replaced", 0, 17}, {"pair-device", 1, 238}, {"ref", 1, 80}, {"failure", 2, 60}, {"biz", 2, 84}};
    for (auto& t : doubles) {
      auto d = find_double_byte_token(t.s);
      CPPUNIT_ASSERT_MESSAGE(t.s, d.has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(t.s, t.d, int(d->dictionary));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(t.s, t.i, int(d->index));
    }
    for (const char* s : {"pair-success", "md", "ib", "remove-companion-device", ""}) {
      CPPUNIT_ASSERT(!find_single_byte_token(s));
      CPPUNIT_ASSERT(!find_double_byte_token(s));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TokenDictionaryTest);
