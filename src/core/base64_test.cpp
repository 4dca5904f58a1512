#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace kaos {
namespace {

TEST(Base64, DecodesWithOrWithoutPaddingAndIgnoresWhitespace) {
  EXPECT_EQ(decode_base64("c2stdGVzdA=="), "sk-test");
  EXPECT_EQ(decode_base64("c2stdGVzdA"), "sk-test");
  EXPECT_EQ(decode_base64("c2st\ndGVz dA==\n"), "sk-test");
  EXPECT_EQ(decode_base64(""), "");
}

TEST(Base64, RefusesWhatIsNotBase64) {
  EXPECT_EQ(decode_base64("not base64!"), std::nullopt);
  EXPECT_EQ(decode_base64("c2s=dGVz"), std::nullopt) << "data after padding";
  EXPECT_EQ(decode_base64("c2std"), std::nullopt) << "a dangling sextet";
}

}  // namespace
}  // namespace kaos
