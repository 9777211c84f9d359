#include "sim/kube/strategic_merge.hpp"

#include <algorithm>

#include "sim/core/json_lookup.hpp"

namespace gs::kube {

namespace {

// Both merges work in place on a copy the caller made once: merging by value copied every
// subtree again at each level it passed through (and lists element by element).
void mergeInPlace(Json& out, const Json& patch, const FieldSchema* schema, ListOrder order);

// kyaml's matching of list-map keys (kustomize's patches): the fields as written, a
// missing one matching only a missing one (no API defaults such as protocol TCP).
bool hasEveryKeyField(const Json& element, std::span<const MergeKeyField> key) {
  if (!element.is_object()) return false;
  return std::all_of(key.begin(), key.end(), [&](const MergeKeyField& f) { return findMember(element, f.name) != nullptr; });
}

// `a` and `b` agree on the key fields both have, and share at least one.
bool agreeWhereBothHave(const Json& a, const Json& b, std::span<const MergeKeyField> key) {
  if (!a.is_object() || !b.is_object()) return false;
  bool shared = false;
  for (const auto& f : key) {
    const Json* x = findMember(a, f.name);
    const Json* y = findMember(b, f.name);
    if (x == nullptr || y == nullptr) continue;
    if (*x != *y) return false;
    shared = true;
  }
  return shared;
}

bool sameWrittenKey(const Json& a, const Json& b, std::span<const MergeKeyField> key) {
  if (key.size() == 1 && key[0].name == ".") return a == b;
  if (!a.is_object() || !b.is_object()) return false;
  return std::all_of(key.begin(), key.end(), [&](const MergeKeyField& f) {
    const Json* x = findMember(a, f.name);
    const Json* y = findMember(b, f.name);
    return (x == nullptr && y == nullptr) || (x != nullptr && y != nullptr && *x == *y);
  });
}

// The merge keys of a list's elements, in order: what an element's place is looked up by
// (a copy of the keys alone, not of the elements).
Json keysOf(const Json& list, std::span<const MergeKeyField> key) {
  Json keys = Json::array();
  if (!list.is_array()) return keys;
  for (const auto& element : list) {
    if (key.size() == 1 && key[0].name == ".") {
      keys.push_back(element);
      continue;
    }
    Json k = Json::object();
    for (const auto& f : key) {
      if (const Json* v = element.is_object() ? findMember(element, f.name) : nullptr) k[f.name] = *v;
    }
    keys.push_back(std::move(k));
  }
  return keys;
}

// Puts merged list `out` in the order `order` names (elements matched by merge key), with
// the elements `order` does not name (the server's own) interleaved where they stood in
// the list before the merge (`beforeKeys`, from keysOf): apimachinery's
// normalizeElementOrder and mergeSortedSlice, what a `$setElementOrder/<list>` directive does.
void applyElementOrder(Json& out, const Json& order, const Json& beforeKeys, std::span<const MergeKeyField> key) {
  if (!out.is_array() || !order.is_array()) return;
  auto positionIn = [&](const Json& list, const Json& element) -> std::ptrdiff_t {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (sameMergeKey(list[i], element, key)) return static_cast<std::ptrdiff_t>(i);
    }
    return -1;
  };
  struct Placed {
    Json element;
    std::ptrdiff_t wanted;  // place in `order`, -1: the server's own
    std::ptrdiff_t before;  // place before the merge, -1: new
  };
  std::vector<Placed> named, serverOnly;
  for (auto& e : out) {
    const std::ptrdiff_t wanted = positionIn(order, e), before = positionIn(beforeKeys, e);
    (wanted >= 0 ? named : serverOnly).push_back(Placed{std::move(e), wanted, before});
  }
  std::stable_sort(named.begin(), named.end(), [](const Placed& a, const Placed& b) { return a.wanted < b.wanted; });
  Json merged = Json::array();
  std::size_t i = 0, j = 0;
  while (i < serverOnly.size() || j < named.size()) {
    bool takeServer = j >= named.size();
    if (!takeServer && i < serverOnly.size()) {
      takeServer = serverOnly[i].before >= 0 && named[j].before >= 0 && serverOnly[i].before < named[j].before;
    }
    merged.push_back(std::move(takeServer ? serverOnly[i++].element : named[j++].element));
  }
  out = std::move(merged);
}

void mergeKeyedListInPlace(Json& out, const Json& patch, const FieldSchema* schema, ListOrder order) {
  if (!out.is_array()) out = Json::array();
  const Json beforeKeys = order == ListOrder::GitOrder ? keysOf(out, schema->mergeKey()) : Json();
  auto key = schema->mergeKey();
  Json front = Json::array();  // PatchFirst: the patch's elements, merged, in patch order
  // kyaml with a list-map key of several fields, once any element (of the object or the
  // patch) has them all: the patch's new elements come first, in patch order, and every
  // element of the object stays where it was, merged in place.
  const bool keepObjectOrder =
      order == ListOrder::PatchFirst && key.size() > 1 &&
      (std::any_of(out.begin(), out.end(), [&](const Json& e) { return hasEveryKeyField(e, key); }) ||
       std::any_of(patch.begin(), patch.end(), [&](const Json& e) { return hasEveryKeyField(e, key); }));
  for (const auto& p : patch) {
    std::string directive = p.is_object() ? p.value("$patch", "") : "";
    if (directive == "replace") {
      // The list is replaced by the patch's other elements.
      Json replaced = Json::array();
      for (const auto& e : patch) {
        if (!(e.is_object() && e.value("$patch", "") == "replace")) replaced.push_back(e);
      }
      out = std::move(replaced);
      return;
    }
    auto it = std::find_if(out.begin(), out.end(), [&](const Json& e) {
      return order == ListOrder::PatchFirst ? sameWrittenKey(e, p, key) : sameMergeKey(e, p, key);
    });
    if (it == out.end() && order == ListOrder::PatchFirst && key.size() > 1 &&
        std::any_of(out.begin(), out.end(), [&](const Json& e) { return agreeWhereBothHave(e, p, key); })) {
      // kyaml matches list-map keys as written: an element that matches nothing exactly
      // but agrees with an element of the object on the key fields both have (one sets
      // protocol, the other not) is dropped (no merge, no delete), as kubectl kustomize
      // renders it; one that matches nothing at all is added.
      continue;
    }
    if (directive == "delete") {
      if (it != out.end()) out.erase(it);
      continue;
    }
    if (it == out.end()) {
      Json merged = p.is_object() ? Json::object() : p;
      if (p.is_object()) mergeInPlace(merged, p, schema->element(), order);
      (order == ListOrder::PatchFirst ? front : out).push_back(std::move(merged));
      continue;
    }
    // An element that is there: an object patch merges into it, anything else keeps it.
    if (p.is_object()) mergeInPlace(*it, p, schema->element(), order);
    if (order == ListOrder::PatchFirst && !keepObjectOrder) {
      front.push_back(std::move(*it));
      out.erase(it);
    }
  }
  if (order == ListOrder::PatchFirst) {
    for (auto& e : out) front.push_back(std::move(e));
    out = std::move(front);
  }
  if (order == ListOrder::GitOrder) applyElementOrder(out, patch, beforeKeys, key);
}

void mergeInPlace(Json& out, const Json& patch, const FieldSchema* schema, ListOrder order) {
  if (!patch.is_object()) {
    out = patch;
    return;
  }
  const std::string directive = patch.value("$patch", "");
  if (directive == "replace") {
    out = patch;
    out.erase("$patch");
    return;
  }
  if (directive == "delete") {
    out = nullptr;
    return;
  }
  if (!out.is_object()) out = Json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    if (key == "$patch") continue;
    if (order == ListOrder::PatchFirst &&
        (key == "$retainKeys" || key.starts_with("$deleteFromPrimitiveList/") || key.starts_with("$setElementOrder/"))) {
      out[key] = *it;  // kustomize's merge knows neither directive: it keeps them as fields
      continue;
    }
    if (key == "$retainKeys" || key.starts_with("$setElementOrder/")) continue;
    if (key.starts_with("$deleteFromPrimitiveList/")) {
      std::string field = key.substr(std::string("$deleteFromPrimitiveList/").size());
      if (out.contains(field) && out[field].is_array() && it->is_array()) {
        Json kept = Json::array();
        for (const auto& v : out[field]) {
          if (std::find(it->begin(), it->end(), v) == it->end()) kept.push_back(v);
        }
        out[field] = kept;
      }
      continue;
    }
    const FieldSchema* child = schema != nullptr ? schema->field(key) : nullptr;
    if (it->is_null()) {
      out.erase(key);
    } else if (it->is_object()) {
      Json& slot = out[key];  // null when missing: the merge starts from an empty object
      mergeInPlace(slot, *it, child, order);
      if (slot.is_null()) out.erase(key);  // $patch: delete
    } else if (it->is_array() && child != nullptr && !child->mergeKey().empty() && !child->replacedWhole()) {
      const Json* directive = order == ListOrder::AppendNew ? findMember(patch, "$setElementOrder/" + key) : nullptr;
      const Json beforeKeys = directive != nullptr ? keysOf(findMember(out, key) != nullptr ? *findMember(out, key) : Json(), child->mergeKey()) : Json();
      mergeKeyedListInPlace(out[key], *it, child, order);
      if (directive != nullptr) applyElementOrder(out[key], *directive, beforeKeys, child->mergeKey());
    } else {
      out[key] = *it;
    }
  }
}

}  // namespace

namespace {

// Whether two elements agree on one merge key field, given the field's member in each
// (nullptr: absent, which counts as the field's fallback; compared without building it).
bool sameKeyField(const Json* a, const Json* b, const MergeKeyField& field) {
  if (a != nullptr && b != nullptr) return *a == *b;
  if (a == nullptr && b == nullptr) return true;
  const Json& present = a != nullptr ? *a : *b;
  if (field.fallback.empty()) return present.is_null();
  return present.is_string() && present.get_ref<const std::string&>() == field.fallback;
}

}  // namespace

bool sameMergeKey(const Json& a, const Json& b, std::span<const MergeKeyField> key) {
  if (key.size() == 1 && key[0].name == ".") return a == b;
  if (!a.is_object() || !b.is_object()) return false;
  for (const auto& field : key) {
    if (!sameKeyField(findMember(a, field.name), findMember(b, field.name), field)) return false;
  }
  return true;
}

Json strategicMerge(const Json& original, const Json& patch, const FieldSchema* schema, ListOrder order) {
  Json out = patch.is_object() && patch.value("$patch", "").empty() ? original : Json();
  mergeInPlace(out, patch, schema, order);
  return out;
}

}  // namespace gs::kube
