// SHA-256 (FIPS 180-4), for content digests that must match what real tools compute:
// OCI image digests in the fake registry and kustomize's generator name hashes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace gs {

class Sha256 {
 public:
  Sha256();
  Sha256& update(std::string_view data);
  // The 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> finish();
  // Lower-case hex of finish().
  std::string finishHex();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t totalBytes_ = 0;
};

// Hex SHA-256 of `data` in one call.
std::string sha256Hex(std::string_view data);

}  // namespace gs
