#include "sim/diff/managed_fields.hpp"

#include <algorithm>

#include "sim/core/json_lookup.hpp"

namespace gs::diff {
namespace {

void mergeSets(Json& into, const Json& from) {
  if (!from.is_object()) return;
  if (!into.is_object()) into = Json::object();
  for (auto it = from.begin(); it != from.end(); ++it) mergeSets(into[it.key()], it.value());
}

bool ownsWhole(const Json& fields) { return !fields.is_object() || fields.empty() || fields.contains("."); }

bool elementMatches(const Json& element, const Json& keyFields) {
  if (!element.is_object() || !keyFields.is_object()) return false;
  for (auto it = keyFields.begin(); it != keyFields.end(); ++it) {
    auto field = element.find(it.key());
    if (field == element.end() || *field != it.value()) return false;
  }
  return true;
}

void removeFromArray(Json& array, const std::string& token, const Json& child) {
  auto recurseOrErase = [&](std::size_t i) -> bool {  // true when element i was erased
    if (ownsWhole(child)) {
      array.erase(i);
      return true;
    }
    removeOwnedFields(array[i], child);
    return false;
  };
  if (token.starts_with("k:")) {
    Json keyFields = Json::parse(token.substr(2), nullptr, false);
    for (std::size_t i = array.size(); i-- > 0;) {
      if (elementMatches(array[i], keyFields)) recurseOrErase(i);
    }
  } else if (token.starts_with("v:")) {
    Json wanted = Json::parse(token.substr(2), nullptr, false);
    for (std::size_t i = array.size(); i-- > 0;) {
      if (array[i] == wanted) array.erase(i);
    }
  } else if (token.starts_with("i:")) {
    auto digits = token.substr(2);
    if (!digits.empty() && digits.size() < 9 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::size_t i = std::stoul(digits);
      if (i < array.size()) recurseOrErase(i);
    }
  }
}

}  // namespace

Json ownedFields(const Json& live, const std::vector<std::string>& managers) {
  Json owned;
  auto meta = live.find("metadata");
  if (meta == live.end() || !meta->is_object()) return owned;
  auto entries = meta->find("managedFields");
  if (entries == meta->end() || !entries->is_array()) return owned;
  for (const auto& entry : *entries) {
    if (!entry.is_object() || !entry.contains("fieldsV1")) continue;
    auto manager = entry.value("manager", "");
    if (std::find(managers.begin(), managers.end(), manager) == managers.end()) continue;
    mergeSets(owned, entry["fieldsV1"]);
  }
  return owned;
}

Json ownedFieldsPresentIn(const Json& fieldsV1, const Json& value) {
  if (!fieldsV1.is_object()) return fieldsV1;
  Json out = Json::object();
  for (auto it = fieldsV1.begin(); it != fieldsV1.end(); ++it) {
    const std::string& token = it.key();
    if (token == ".") {
      out[token] = it.value();
    } else if (token.starts_with("f:")) {
      const Json* member = value.is_object() ? findMember(value, std::string_view(token).substr(2)) : nullptr;
      if (member == nullptr || member->is_null()) continue;  // the manifest leaves it out: not hidden
      Json inner = ownsWhole(it.value()) ? it.value() : ownedFieldsPresentIn(it.value(), *member);
      if (!inner.is_object() || !inner.empty() || ownsWhole(it.value())) out[token] = std::move(inner);
    } else {
      out[token] = it.value();  // list elements: kept as owned
    }
  }
  return out;
}

void removeOwnedFields(Json& value, const Json& fieldsV1) {
  if (!fieldsV1.is_object()) return;
  for (auto it = fieldsV1.begin(); it != fieldsV1.end(); ++it) {
    const std::string& token = it.key();
    const Json& child = it.value();
    if (token.starts_with("f:") && value.is_object()) {
      auto member = value.find(token.substr(2));
      if (member == value.end()) continue;
      if (ownsWhole(child)) value.erase(member);
      else removeOwnedFields(*member, child);
    } else if (value.is_array()) {
      removeFromArray(value, token, child);
    }
  }
}

}  // namespace gs::diff
