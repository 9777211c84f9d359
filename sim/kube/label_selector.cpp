#include "sim/kube/label_selector.hpp"

#include <algorithm>

#include "sim/core/error.hpp"

namespace gs::kube {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits on commas outside parentheses.
std::vector<std::string_view> splitTerms(std::string_view text) {
  std::vector<std::string_view> terms;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ',';
    if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (c == ',' && depth == 0) {
      terms.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (depth != 0) throw Error::invalid("unable to parse label selector \"" + std::string(text) + "\": unbalanced parentheses");
  return terms;
}

// A label value: empty, or at most 63 characters of [A-Za-z0-9-_.] that start and end
// alphanumeric.
bool validValue(std::string_view value) {
  if (value.empty()) return true;
  if (value.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(value.front()) || !alnum(value.back())) return false;
  return std::all_of(value.begin(), value.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool validKey(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

}  // namespace

LabelSelector LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  text = trim(text);
  if (text.empty()) return selector;
  for (auto term : splitTerms(text)) {
    auto bad = [&](const std::string& why) {
      return Error::invalid("unable to parse requirement \"" + std::string(term) + "\": " + why);
    };
    if (term.empty()) throw bad("empty requirement");
    Requirement r;
    auto setOp = [&](std::size_t at, std::size_t len, Op op) {
      r.key = std::string(trim(term.substr(0, at)));
      r.op = op;
      r.values.emplace_back(trim(term.substr(at + len)));
    };
    std::size_t pos;
    if (term.front() == '!') {
      r.key = std::string(trim(term.substr(1)));
      r.op = Op::DoesNotExist;
    } else if ((pos = term.find(" notin ")) != std::string_view::npos || (pos = term.find(" in ")) != std::string_view::npos) {
      bool notIn = term.substr(pos, 7) == " notin ";
      r.key = std::string(trim(term.substr(0, pos)));
      r.op = notIn ? Op::NotIn : Op::In;
      auto rest = trim(term.substr(pos + (notIn ? 7 : 4)));
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') throw bad("expected a parenthesised value list");
      rest = rest.substr(1, rest.size() - 2);
      std::size_t start = 0;
      for (std::size_t i = 0; i <= rest.size(); ++i) {
        if (i == rest.size() || rest[i] == ',') {
          r.values.emplace_back(trim(rest.substr(start, i - start)));
          start = i + 1;
        }
      }
    } else if ((pos = term.find("!=")) != std::string_view::npos) {
      setOp(pos, 2, Op::NotEquals);
    } else if ((pos = term.find("==")) != std::string_view::npos) {
      setOp(pos, 2, Op::Equals);
    } else if ((pos = term.find('=')) != std::string_view::npos) {
      setOp(pos, 1, Op::Equals);
    } else {
      r.key = std::string(term);
      r.op = Op::Exists;
    }
    if (!validKey(r.key)) throw bad("invalid label key \"" + r.key + "\"");
    for (const auto& v : r.values) {
      if (!validValue(v)) throw bad("invalid label value \"" + v + "\": at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
    }
    selector.requirements_.push_back(std::move(r));
  }
  return selector;
}

LabelSelector LabelSelector::fromJson(const Json& selector) {
  LabelSelector out;
  if (!selector.is_object()) return out;
  if (auto it = selector.find("matchLabels"); it != selector.end() && it->is_object()) {
    for (auto l = it->begin(); l != it->end(); ++l) {
      out.requirements_.push_back(Requirement{l.key(), Op::Equals, {l->is_string() ? l->get<std::string>() : l->dump()}});
    }
  }
  if (auto it = selector.find("matchExpressions"); it != selector.end() && it->is_array()) {
    for (const auto& e : *it) {
      Requirement r;
      r.key = e.value("key", "");
      auto op = e.value("operator", "");
      if (op == "In") r.op = Op::In;
      else if (op == "NotIn") r.op = Op::NotIn;
      else if (op == "Exists") r.op = Op::Exists;
      else if (op == "DoesNotExist") r.op = Op::DoesNotExist;
      else throw BadOperator(r.key, op);
      for (const auto& v : e.value("values", Json::array())) r.values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
      out.requirements_.push_back(std::move(r));
    }
  }
  return out;
}

bool LabelSelector::matches(const Json& labels) const {
  for (const auto& r : requirements_) {
    const Json* value = nullptr;
    if (labels.is_object()) {
      auto it = labels.find(r.key);
      if (it != labels.end() && it->is_string()) value = &*it;
    }
    auto in = [&] { return value != nullptr && std::find(r.values.begin(), r.values.end(), value->get_ref<const std::string&>()) != r.values.end(); };
    bool ok = false;
    switch (r.op) {
      case Op::Equals: ok = value != nullptr && *value == r.values.front(); break;
      case Op::NotEquals: ok = value == nullptr || *value != r.values.front(); break;
      case Op::In: ok = in(); break;
      case Op::NotIn: ok = !in(); break;
      case Op::Exists: ok = value != nullptr; break;
      case Op::DoesNotExist: ok = value == nullptr; break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace gs::kube
