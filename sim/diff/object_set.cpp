#include "sim/diff/object_set.hpp"

#include <map>

#include "sim/diff/normalize.hpp"

namespace gs::diff {

const char* objectStatusName(ObjectStatus status) {
  switch (status) {
    case ObjectStatus::InSync: return "in-sync";
    case ObjectStatus::Modified: return "modified";
    case ObjectStatus::ToCreate: return "to-create";
    case ObjectStatus::Extra: return "extra";
  }
  return "modified";
}

std::vector<ObjectDiff> diffManifestSets(const std::vector<Manifest>& desired, const std::vector<Manifest>& live,
                                         DiffOptions options, const std::vector<Manifest>& lastApplied) {
  if (options.defaultNamespace.empty()) options.defaultNamespace = "default";
  std::map<kube::ObjectKey, const Json*> lastAppliedByKey;
  for (const auto& m : lastApplied) {
    auto key = kube::objectKeyOf(m.object);
    if (key.ns.empty() && kube::isNamespacedKind(key.group, key.kind)) key.ns = options.defaultNamespace;
    lastAppliedByKey.emplace(key, &m.object);
  }
  // Namespaced objects that declare no namespace live in the default one, on both sides.
  auto keyOf = [&](const Json& object) {
    auto key = kube::objectKeyOf(object);
    if (key.ns.empty() && kube::isNamespacedKind(key.group, key.kind)) key.ns = options.defaultNamespace;
    return key;
  };
  std::map<kube::ObjectKey, const Manifest*> liveByKey;
  for (const auto& m : live) {
    auto key = keyOf(m.object);
    auto [it, fresh] = liveByKey.emplace(key, &m);
    if (!fresh) throw Error::invalid(key.str() + " appears twice in live (first at " + it->second->where.str() + ")", m.where);
  }

  std::map<kube::ObjectKey, ObjectDiff> out;
  for (const auto& m : desired) {
    const Json& object = m.object;
    auto key = keyOf(object);
    if (out.contains(key)) {
      throw Error::invalid(key.str() + " is declared twice in desired (first at " + out[key].desiredAt.str() + ")", m.where);
    }
    ObjectDiff entry;
    entry.key = key;
    entry.apiVersion = object.value("apiVersion", "");
    entry.desiredAt = m.where;
    auto liveIt = liveByKey.find(key);
    if (liveIt == liveByKey.end()) {
      entry.status = ObjectStatus::ToCreate;
      entry.result = diffObjects(object, nullptr, options);
    } else {
      entry.liveAt = liveIt->second->where;
      DiffOptions objectOptions = options;
      if (auto la = lastAppliedByKey.find(key); la != lastAppliedByKey.end()) objectOptions.lastApplied = *la->second;
      entry.result = diffObjects(object, liveIt->second->object, objectOptions);
      entry.status = entry.result.modified ? ObjectStatus::Modified : ObjectStatus::InSync;
      liveByKey.erase(liveIt);
    }
    out.emplace(key, std::move(entry));
  }
  for (const auto& [key, m] : liveByKey) {
    ObjectDiff entry;
    entry.key = key;
    entry.apiVersion = m->object.value("apiVersion", "");
    entry.status = ObjectStatus::Extra;
    entry.liveAt = m->where;
    entry.result = diffObjects(nullptr, m->object, options);
    out.emplace(key, std::move(entry));
  }
  std::vector<ObjectDiff> result;
  result.reserve(out.size());
  for (auto& [key, entry] : out) result.push_back(std::move(entry));
  return result;
}

}  // namespace gs::diff
