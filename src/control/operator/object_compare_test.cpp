#include "control/operator/object_compare.hpp"

#include <gtest/gtest.h>

namespace kaos::control::operator_ {
namespace {

json::value j(std::string_view text) {
  return parse_json(text).value();
}

TEST(Covers, ExtraLiveFieldsAndServerDefaultsAreFine) {
  EXPECT_TRUE(covers(j(R"({"spec":{"clusterIP":"10.0.0.1","ports":[{"port":8000,"protocol":"TCP"}]},"status":{}})"),
                     j(R"({"spec":{"ports":[{"port":8000}]}})")));
}

TEST(Covers, AnyDifferenceInWhatWeSetIsNotCovered) {
  EXPECT_FALSE(covers(j(R"({"spec":{"ports":[{"port":8001}]}})"), j(R"({"spec":{"ports":[{"port":8000}]}})")));
  EXPECT_FALSE(covers(j(R"({"spec":{}})"), j(R"({"spec":{"replicas":1}})")));
  EXPECT_FALSE(covers(j(R"({"a":[1,2,3]})"), j(R"({"a":[1,2]})"))) << "a list we set is ours whole";
  EXPECT_FALSE(covers(j(R"({"a":"1"})"), j(R"({"a":1})")));
  EXPECT_FALSE(covers(j(R"({"a":{"b":1}})"), j(R"({"a":[{"b":1}]})")));
}

TEST(Covers, NumbersCompareByValueAndNullMeansAbsent) {
  EXPECT_TRUE(covers(j(R"({"a":1.0})"), j(R"({"a":1})")));
  EXPECT_TRUE(covers(j(R"({})"), j(R"({"a":null})")));
  EXPECT_FALSE(covers(j(R"({"a":1.5})"), j(R"({"a":1})")));
}

}  // namespace
}  // namespace kaos::control::operator_
