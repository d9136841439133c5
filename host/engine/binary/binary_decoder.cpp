// SPDX-License-Identifier: GPL-3.0-or-later
// Decoder of WhatsApp binary XML. Every length is checked against the bytes left, so a hostile frame can
// neither read out of bounds nor make us allocate more than it is long (times a small constant).
#include "host/engine/binary/binary_decoder.hpp"

#include <zlib.h>

#include <limits>

#include "host/engine/binary/token_dictionary.hpp"
#include "host/engine/binary/wire_tags.hpp"

namespace wabot::engine::binary {

namespace {

// A decoded scalar: nothing (LIST_EMPTY), text, bytes, or a JID.
struct Scalar {
  enum class Kind { unset = 0, none, text, bytes, jid } kind = Kind::unset;
  std::string text;
  Bytes bytes;
  Jid jid;
};

class Reader {
 public:
  Reader(std::span<const std::uint8_t> d, const DecodeLimits& l) : data_(d), limits_(l) {}

  Result<Node> node(std::size_t depth) {
    if (depth > limits_.max_depth) return fail(ErrorCode::too_large, "nesting deeper than " + std::to_string(limits_.max_depth));
    std::uint8_t t;
    if (!byte(t)) return eof("node list header");
    std::size_t size = 0;
    if (auto s = list_size(t, size); !s) return s.error();
    if (size == 0) return fail(ErrorCode::malformed, "node with an empty list header");
    Scalar tagv;
    if (auto s = scalar(tagv, true); !s) return s.error();
    if (tagv.kind != Scalar::Kind::text || tagv.text.empty()) return fail(ErrorCode::malformed, "node tag is not a string");
    Node n(std::move(tagv.text));
    std::size_t attr_count = (size - 1) / 2;
    // Each attribute takes at least two bytes: a bound before reserving.
    if (attr_count * 2 > remaining()) return fail(ErrorCode::malformed, "attribute count exceeds the input");
    n.attrs.reserve(attr_count);
    for (std::size_t i = 0; i < attr_count; ++i) {
      Scalar k, v;
      if (auto s = scalar(k, true); !s) return s.error();
      if (k.kind != Scalar::Kind::text || k.text.empty()) return fail(ErrorCode::malformed, "attribute key is not a string");
      if (auto s = scalar(v, true); !s) return s.error();
      if (v.kind == Scalar::Kind::jid)
        n.attrs.push_back({std::move(k.text), std::move(v.jid)});
      else
        n.attrs.push_back({std::move(k.text), std::move(v.text)});  // LIST_EMPTY value reads as ""
    }
    if (size % 2 == 0) {
      if (auto s = content(n, depth); !s) return s.error();
    }
    return n;
  }

  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }

 private:
  Error fail(ErrorCode code, const std::string& what) const {
    return Error(code, what + " at offset " + std::to_string(pos_));
  }
  Error eof(const char* what) const { return fail(ErrorCode::malformed, std::string("input ends inside ") + what); }

  bool byte(std::uint8_t& out) {
    if (pos_ >= data_.size()) return false;
    out = data_[pos_++];
    return true;
  }
  bool uint_be(std::size_t n, std::size_t& out) {
    if (remaining() < n) return false;
    out = 0;
    for (std::size_t i = 0; i < n; ++i) out = (out << 8) | data_[pos_++];
    return true;
  }

  Status list_size(std::uint8_t t, std::size_t& out) {
    if (t == tag::list_empty) {
      out = 0;
    } else if (t == tag::list_8) {
      if (!uint_be(1, out)) return eof("list size");
    } else if (t == tag::list_16) {
      if (!uint_be(2, out)) return eof("list size");
    } else {
      return fail(ErrorCode::malformed, "expected a list tag, got " + std::to_string(t));
    }
    return Ok{};
  }

  Status content(Node& n, std::size_t depth) {
    std::uint8_t t;
    if (pos_ >= data_.size()) return eof("node content");
    t = data_[pos_];
    if (t == tag::list_8 || t == tag::list_16) {
      ++pos_;
      std::size_t count = 0;
      if (auto s = list_size(t, count); !s) return s;
      // A child node takes at least 2 bytes (F8 01 is not enough without a tag: 3). Bound before reserving.
      if (count * 2 > remaining()) return fail(ErrorCode::malformed, "child count exceeds the input");
      NodeList children;
      children.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        auto c = node(depth + 1);
        if (!c) return c.error();
        children.push_back(std::move(c.value()));
      }
      n.content = std::move(children);
      return Ok{};
    }
    Scalar v;
    if (auto s = scalar(v, false); !s) return s;
    switch (v.kind) {
      case Scalar::Kind::none: break;
      case Scalar::Kind::text: n.content = std::move(v.text); break;
      case Scalar::Kind::bytes: n.content = std::move(v.bytes); break;
      case Scalar::Kind::jid: n.content = std::move(v.jid); break;
      case Scalar::Kind::unset: break;
    }
    return Ok{};
  }

