#include "fakecluster/field_paths.hpp"

#include <algorithm>

namespace gs::fake {

namespace {

bool serverSetMetadata(const std::string& key) {
  static const std::set<std::string> keys = {"name",           "namespace",         "uid",        "resourceVersion", "generation",
                                             "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"};
  return keys.count(key) > 0;
}

// The merge key of an element: {"name": "web"} (fallbacks filled), or null.
Json elementKey(const Json& element, const kube::FieldSchema* list) {
  if (list == nullptr || list->mergeKey().empty()) return nullptr;
  Json key = Json::object();
  for (const auto& k : list->mergeKey()) {
    if (k.name == ".") return nullptr;  // sets of scalars: owned whole here
    if (element.is_object() && element.contains(k.name)) key[k.name] = element[k.name];
    else if (!k.fallback.empty()) key[k.name] = k.fallback;
    else return nullptr;
  }
  return key;
}

void collect(const Json& value, const kube::FieldSchema* schema, FieldPath& path, FieldSet& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [k, v] : value.items()) {
      path.push_back("f:" + k);
      collect(v, schema != nullptr ? schema->field(k) : nullptr, path, out);
      path.pop_back();
    }
    return;
  }
  if (value.is_array() && schema != nullptr && !schema->mergeKey().empty()) {
    bool keyed = true;
    for (const auto& e : value) keyed = keyed && !elementKey(e, schema).is_null();
    if (keyed && !value.empty()) {
      for (const auto& e : value) {
        path.push_back("k:" + elementKey(e, schema).dump());
        collect(e, schema->element(), path, out);
        path.pop_back();
      }
      return;
    }
  }
  out.insert(path);
}

// One step down a path; J is Json or const Json.
template <class J>
J* step(J& at, const std::string& key) {
  if (key.rfind("f:", 0) == 0) {
    if (!at.is_object()) return nullptr;
    auto it = at.find(key.substr(2));
    return it == at.end() ? nullptr : &*it;
  }
  if (key.rfind("k:", 0) == 0 && at.is_array()) {
    const Json wanted = Json::parse(key.substr(2));
    for (auto& e : at) {
      bool match = e.is_object();
      for (const auto& [k, v] : wanted.items()) match = match && e.contains(k) && e[k] == v;
      if (match) return &e;
    }
  }
  return nullptr;
}

}  // namespace

FieldSet fieldsOf(const Json& object, const kube::FieldSchema* schema) {
  FieldSet out;
  if (!object.is_object()) return out;
  FieldPath path;
  for (const auto& [k, v] : object.items()) {
    if (k == "apiVersion" || k == "kind" || k == "status") continue;
    if (k == "metadata" && v.is_object()) {
      for (const auto& [mk, mv] : v.items()) {
        if (serverSetMetadata(mk)) continue;
        path = {"f:metadata", "f:" + mk};
        collect(mv, nullptr, path, out);
      }
      continue;
    }
    path = {"f:" + k};
    collect(v, schema != nullptr ? schema->field(k) : nullptr, path, out);
  }
  return out;
}

std::optional<Json> valueAt(const Json& object, const FieldPath& path) {
  const Json* at = &object;
  for (const auto& key : path) {
    at = step(*at, key);
    if (at == nullptr) return std::nullopt;
  }
  return *at;
}

void removeAt(Json& object, const FieldPath& path) {
  if (path.empty()) return;
  std::vector<Json*> chain{&object};
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    Json* next = step(*chain.back(), path[i]);
    if (next == nullptr) return;
    chain.push_back(next);
  }
  auto erase = [](Json& parent, const std::string& key) {
    if (key.rfind("f:", 0) == 0 && parent.is_object()) {
      parent.erase(key.substr(2));
    } else if (key.rfind("k:", 0) == 0 && parent.is_array()) {
      const Json* target = step(parent, key);  // NOLINT: compared by address only
      for (auto it = parent.begin(); it != parent.end(); ++it) {
        if (&*it == target) {
          parent.erase(it);
          break;
        }
      }
    }
  };
  erase(*chain.back(), path.back());
  // Maps left empty by the removal go too (keyed elements stay: their key fields remain).
  for (std::size_t i = chain.size() - 1; i > 0; --i) {
    if (!(chain[i]->is_object() && chain[i]->empty())) break;
    if (path[i - 1].rfind("f:", 0) != 0) break;
    erase(*chain[i - 1], path[i - 1]);
  }
}

std::string describe(const FieldPath& path) {
  std::string out;
  for (const auto& key : path) {
    if (key.rfind("f:", 0) == 0) {
      out += "." + key.substr(2);
    } else {
      const Json k = Json::parse(key.substr(2));
      std::string inner;
      for (const auto& [name, v] : k.items()) inner += (inner.empty() ? "" : ",") + name + "=" + v.dump();
      out += "[" + inner + "]";
    }
  }
  return out;
}

Json toFieldsV1(const FieldSet& fields) {
  Json out = Json::object();
  for (const auto& path : fields) {
    Json* at = &out;
    for (std::size_t i = 0; i < path.size(); ++i) {
      Json& next = (*at)[path[i]];
      if (!next.is_object()) next = Json::object();
      if (path[i].rfind("k:", 0) == 0) next["."] = Json::object();
      at = &next;
    }
  }
  return out;
}

namespace {
void collectFieldsV1(const Json& node, FieldPath& path, FieldSet& out) {
  bool children = false;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == ".") continue;
    children = true;
    path.push_back(it.key());
    if (it.value().is_object()) collectFieldsV1(it.value(), path, out);
    else out.insert(path);
    path.pop_back();
  }
  if (!children && !path.empty()) out.insert(path);
}
}  // namespace

FieldSet fromFieldsV1(const Json& fieldsV1) {
  FieldSet out;
  FieldPath path;
  if (fieldsV1.is_object()) collectFieldsV1(fieldsV1, path, out);
  return out;
}

FieldSet changedFields(const Json& before, const Json& after, const kube::FieldSchema* schema) {
  FieldSet out;
  const FieldSet was = fieldsOf(before, schema);
  for (const auto& path : fieldsOf(after, schema)) {
    if (was.count(path) == 0 || valueAt(before, path) != valueAt(after, path)) out.insert(path);
  }
  const FieldSet now = fieldsOf(after, schema);
  for (const auto& path : was) {
    if (now.count(path) == 0) out.insert(path);
  }
  return out;
}

}  // namespace gs::fake
