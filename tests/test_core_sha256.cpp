#include <catch2/catch.hpp>

#include "sim/core/sha256.hpp"

TEST_CASE("sha256: FIPS 180-4 test vectors", "[core][sha256]") {
  CHECK(gs::sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(gs::sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(gs::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');
  CHECK(gs::sha256Hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: streaming in pieces equals one call", "[core][sha256]") {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += std::to_string(i) + ",";
  gs::Sha256 h;
  for (std::size_t i = 0; i < data.size(); i += 37) h.update(std::string_view(data).substr(i, 37));
  CHECK(h.finishHex() == gs::sha256Hex(data));
}