  Status raw(std::size_t len, Scalar& out, bool as_text) {
    if (len > remaining()) return fail(ErrorCode::malformed, "byte string of " + std::to_string(len) + " exceeds the input");
    const auto* p = data_.data() + pos_;
    if (as_text) {
      out.kind = Scalar::Kind::text;
      out.text.assign(reinterpret_cast<const char*>(p), len);
    } else {
      out.kind = Scalar::Kind::bytes;
      out.bytes.assign(p, p + len);
    }
    pos_ += len;
    return Ok{};
  }

  Status packed(std::uint8_t t, Scalar& out) {
    std::uint8_t start;
    if (!byte(start)) return eof("packed string");
    std::size_t n = start & 0x7F;
    bool odd = (start & 0x80) != 0;
    if (n > remaining()) return fail(ErrorCode::malformed, "packed string exceeds the input");
    if (odd && n == 0) return fail(ErrorCode::malformed, "odd packed string of zero bytes");
    std::string s;
    s.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
      std::uint8_t b = data_[pos_++];
      for (int half = 0; half < 2; ++half) {
        int v = half == 0 ? (b >> 4) : (b & 0x0F);
        bool last = i + 1 == n && half == 1;
        if (last && odd) {
          if (v != 15) return fail(ErrorCode::malformed, "odd packed string without padding nibble");
          break;
        }
        char c;
        if (t == tag::nibble_8) {
          if (v <= 9) c = static_cast<char>('0' + v);
          else if (v == 10) c = '-';
          else if (v == 11) c = '.';
          else return fail(ErrorCode::malformed, "invalid nibble " + std::to_string(v));
        } else {
          c = v <= 9 ? static_cast<char>('0' + v) : static_cast<char>('A' + v - 10);
        }
        s.push_back(c);
      }
    }
    out.kind = Scalar::Kind::text;
    out.text = std::move(s);
    return Ok{};
  }

  // A string-only scalar (user/server parts of JIDs).
  Status text(std::string& out, bool allow_empty, const char* what) {
    Scalar s;
    if (auto st = scalar(s, true); !st) return st;
    if (s.kind == Scalar::Kind::none && allow_empty) {
      out.clear();
      return Ok{};
    }
    if (s.kind != Scalar::Kind::text) return fail(ErrorCode::malformed, std::string(what) + " is not a string");
    out = std::move(s.text);
    return Ok{};
  }

  Status scalar(Scalar& out, bool as_text) {
    // Strings nest at most once (a JID's user part), so recursion here is bounded by the input.
    if (++scalar_depth_ > 4) return fail(ErrorCode::malformed, "nested JID");
    struct Guard { int& d; ~Guard() { --d; } } guard{scalar_depth_};
    std::uint8_t t;
    if (!byte(t)) return eof("string");
    if (t == tag::list_empty) {
      out.kind = Scalar::Kind::none;
      return Ok{};
    }
    if (t < kSingleByteTokenCount) {
      out.kind = Scalar::Kind::text;
      out.text = std::string(kSingleByteTokens[t]);
      return Ok{};
    }
    if (t >= tag::dictionary_0 && t <= tag::dictionary_3) {
      std::uint8_t i;
      if (!byte(i)) return eof("double-byte token");
      out.kind = Scalar::Kind::text;
      out.text = std::string(kDoubleByteTokens[t - tag::dictionary_0][i]);
      return Ok{};
    }
    std::size_t len = 0;
    switch (t) {
      case tag::binary_8:
        if (!uint_be(1, len)) return eof("binary length");
        return raw(len, out, as_text);
      case tag::binary_20:
        if (!uint_be(3, len)) return eof("binary length");
        return raw(len & 0x0FFFFF, out, as_text);
      case tag::binary_32:
        if (!uint_be(4, len)) return eof("binary length");
        return raw(len, out, as_text);
      case tag::nibble_8:
      case tag::hex_8:
        return packed(t, out);
      case tag::jid_pair: {
        Jid j;
        if (auto s = text(j.user, true, "JID user"); !s) return s;
        if (auto s = text(j.server, false, "JID server"); !s) return s;
        if (j.server.empty()) return fail(ErrorCode::malformed, "JID with an empty server");
        out.kind = Scalar::Kind::jid;
        out.jid = std::move(j);
        return Ok{};
      }
      case tag::ad_jid: {
        std::uint8_t domain, device;
        if (!byte(domain) || !byte(device)) return eof("AD JID");
        Jid j;
        if (auto s = text(j.user, false, "AD JID user"); !s) return s;
        j.device = device;
        switch (domain) {
          case 0: j.server = server::user; break;
          case 1: j.server = server::lid; break;
          case 128: j.server = server::hosted; break;
          case 129: j.server = server::hosted_lid; break;
          default: j.server = server::user; j.agent = domain; break;
        }
        out.kind = Scalar::Kind::jid;
        out.jid = std::move(j);
        return Ok{};
      }
      case tag::fb_jid: {
        Jid j;
        std::size_t dev = 0;
        if (auto s = text(j.user, false, "FB JID user"); !s) return s;
        if (!uint_be(2, dev)) return eof("FB JID device");
        if (auto s = text(j.server, false, "FB JID server"); !s) return s;
        j.device = static_cast<std::uint16_t>(dev);
        out.kind = Scalar::Kind::jid;
        out.jid = std::move(j);
        return Ok{};
      }
      case tag::interop_jid: {
        Jid j;
        std::size_t dev = 0, integrator = 0;
        if (auto s = text(j.user, false, "interop JID user"); !s) return s;
        if (!uint_be(2, dev) || !uint_be(2, integrator)) return eof("interop JID");
        if (auto s = text(j.server, false, "interop JID server"); !s) return s;
        j.device = static_cast<std::uint16_t>(dev);
        j.integrator = static_cast<std::uint16_t>(integrator);
        out.kind = Scalar::Kind::jid;
        out.jid = std::move(j);
        return Ok{};
      }
      default:
        return fail(ErrorCode::malformed, "unexpected tag " + std::to_string(t) + " where a string was expected");
    }
  }

  std::span<const std::uint8_t> data_;
  const DecodeLimits& limits_;
  std::size_t pos_ = 0;
  int scalar_depth_ = 0;
};

}  // namespace

