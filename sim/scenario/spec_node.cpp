#include "sim/scenario/spec_node.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace gs::scenario {

SourceLocation SpecNode::where() const {
  if (source_->positions == nullptr) return SourceLocation{source_->file, 0, 0};
  return source_->positions->locate(source_->file, pointer_);
}

void SpecNode::fail(const std::string& message) const { throw Error::invalid(message, where(), path_); }

void SpecNode::failAtKey(const std::string& message) const {
  const SourceLocation at = source_->positions == nullptr ? SourceLocation{source_->file, 0, 0} : source_->positions->locateKey(source_->file, pointer_);
  throw Error::invalid(message, at, path_);
}

std::string SpecNode::typeName() const {
  switch (value_->type()) {
    case Json::value_t::object: return "a map";
    case Json::value_t::array: return "a list";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::null: return "empty (null)";
    case Json::value_t::number_float: return "a number";
    default: return "an integer";
  }
}

const SpecNode& SpecNode::requireMap() const {
  if (!isMap()) fail("must be a map of keys, found " + typeName());
  return *this;
}

const SpecNode& SpecNode::requireList() const {
  if (!isList()) fail("must be a list, found " + typeName());
  return *this;
}

const SpecNode& SpecNode::allowOnly(std::initializer_list<std::string_view> allowed) const {
  requireMap();
  for (const auto& [key, value] : value_->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    std::string message = "unknown key '" + key + "'";
    const std::string hint = closestMatch(key, names);
    if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    message += "; allowed here: " + list;
    child(key, value).failAtKey(message);
  }
  return *this;
}

std::string SpecNode::exactlyOne(std::initializer_list<std::string_view> keys) const {
  requireMap();
  std::string found;
  std::string list;
  for (auto k : keys) {
    list += (list.empty() ? "" : ", ") + std::string(k);
    if (!has(k)) continue;
    if (!found.empty()) fail("'" + found + "' and '" + std::string(k) + "' cannot be used together: give exactly one of " + list);
    found = std::string(k);
  }
  if (found.empty()) fail("needs exactly one of " + list);
  return found;
}

SpecNode SpecNode::child(const std::string& key, const Json& value) const {
  std::string path = path_.empty() ? key : path_ + "." + key;
  if (key.find_first_of("./ ") != std::string::npos) path = path_ + "[\"" + key + "\"]";
  return SpecNode(value, *source_, pointer_ + "/" + escapePointerToken(key), std::move(path));
}

SpecNode SpecNode::element(std::size_t index, const Json& value) const {
  return SpecNode(value, *source_, pointer_ + "/" + std::to_string(index), path_ + "[" + std::to_string(index) + "]");
}

std::optional<SpecNode> SpecNode::get(std::string_view key) const {
  if (!value_->is_object()) return std::nullopt;
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return child(std::string(key), *it);
}

SpecNode SpecNode::at(std::string_view key) const {
  requireMap();
  auto found = get(key);
  if (!found) fail("missing required key '" + std::string(key) + "'");
  return *found;
}

std::vector<SpecNode> SpecNode::items() const {
  requireList();
  std::vector<SpecNode> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) out.push_back(element(i, (*value_)[i]));
  return out;
}

std::vector<std::pair<std::string, SpecNode>> SpecNode::entries() const {
  requireMap();
  std::vector<std::pair<std::string, SpecNode>> out;
  for (const auto& [key, value] : value_->items()) out.emplace_back(key, child(key, value));
  return out;
}

std::string SpecNode::str() const {
  if (!isString()) {
    std::string hint;
    if (value_->is_number() || value_->is_boolean()) hint = " (put it in quotes to use it as text)";
    fail("must be a string, found " + typeName() + hint);
  }
  return value_->get<std::string>();
}

std::string SpecNode::scalarText() const {
  if (isString()) return value_->get<std::string>();
  if (value_->is_number() || value_->is_boolean()) return value_->dump();
  fail("must be a string, number or boolean, found " + typeName());
}

namespace {
// A number too large for 64 bits reads as a float; said as the number it is.
std::string numberText(const Json& value) {
  if (value.is_number_float()) {
    std::ostringstream out;
    out << std::setprecision(21) << value.get<double>();
    return out.str();
  }
  return value.dump();
}
bool wholeFloat(const Json& value) { return value.is_number_float() && std::isfinite(value.get<double>()) && std::trunc(value.get<double>()) == value.get<double>(); }
}  // namespace

long long SpecNode::integer(long long min, long long max) const {
  const std::string range = "must be between " + std::to_string(min) + " and " + std::to_string(max);
  if (wholeFloat(*value_)) fail(range + ", found " + numberText(*value_));
  if (!value_->is_number_integer()) fail("must be a whole number, found " + typeName());
  if (value_->is_number_unsigned() && value_->get<unsigned long long>() > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
    fail(range + ", found " + value_->dump());
  }
  const long long v = value_->get<long long>();
  if (v < min || v > max) fail(range + ", found " + std::to_string(v));
  return v;
}

std::uint64_t SpecNode::unsignedInteger() const {
  const std::string range = "must be between 0 and " + std::to_string(std::numeric_limits<std::uint64_t>::max());
  if (wholeFloat(*value_)) fail(range + ", found " + numberText(*value_));
  if (!value_->is_number_integer()) fail("must be a whole number, found " + typeName());
  if (!value_->is_number_unsigned() && value_->get<long long>() < 0) fail(range + ", found " + value_->dump());
  return value_->get<std::uint64_t>();
}

double SpecNode::number() const {
  if (!value_->is_number()) fail("must be a number, found " + typeName());
  double v = value_->get<double>();
  if (!std::isfinite(v)) fail("must be a finite number");
  return v;
}

bool SpecNode::boolean() const {
  if (!value_->is_boolean()) fail("must be true or false, found " + typeName());
  return value_->get<bool>();
}

Duration SpecNode::duration() const {
  if (value_->is_number()) fail("a duration needs a unit, e.g. \"30s\", \"5m\" or \"1h30m\"");
  if (!isString()) fail("must be a duration such as \"30s\", \"5m\" or \"1h30m\", found " + typeName());
  try {
    Duration d = parseDuration(value_->get<std::string>());
    if (d.count() < 0) fail("a duration cannot be negative");
    return d;
  } catch (const Error& e) {
    fail(e.message());
  }
}

std::string SpecNode::oneOf(std::initializer_list<std::string_view> choices) const {
  std::string v = str();
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
  std::vector<std::string> names(choices.begin(), choices.end());
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  std::string message = "'" + v + "' is not one of " + list;
  const std::string hint = closestMatch(v, names);
  if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
  fail(message);
}

std::vector<std::string> SpecNode::strings() const {
  if (isString()) return {str()};
  std::vector<std::string> out;
  for (const auto& item : items()) out.push_back(item.str());
  return out;
}

std::string SpecNode::str(std::string_view key, std::string fallback) const {
  auto n = get(key);
  return n ? n->str() : std::move(fallback);
}

bool SpecNode::boolean(std::string_view key, bool fallback) const {
  auto n = get(key);
  return n ? n->boolean() : fallback;
}

Duration SpecNode::duration(std::string_view key, Duration fallback) const {
  auto n = get(key);
  return n ? n->duration() : fallback;
}

long long SpecNode::integer(std::string_view key, long long fallback, long long min, long long max) const {
  auto n = get(key);
  return n ? n->integer(min, max) : fallback;
}

namespace {
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestDistance = 3;
  for (const auto& c : candidates) {
    const std::size_t d = editDistance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace gs::scenario
