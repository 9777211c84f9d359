#include "sim/diff/object_set.hpp"

#include <map>
#include <set>

#include "sim/diff/normalize.hpp"
#include "sim/kube/validate.hpp"

namespace gs::diff {

const char* objectStatusName(ObjectStatus status) {
  switch (status) {
    case ObjectStatus::InSync: return "in-sync";
    case ObjectStatus::Modified: return "modified";
    case ObjectStatus::ToCreate: return "to-create";
    case ObjectStatus::Extra: return "extra";
    case ObjectStatus::Skipped: return "skipped";
  }
  return "modified";
}

namespace {

bool isHook(const Json& object) {
  const Json* annotations = object.contains("metadata") ? &object["metadata"] : nullptr;
  if (annotations == nullptr || !annotations->is_object() || !annotations->contains("annotations")) return false;
  const Json& a = (*annotations)["annotations"];
  return a.is_object() && (a.contains("argocd.argoproj.io/hook") || a.contains("helm.sh/hook"));
}

void validate(const std::vector<Manifest>& manifests, bool scalarTypes) {
  for (const auto& m : manifests) {
    if (auto issue = kube::validateObject(m.object, scalarTypes)) {
      throw Error::invalid(issue->message + " (in " + kube::objectKeyOf(m.object).str() + ")", m.locate(issue->pointer),
                           issue->pointer);
    }
  }
}

// diffObjects, with the preparations options.prepared already has (the same result: a
// source answers only for exactly these objects and options).
DiffResult diffPair(const kube::ObjectKey& key, const Json& desired, const Json* live, const DiffOptions& options) {
  static const Json kAbsent;
  const PreparedObject* preparedDesired = options.prepared != nullptr ? options.prepared->desired(key, desired, options) : nullptr;
  if (preparedDesired == nullptr) return diffObjects(desired, live != nullptr ? *live : kAbsent, options);
  if (live == nullptr) {
    DiffResult result;
    result.modified = true;
    result.predictedLive = preparedDesired->normalized();
    return result;
  }
  // Fields owned by ignored managers change both preparations: diffObjects handles those.
  if (!ownedFieldsToIgnore(*live, options).is_null()) return diffObjects(desired, *live, options);
  if (const PreparedObject* preparedLive = options.prepared->live(key, *live, options)) return diffPrepared(*preparedDesired, *preparedLive);
  return diffPrepared(*preparedDesired, prepareLive(*live, options));
}

}  // namespace

std::vector<ObjectDiff> diffManifestSets(const std::vector<Manifest>& desired, const std::vector<Manifest>& live,
                                         DiffOptions options, const std::vector<Manifest>& lastApplied) {
  if (options.defaultNamespace.empty()) options.defaultNamespace = "default";
  validate(desired, options.checkScalarTypes);
  validate(live, options.checkScalarTypes);
  validate(lastApplied, options.checkScalarTypes);
  std::map<kube::ObjectKey, const Json*> lastAppliedByKey;
  // Cluster-scoped kinds have no namespace (a stray one, as Helm charts often set, is
  // dropped as the API server does). Built-in namespaced kinds without one live in the
  // default namespace. A custom resource without one is cluster-scoped when live has it
  // so, else namespaced in the default namespace.
  auto liveKeyOf = [&](const Json& object) {
    auto key = kube::objectKeyOf(object);
    if (!kube::isNamespacedKind(key.group, key.kind)) key.ns.clear();
    else if (key.ns.empty() && kube::isBuiltinGroup(key.group)) key.ns = options.defaultNamespace;
    return key;
  };
  std::map<kube::ObjectKey, const Manifest*> liveByKey;
  for (const auto& m : live) {
    auto key = liveKeyOf(m.object);
    auto [it, fresh] = liveByKey.emplace(key, &m);
    if (!fresh) throw Error::invalid(key.str() + " appears twice in live (first at " + it->second->where.str() + ")", m.where);
  }

  auto desiredKeyOf = [&](const Json& object) {
    auto key = liveKeyOf(object);
    if (key.ns.empty() && kube::isNamespacedKind(key.group, key.kind)) {
      auto clusterScoped = liveByKey.find(key);
      if (clusterScoped == liveByKey.end()) key.ns = options.defaultNamespace;
    }
    return key;
  };
  for (const auto& m : lastApplied) lastAppliedByKey.emplace(desiredKeyOf(m.object), &m.object);
  // Each object is diffed in its own namespace (namespaced objects declaring none get it).
  auto optionsFor = [&](const kube::ObjectKey& key) {
    DiffOptions objectOptions = options;
    objectOptions.defaultNamespace = key.ns;
    return objectOptions;
  };

  std::map<kube::ObjectKey, ObjectDiff> out;
  std::set<kube::ObjectKey> paired;  // live objects some desired object matched
  std::vector<ObjectDiff> skipped;
  for (const auto& m : desired) {
    const Json& object = m.object;
    auto key = desiredKeyOf(object);
    if (isHook(object)) {
      ObjectDiff entry;
      entry.key = key;
      if (entry.key.name.empty()) entry.key.name = object["metadata"].value("generateName", "") + "*";
      entry.apiVersion = object.value("apiVersion", "");
      entry.status = ObjectStatus::Skipped;
      entry.desiredAt = m.where;
      skipped.push_back(std::move(entry));
      continue;
    }
    if (key.name.empty()) {
      throw Error::invalid("only generateName is set: kubectl apply cannot create or compare such an object "
                           "(Argo CD creates them only as hooks: add the argocd.argoproj.io/hook annotation)",
                           m.locate("/metadata"), "/metadata/generateName");
    }
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
      entry.result = diffPair(key, object, nullptr, optionsFor(key));
    } else {
      entry.liveAt = liveIt->second->where;
      DiffOptions objectOptions = optionsFor(key);
      if (auto la = lastAppliedByKey.find(key); la != lastAppliedByKey.end()) objectOptions.lastApplied = *la->second;
      try {
        entry.result = diffPair(key, object, &liveIt->second->object, objectOptions);
      } catch (const Error& e) {
        if (e.keyPath() != kLastAppliedPointer) throw;
        throw Error::invalid(e.message() + " (live " + key.str() + ")", liveIt->second->locate(kLastAppliedPointer),
                             kLastAppliedPointer);
      }
      entry.status = entry.result.modified ? ObjectStatus::Modified : ObjectStatus::InSync;
      paired.insert(key);
    }
    out.emplace(key, std::move(entry));
  }
  for (const auto& [key, m] : liveByKey) {
    if (paired.contains(key)) continue;
    ObjectDiff entry;
    entry.key = key;
    entry.apiVersion = m->object.value("apiVersion", "");
    entry.status = ObjectStatus::Extra;
    entry.liveAt = m->where;
    entry.result = diffObjects(nullptr, m->object, optionsFor(key));
    out.emplace(key, std::move(entry));
  }
  std::vector<ObjectDiff> result;
  result.reserve(out.size() + skipped.size());
  for (auto& [key, entry] : out) result.push_back(std::move(entry));
  for (auto& entry : skipped) result.push_back(std::move(entry));
  return result;
}

}  // namespace gs::diff