Result<Node> decode_node(std::span<const std::uint8_t> data, const DecodeLimits& limits) {
  Reader r(data, limits);
  auto n = r.node(0);
  if (!n) return n.error().with_context("failed to decode binary node");
  if (r.remaining() != 0)
    return Error(ErrorCode::malformed, "failed to decode binary node: " + std::to_string(r.remaining()) +
                                           " trailing bytes after the node");
  return n;
}

Result<Bytes> inflate_bounded(std::span<const std::uint8_t> data, std::size_t max_bytes, CompressionWrapper wrapper) {
  if (data.size() > std::numeric_limits<uInt>::max())
    return Error(ErrorCode::too_large, "compressed input of " + std::to_string(data.size()) + " bytes is too large");
  z_stream zs{};
  // windowBits 15 + 32: zlib's automatic zlib/gzip header detection.
  const int window_bits = wrapper == CompressionWrapper::zlib_or_gzip ? 15 + 32 : 15;
  if (inflateInit2(&zs, window_bits) != Z_OK) return Error(ErrorCode::malformed, "zlib inflateInit failed");
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  Bytes out;
  std::uint8_t chunk[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Error(ErrorCode::malformed, std::string("zlib inflate failed: ") + (zs.msg ? zs.msg : std::to_string(rc)));
    }
    std::size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&zs);
      return Error(ErrorCode::too_large, "inflated data exceeds " + std::to_string(max_bytes) + " bytes");
    }
    out.insert(out.end(), chunk, chunk + produced);
    if (rc != Z_STREAM_END && produced == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      return Error(ErrorCode::malformed, "zlib stream truncated");
    }
  }
  inflateEnd(&zs);
  return out;
}

Result<Node> decode_frame_plaintext(std::span<const std::uint8_t> data, const DecodeLimits& limits) {
  if (data.empty()) return Error(ErrorCode::malformed, "empty frame plaintext");
  if (data[0] & tag::flag_compressed) {
    auto inflated = inflate_bounded(data.subspan(1), limits.max_inflated_bytes);
    if (!inflated) return inflated.error();
    return decode_node(inflated.value(), limits);
  }
  return decode_node(data.subspan(1), limits);
}

}  // namespace wabot::engine::binary
