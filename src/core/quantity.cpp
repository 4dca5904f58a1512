#include "core/quantity.hpp"

#include <cctype>
#include <cmath>

namespace kaos {

Result<Quantity> parse_quantity(std::string_view text) {
  const std::string orig(text);
  auto bad = [&](const std::string& why) {
    return Error::invalid("invalid quantity \"" + orig + "\": " + why + " (examples: 5Gi, 512Mi, 500m, 2)");
  };
  if (text.empty()) return bad("empty");
  std::size_t i = 0;
  if (text[i] == '+' || text[i] == '-') ++i;
  std::size_t digits_start = i;
  bool dot = false;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !dot))) {
    if (text[i] == '.') dot = true;
    ++i;
  }
  std::string num(text.substr(0, i));
  if (i == digits_start || num == "." || num == "+." || num == "-.") return bad("expected a number");
  std::string_view suffix = text.substr(i);
  long double mult = 1;
  if (suffix.empty())
    mult = 1;
  else if (suffix == "Ki")
    mult = 1024.0L;
  else if (suffix == "Mi")
    mult = std::pow(1024.0L, 2);
  else if (suffix == "Gi")
    mult = std::pow(1024.0L, 3);
  else if (suffix == "Ti")
    mult = std::pow(1024.0L, 4);
  else if (suffix == "Pi")
    mult = std::pow(1024.0L, 5);
  else if (suffix == "Ei")
    mult = std::pow(1024.0L, 6);
  else if (suffix == "n")
    mult = 1e-9L;
  else if (suffix == "u")
    mult = 1e-6L;
  else if (suffix == "m")
    mult = 1e-3L;
  else if (suffix == "k")
    mult = 1e3L;
  else if (suffix == "M")
    mult = 1e6L;
  else if (suffix == "G")
    mult = 1e9L;
  else if (suffix == "T")
    mult = 1e12L;
  else if (suffix == "P")
    mult = 1e15L;
  else if (suffix == "E")
    mult = 1e18L;
  else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view exp = suffix.substr(1);
    std::size_t j = 0;
    if (j < exp.size() && (exp[j] == '+' || exp[j] == '-')) ++j;
    if (j == exp.size()) return bad("missing exponent");
    for (std::size_t k = j; k < exp.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(exp[k]))) return bad("malformed exponent");
    mult = std::pow(10.0L, std::stold(std::string(exp)));
  } else {
    return bad("unknown suffix '" + std::string(suffix) + "'");
  }
  return Quantity{std::stold(num) * mult, orig};
}

}  // namespace kaos
