// SPDX-License-Identifier: GPL-3.0-or-later
// Thumbnails: RGB, JPEG and PNG inputs give a small valid JPEG of the right size and colours;
// garbage and oversized images are refused without crashing.
#include "host/engine/media/jpeg_thumbnail.hpp"

#include <cppunit/extensions/HelperMacros.h>
#include <png.h>

#include <cstdlib>
#include <cstring>

namespace c = wabot::engine::crypto;
namespace m = wabot::engine::media;

namespace {

m::RgbImage solid(std::uint32_t w, std::uint32_t h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  m::RgbImage img{w, h, c::Bytes(std::size_t(w) * h * 3)};
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = r;
    img.pixels[i + 1] = g;
    img.pixels[i + 2] = b;
  }
  return img;
}

// Left half red, right half blue.
m::RgbImage halves(std::uint32_t w, std::uint32_t h) {
  m::RgbImage img = solid(w, h, 255, 0, 0);
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = w / 2; x < w; ++x) {
      std::uint8_t* p = img.pixels.data() + (std::size_t(y) * w + x) * 3;
      p[0] = 0;
      p[2] = 255;
    }
  return img;
}

bool near(int a, int b, int tolerance) { return std::abs(a - b) <= tolerance; }

c::Bytes to_png(const m::RgbImage& img) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = img.width;
  png.height = img.height;
  png.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  CPPUNIT_ASSERT(png_image_write_to_memory(&png, nullptr, &size, 0, img.pixels.data(), 0, nullptr));
  c::Bytes out(size);
  CPPUNIT_ASSERT(png_image_write_to_memory(&png, out.data(), &size, 0, img.pixels.data(), 0, nullptr));
  out.resize(size);
  return out;
}

}  // namespace

class JpegThumbnailTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JpegThumbnailTest);
  CPPUNIT_TEST(rgb_image_gives_32_wide_jpeg_with_its_colours);
  CPPUNIT_TEST(jpeg_and_png_inputs_are_decoded_and_thumbnailed);
  CPPUNIT_TEST(resize_averages_areas);
  CPPUNIT_TEST(extreme_aspect_ratios_are_bounded);
  CPPUNIT_TEST(garbage_and_oversized_images_are_refused);
  CPPUNIT_TEST(corrupted_jpeg_and_png_bytes_never_crash);
  CPPUNIT_TEST_SUITE_END();

 public:
  void rgb_image_gives_32_wide_jpeg_with_its_colours() {
    auto thumb = m::make_jpeg_thumbnail(halves(640, 480));
    CPPUNIT_ASSERT_MESSAGE(thumb.error().message, thumb.ok());
    const auto& jpg = thumb.value();
    CPPUNIT_ASSERT(jpg.size() > 100 && jpg.size() < 4000);
    CPPUNIT_ASSERT(jpg[0] == 0xFF && jpg[1] == 0xD8 && jpg[jpg.size() - 2] == 0xFF && jpg.back() == 0xD9);
    auto back = m::decode_image(jpg);
    CPPUNIT_ASSERT_MESSAGE(back.error().message, back.ok());
    CPPUNIT_ASSERT_EQUAL(32u, back->width);
    CPPUNIT_ASSERT_EQUAL(24u, back->height);
    const std::uint8_t* left = back->pixels.data() + (12 * 32 + 4) * 3;
    const std::uint8_t* right = back->pixels.data() + (12 * 32 + 27) * 3;
    CPPUNIT_ASSERT(near(left[0], 255, 40) && near(left[2], 0, 40));
    CPPUNIT_ASSERT(near(right[0], 0, 40) && near(right[2], 255, 40));
  }

  void jpeg_and_png_inputs_are_decoded_and_thumbnailed() {
    auto green = solid(300, 600, 0, 200, 0);
    auto jpeg = m::encode_jpeg(green, 90);
    CPPUNIT_ASSERT(jpeg.ok());
    auto decoded = m::decode_image(jpeg.value());
    CPPUNIT_ASSERT(decoded.ok());
    CPPUNIT_ASSERT_EQUAL(300u, decoded->width);
    CPPUNIT_ASSERT_EQUAL(600u, decoded->height);
    auto eighth = m::decode_image(jpeg.value(), 32);  // DCT-scaled decode: 300/8 rounds up to 38 >= 32
    CPPUNIT_ASSERT(eighth.ok());
    CPPUNIT_ASSERT_EQUAL(38u, eighth->width);
    CPPUNIT_ASSERT_EQUAL(75u, eighth->height);
    CPPUNIT_ASSERT_EQUAL(75u, m::decode_image(jpeg.value(), 70)->width);  // 1/4 is the most that keeps 70
    auto from_jpeg = m::make_jpeg_thumbnail(jpeg.value());
    CPPUNIT_ASSERT(from_jpeg.ok());
    auto small = m::decode_image(from_jpeg.value());
    CPPUNIT_ASSERT_EQUAL(32u, small->width);
    CPPUNIT_ASSERT_EQUAL(64u, small->height);
    CPPUNIT_ASSERT(near(small->pixels[1], 200, 30) && near(small->pixels[0], 0, 30));

    auto png = to_png(halves(100, 50));
    auto from_png = m::decode_image(png);
    CPPUNIT_ASSERT_MESSAGE(from_png.error().message, from_png.ok());
    CPPUNIT_ASSERT(from_png->pixels == halves(100, 50).pixels);  // PNG is lossless
    auto thumb = m::make_jpeg_thumbnail(png, 20);
    CPPUNIT_ASSERT(thumb.ok());
    CPPUNIT_ASSERT_EQUAL(20u, m::decode_image(thumb.value())->width);
    CPPUNIT_ASSERT_EQUAL(10u, m::decode_image(thumb.value())->height);
  }

  void resize_averages_areas() {
    auto img = halves(4, 2);
    auto one = m::resize_image(img, 1, 1);
    CPPUNIT_ASSERT(one.ok());
    CPPUNIT_ASSERT_EQUAL(128, int(one->pixels[0]));  // (255+255+0+0)/4 rounded
    CPPUNIT_ASSERT_EQUAL(0, int(one->pixels[1]));
    CPPUNIT_ASSERT_EQUAL(128, int(one->pixels[2]));
    auto up = m::resize_image(solid(1, 1, 9, 8, 7), 3, 2);  // upscaling repeats pixels
    CPPUNIT_ASSERT(up.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(18), up->pixels.size());
    CPPUNIT_ASSERT_EQUAL(7, int(up->pixels[17]));
  }

  void extreme_aspect_ratios_are_bounded() {
    auto tall = m::make_jpeg_thumbnail(solid(1, 5000, 1, 2, 3));
    CPPUNIT_ASSERT(tall.ok());
    CPPUNIT_ASSERT_EQUAL(256u, m::decode_image(tall.value())->height);  // capped at 8 x 32
    auto wide = m::make_jpeg_thumbnail(solid(5000, 1, 1, 2, 3));
    CPPUNIT_ASSERT(wide.ok());
    CPPUNIT_ASSERT_EQUAL(1u, m::decode_image(wide.value())->height);
  }

  void garbage_and_oversized_images_are_refused() {
    auto code = [](const auto& r) { return std::string(m::to_string(r.error().code)); };
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(m::decode_image(c::view("GIF89a..."))));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(m::decode_image({})));
    c::Bytes junk_jpeg = {0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02, 0x03};
    CPPUNIT_ASSERT_EQUAL(std::string("image_failed"), code(m::decode_image(junk_jpeg)));
    c::Bytes junk_png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H'};
    CPPUNIT_ASSERT_EQUAL(std::string("image_failed"), code(m::decode_image(junk_png)));
    // A real JPEG whose frame header claims 20000 x 20000 (libjpeg itself stops at 65500): refused before any pixel buffer exists.
    auto jpeg = m::encode_jpeg(solid(8, 8, 1, 1, 1), 80).value();
    bool patched = false;
    for (std::size_t i = 0; i + 9 < jpeg.size(); ++i) {
      if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
        jpeg[i + 5] = jpeg[i + 7] = 0x4E;
        jpeg[i + 6] = jpeg[i + 8] = 0x20;
        patched = true;
        break;
      }
    }
    CPPUNIT_ASSERT(patched);
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(m::decode_image(jpeg)));
    // Truncated real JPEG: libjpeg pads missing data; we only require no crash and a sane size.
    auto whole = m::encode_jpeg(halves(64, 64), 80).value();
    auto cut = m::decode_image(c::ByteView(whole.data(), whole.size() / 2));
    if (cut.ok()) CPPUNIT_ASSERT_EQUAL(64u, cut->width);
    // Inconsistent RGB buffers and bad parameters.
    m::RgbImage bad{10, 10, c::Bytes(299)};
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(m::make_jpeg_thumbnail(bad)));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(m::encode_jpeg(solid(2, 2, 0, 0, 0), 0)));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(m::resize_image(solid(2, 2, 0, 0, 0), 0, 5)));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(m::make_jpeg_thumbnail(solid(2, 2, 0, 0, 0), 0)));
  }

  void corrupted_jpeg_and_png_bytes_never_crash() {
    // Deterministic corruption (xorshift) of real files: each decode returns a value or an error.
    std::uint32_t state = 12345;
    auto next = [&] {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      return state;
    };
    const c::Bytes jpeg = m::encode_jpeg(halves(48, 40), 75).value();
    const c::Bytes png = to_png(halves(48, 40));
    int decoded = 0;
    for (const c::Bytes* original : {&jpeg, &png}) {
      for (int round = 0; round < 300; ++round) {
        c::Bytes mutated = *original;
        for (int k = 0; k < 1 + round % 4; ++k) mutated[3 + next() % (mutated.size() - 3)] ^= static_cast<std::uint8_t>(1 + next() % 255);
        if (round % 10 == 0) mutated.resize(mutated.size() * (next() % 100) / 100 + 3);
        auto r = m::decode_image(mutated);
        if (r.ok()) {
          ++decoded;
          CPPUNIT_ASSERT_EQUAL(std::size_t(r->width) * r->height * 3, r->pixels.size());
        }
        auto t = m::make_jpeg_thumbnail(mutated);
        if (t.ok()) CPPUNIT_ASSERT(t->size() > 2);
      }
    }
    CPPUNIT_ASSERT(decoded > 0);  // libjpeg recovers from most flipped entropy-coded bytes
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JpegThumbnailTest);
