// Prometheus text exposition format 0.0.4 for the families in metrics.hpp.
#include <charconv>
#include <cmath>

#include "telemetry/metrics.hpp"

namespace kaos::telemetry {
namespace detail {

namespace {
constexpr char kSep = '\x1f';

void append_escaped(std::string& out, std::string_view v, bool help) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && !help)
      out += "\\\"";
    else
      out += c;
  }
}
}  // namespace

std::string join_label_key(std::initializer_list<std::string_view> values) {
  std::string key;
  for (auto v : values) {
    key.append(v);
    key += kSep;
  }
  return key;
}

std::string join_label_key(const std::vector<std::string>& values) {
  std::string key;
  for (const auto& v : values) {
    key.append(v);
    key += kSep;
  }
  return key;
}

void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   std::string_view extra_name, std::string_view extra_value) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped(out, i < values.size() ? std::string_view(values[i]) : std::string_view(), false);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    append_escaped(out, extra_value, false);
    out += '"';
  }
  out += '}';
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    out.append(buf, r.ptr);
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_header(std::string& out, const FamilyBase& f) {
  out += "# HELP ";
  out += f.name();
  out += ' ';
  append_escaped(out, f.help(), true);
  out += "\n# TYPE ";
  out += f.name();
  switch (f.type()) {
    case MetricType::counter:
      out += " counter\n";
      break;
    case MetricType::gauge:
      out += " gauge\n";
      break;
    case MetricType::histogram:
      out += " histogram\n";
      break;
  }
}

}  // namespace detail

template <class T>
void Family<T>::render_samples(std::string& out) const {
  detail::append_header(out, *this);
  std::shared_lock lock(mutex_);
  for (const Child* c : order_) {
    out += name_;
    detail::append_labels(out, label_names_, c->values);
    out += ' ';
    detail::append_number(out, static_cast<double>(c->metric->value()));
    out += '\n';
  }
}

template <>
void Family<Counter>::render(std::string& out) const {
  render_samples(out);
}

template <>
void Family<Gauge>::render(std::string& out) const {
  render_samples(out);
}

template <>
void Family<Histogram>::render(std::string& out) const {
  detail::append_header(out, *this);
  std::shared_lock lock(mutex_);
  for (const Child* c : order_) {
    auto snap = c->metric->snapshot();
    const auto& bounds = c->metric->bounds();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      std::string le;
      if (i < bounds.size())
        detail::append_number(le, bounds[i]);
      else
        le = "+Inf";
      out += name_;
      out += "_bucket";
      detail::append_labels(out, label_names_, c->values, "le", le);
      out += ' ';
      detail::append_number(out, static_cast<double>(snap.cumulative[i]));
      out += '\n';
    }
    out += name_;
    out += "_sum";
    detail::append_labels(out, label_names_, c->values);
    out += ' ';
    detail::append_number(out, snap.sum);
    out += '\n';
    out += name_;
    out += "_count";
    detail::append_labels(out, label_names_, c->values);
    out += ' ';
    detail::append_number(out, static_cast<double>(snap.count));
    out += '\n';
  }
}

}  // namespace kaos::telemetry
