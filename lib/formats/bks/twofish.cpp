// Twofish as specified in "Twofish: A 128-Bit Block Cipher" (Schneier, Kelsey, Whiting, Wagner,
// Hall, Ferguson, 1998), sections 4.2-4.3: the q0/q1 permutations built from their 4-bit tables,
// the MDS matrix over GF(2^8) mod x^8+x^6+x^5+x^3+1, the RS code mod x^8+x^6+x^3+x^2+1, the h
// function, the key schedule and the 16-round Feistel network.
#include "twofish.hpp"

#include <openssl/crypto.h>

namespace ksdoctor::bks {
namespace twofish_detail {

using u8 = std::uint8_t;
using u32 = std::uint32_t;

constexpr u8 kQ0[4][16] = {
    {0x8, 0x1, 0x7, 0xD, 0x6, 0xF, 0x3, 0x2, 0x0, 0xB, 0x5, 0x9, 0xE, 0xC, 0xA, 0x4},
    {0xE, 0xC, 0xB, 0x8, 0x1, 0x2, 0x3, 0x5, 0xF, 0x4, 0xA, 0x6, 0x7, 0x0, 0x9, 0xD},
    {0xB, 0xA, 0x5, 0xE, 0x6, 0xD, 0x9, 0x0, 0xC, 0x8, 0xF, 0x3, 0x2, 0x4, 0x7, 0x1},
    {0xD, 0x7, 0xF, 0x4, 0x1, 0x2, 0x6, 0xE, 0x9, 0xB, 0x3, 0x0, 0x8, 0x5, 0xC, 0xA}};
constexpr u8 kQ1[4][16] = {
    {0x2, 0x8, 0xB, 0xD, 0xF, 0x7, 0x6, 0xE, 0x3, 0x1, 0x9, 0x4, 0x0, 0xA, 0xC, 0x5},
    {0x1, 0xE, 0x2, 0xB, 0x4, 0xC, 0x3, 0x7, 0x6, 0xD, 0xA, 0x5, 0xF, 0x9, 0x0, 0x8},
    {0x4, 0xC, 0x7, 0x5, 0x1, 0x6, 0x9, 0xA, 0x0, 0xE, 0xD, 0x8, 0x2, 0xB, 0x3, 0xF},
    {0xB, 0x9, 0x5, 0x1, 0xC, 0x3, 0xD, 0xE, 0x6, 0x4, 0x7, 0xF, 0x2, 0x0, 0x8, 0xA}};

constexpr u8 ror4(u8 x) { return static_cast<u8>(((x >> 1) | (x << 3)) & 0xF); }

constexpr u8 q_permute(const u8 (&t)[4][16], u8 x) {
  u8 a = x >> 4, b = x & 0xF;
  u8 a1 = a ^ b, b1 = static_cast<u8>((a ^ ror4(b) ^ (a << 3)) & 0xF);
  u8 a2 = t[0][a1], b2 = t[1][b1];
  u8 a3 = a2 ^ b2, b3 = static_cast<u8>((a2 ^ ror4(b2) ^ (a2 << 3)) & 0xF);
  return static_cast<u8>((t[3][b3] << 4) | t[2][a3]);
}

u8 q0(u8 x) { return q_permute(kQ0, x); }
u8 q1(u8 x) { return q_permute(kQ1, x); }

// Multiplication in GF(2^8) modulo the given polynomial (bit 8 included).
u8 gf_mul(u8 a, u8 b, unsigned poly) {
  unsigned r = 0, x = a;
  for (; b; b >>= 1) {
    if (b & 1) r ^= x;
    x <<= 1;
    if (x & 0x100) x ^= poly;
  }
  return static_cast<u8>(r);
}

constexpr unsigned kMdsPoly = 0x169;
constexpr unsigned kRsPoly = 0x14D;
constexpr u8 kMds[4][4] = {{0x01, 0xEF, 0x5B, 0x5B},
                           {0x5B, 0xEF, 0xEF, 0x01},
                           {0xEF, 0x5B, 0x01, 0xEF},
                           {0xEF, 0x01, 0xEF, 0x5B}};
constexpr u8 kRs[4][8] = {{0x01, 0xA4, 0x55, 0x87, 0x5A, 0x58, 0xDB, 0x9E},
                          {0xA4, 0x56, 0x82, 0xF3, 0x1E, 0xC6, 0x68, 0xE5},
                          {0x02, 0xA1, 0xFC, 0xC1, 0x47, 0xAE, 0x3D, 0x19},
                          {0xA4, 0x55, 0x87, 0x5A, 0x58, 0xDB, 0x9E, 0x03}};

constexpr u32 rol(u32 x, int n) { return (x << n) | (x >> (32 - n)); }
constexpr u32 ror(u32 x, int n) { return (x >> n) | (x << (32 - n)); }
constexpr u8 byte_of(u32 x, int i) { return static_cast<u8>(x >> (8 * i)); }

u32 load_le(const u8* p) {
  return u32{p[0]} | (u32{p[1]} << 8) | (u32{p[2]} << 16) | (u32{p[3]} << 24);
}
void store_le(u32 x, u8* p) {
  for (int i = 0; i < 4; ++i) p[i] = byte_of(x, i);
}

// Column j of the MDS matrix times the byte y.
u32 mds_column(int j, u8 y) {
  u32 out = 0;
  for (int i = 0; i < 4; ++i) out |= u32{gf_mul(kMds[i][j], y, kMdsPoly)} << (8 * i);
  return out;
}

// The byte-wise permutation part of h for byte position j (before the MDS multiply), with the key
// words L[0..k-1].
u8 h_byte(int j, u8 y, const u32* l, int k) {
  // Which permutation each stage applies to byte j, first stage (used only for k = 4) first.
  static constexpr bool kUseQ1[4][4] = {
      // The stages before XOR with L3 (k = 4 only), L2 (k >= 3), L1 and L0, in that order.
      {true, true, false, false},   // byte 0, then q1
      {false, true, true, false},   // byte 1, then q0
      {false, false, false, true},  // byte 2, then q1
      {true, false, true, true},    // byte 3, then q0
  };
  static constexpr bool kLastQ1[4] = {true, false, true, false};
  if (k == 4) y = static_cast<u8>((kUseQ1[j][0] ? q1(y) : q0(y)) ^ byte_of(l[3], j));
  if (k >= 3) y = static_cast<u8>((kUseQ1[j][1] ? q1(y) : q0(y)) ^ byte_of(l[2], j));
  y = static_cast<u8>((kUseQ1[j][2] ? q1(y) : q0(y)) ^ byte_of(l[1], j));
  y = static_cast<u8>((kUseQ1[j][3] ? q1(y) : q0(y)) ^ byte_of(l[0], j));
  return kLastQ1[j] ? q1(y) : q0(y);
}

u32 h(u32 x, const u32* l, int k) {
  u32 out = 0;
  for (int j = 0; j < 4; ++j) out ^= mds_column(j, h_byte(j, byte_of(x, j), l, k));
  return out;
}

}  // namespace twofish_detail

Twofish::Twofish(ByteView key) {
  using namespace twofish_detail;  // here, not at namespace scope: unity builds
  if (key.size() != 16 && key.size() != 24 && key.size() != 32) {
    throw FormatError("CRYPTO", "Twofish takes a 128, 192 or 256-bit key");
  }
  const int k = static_cast<int>(key.size() / 8);
  u32 even[4] = {}, odd[4] = {}, s[4] = {};
  for (int i = 0; i < k; ++i) {
    even[i] = load_le(key.data() + 8 * i);
    odd[i] = load_le(key.data() + 8 * i + 4);
    u32 word = 0;
    for (int r = 0; r < 4; ++r) {
      u8 acc = 0;
      for (int c = 0; c < 8; ++c) acc ^= gf_mul(kRs[r][c], key[8 * i + c], kRsPoly);
      word |= u32{acc} << (8 * r);
    }
    s[k - 1 - i] = word;  // S = (S_{k-1}, ..., S_0)
  }
  constexpr u32 kRho = 0x01010101;
  for (u32 i = 0; i < 20; ++i) {
    u32 a = h(2 * i * kRho, even, k);
    u32 b = rol(h((2 * i + 1) * kRho, odd, k), 8);
    subkeys_[2 * i] = a + b;
    subkeys_[2 * i + 1] = rol(a + 2 * b, 9);
  }
  for (int j = 0; j < 4; ++j) {
    for (unsigned x = 0; x < 256; ++x) {
      sbox_mds_[j][x] = mds_column(j, h_byte(j, static_cast<u8>(x), s, k));
    }
  }
  OPENSSL_cleanse(even, sizeof even);
  OPENSSL_cleanse(odd, sizeof odd);
  OPENSSL_cleanse(s, sizeof s);
}

Twofish::~Twofish() {
  OPENSSL_cleanse(subkeys_.data(), sizeof subkeys_);
  OPENSSL_cleanse(sbox_mds_.data(), sizeof sbox_mds_);
}

std::uint32_t Twofish::g(std::uint32_t x) const {
  using namespace twofish_detail;  // here, not at namespace scope: unity builds
  return sbox_mds_[0][byte_of(x, 0)] ^ sbox_mds_[1][byte_of(x, 1)] ^ sbox_mds_[2][byte_of(x, 2)] ^
         sbox_mds_[3][byte_of(x, 3)];
}

void Twofish::encrypt_block(const std::uint8_t in[kBlockSize], std::uint8_t out[kBlockSize]) const {
  using namespace twofish_detail;  // here, not at namespace scope: unity builds
  u32 r[4];
  for (int i = 0; i < 4; ++i) r[i] = load_le(in + 4 * i) ^ subkeys_[i];
  for (int round = 0; round < 16; ++round) {
    u32 t0 = g(r[0]), t1 = g(rol(r[1], 8));
    u32 f0 = t0 + t1 + subkeys_[2 * round + 8];
    u32 f1 = t0 + 2 * t1 + subkeys_[2 * round + 9];
    u32 n0 = ror(r[2] ^ f0, 1), n1 = rol(r[3], 1) ^ f1;
    r[2] = r[0];
    r[3] = r[1];
    r[0] = n0;
    r[1] = n1;
  }
  for (int i = 0; i < 4; ++i) store_le(r[(i + 2) % 4] ^ subkeys_[i + 4], out + 4 * i);
}

void Twofish::decrypt_block(const std::uint8_t in[kBlockSize], std::uint8_t out[kBlockSize]) const {
  using namespace twofish_detail;  // here, not at namespace scope: unity builds
  u32 r[4];
  for (int i = 0; i < 4; ++i) r[(i + 2) % 4] = load_le(in + 4 * i) ^ subkeys_[i + 4];
  for (int round = 15; round >= 0; --round) {
    // Undo: r now holds (n0, n1, old r0, old r1).
    u32 o0 = r[2], o1 = r[3];
    u32 t0 = g(o0), t1 = g(rol(o1, 8));
    u32 f0 = t0 + t1 + subkeys_[2 * round + 8];
    u32 f1 = t0 + 2 * t1 + subkeys_[2 * round + 9];
    u32 o2 = rol(r[0], 1) ^ f0;
    u32 o3 = ror(r[1] ^ f1, 1);
    r[0] = o0;
    r[1] = o1;
    r[2] = o2;
    r[3] = o3;
  }
  for (int i = 0; i < 4; ++i) store_le(r[i] ^ subkeys_[i], out + 4 * i);
}

}  // namespace ksdoctor::bks
