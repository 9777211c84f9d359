#include "sim/sync/apply.hpp"

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/core/json_dump.hpp"
#include "sim/core/json_lookup.hpp"
#include "sim/kube/object_key.hpp"
#include "sim/kube/schema.hpp"
#include "sim/kube/strategic_merge.hpp"

namespace gs::sync {

namespace {

// Turns `patch`, a copy of desired, into the strategic merge patch from `last` (what was
// applied before) to desired: null for every field last had and desired dropped, and
// `$patch: delete` for the keyed list elements desired dropped. In place: building it by
// value copied every subtree again at each level.
void completeThreeWayPatch(Json& patch, const Json& last, const kube::FieldSchema* schema) {
  if (!patch.is_object() || !last.is_object()) return;
  for (auto it = last.begin(); it != last.end(); ++it) {
    const kube::FieldSchema* child = schema != nullptr ? schema->field(it.key()) : nullptr;
    auto d = patch.find(it.key());
    if (d == patch.end()) {
      patch[it.key()] = nullptr;
      continue;
    }
    if (it->is_object() && d->is_object()) {
      completeThreeWayPatch(*d, *it, child);
    } else if (it->is_array() && d->is_array() && child != nullptr && !child->mergeKey().empty() && !child->replacedWhole()) {
      Json& list = *d;
      // The deletions are decided against desired's elements as they are, before any is patched.
      std::vector<Json> gone;
      for (const auto& element : *it) {
        bool kept = std::any_of(list.begin(), list.end(), [&](const Json& e) { return kube::sameMergeKey(e, element, child->mergeKey()); });
        if (kept || !element.is_object()) continue;
        Json deletion = Json::object();
        for (const auto& f : child->mergeKey()) {
          if (const Json* value = findMember(element, f.name)) deletion[f.name] = *value;
        }
        deletion["$patch"] = "delete";
        gone.push_back(std::move(deletion));
      }
      for (auto& element : list) {
        auto before = std::find_if(it->begin(), it->end(), [&](const Json& e) { return kube::sameMergeKey(e, element, child->mergeKey()); });
        if (before != it->end()) completeThreeWayPatch(element, *before, child->element());
      }
      for (auto& deletion : gone) list.push_back(std::move(deletion));
    }
  }
}

}  // namespace

Json clientSideApplied(const Json& live, const Json& desired) {
  Json withAnnotation = desired;
  Json& metadata = withAnnotation["metadata"];
  if (auto annotations = metadata.find("annotations"); annotations != metadata.end() && annotations->is_object()) {
    annotations->erase(kLastAppliedAnnotation);
    if (annotations->empty()) metadata.erase(annotations);
  }
  std::string applied = dumpCompact(withAnnotation);  // the object as written, without the annotation
  const Json* liveMeta = live.is_object() ? findMember(live, "metadata"_key) : nullptr;
  const Json* liveAnnotations = liveMeta != nullptr && liveMeta->is_object() ? findMember(*liveMeta, "annotations"_key) : nullptr;
  const Json* lastApplied = liveAnnotations != nullptr && liveAnnotations->is_object() ? findMember(*liveAnnotations, kLastAppliedAnnotation) : nullptr;
  const std::string_view lastText = lastApplied != nullptr && lastApplied->is_string() ? std::string_view(lastApplied->get_ref<const std::string&>()) : "";
  // Applying again what was applied last (a resync, a self-heal) needs no parse: last is
  // desired itself (the annotation aside, which desired has too).
  const bool sameAsLast = !lastText.empty() && lastText == applied;
  metadata["annotations"][kLastAppliedAnnotation] = std::move(applied);
  if (live.is_null()) return withAnnotation;
  const kube::ObjectKey key = kube::objectKeyOf(desired);
  const kube::FieldSchema* schema = kube::schemaFor(key.group, key.kind);
  Json patch = withAnnotation;
  if (sameAsLast) {
    completeThreeWayPatch(patch, withAnnotation, schema);
  } else if (!lastText.empty()) {
    const Json last = Json::parse(lastText, nullptr, false);
    if (!last.is_discarded()) completeThreeWayPatch(patch, last, schema);
  }
  return kube::strategicMerge(live, patch, schema, kube::ListOrder::GitOrder);
}

namespace {

// Walks an ignore path through desired and live together, copying live's value in.
void copyLive(Json& d, const Json& l, const std::vector<diff::PathStep>& steps, std::size_t i) {
  if (i == steps.size()) {
    d = l;
    return;
  }
  const diff::PathStep& step = steps[i];
  if (step.kind == diff::PathStep::Key) {
    if (l.is_object()) {
      auto it = l.find(step.key);
      if (it == l.end()) return;  // live does not have it: desired's value stands
      if (!d.is_object()) d = Json::object();
      copyLive(d[step.key], *it, steps, i + 1);
    } else if (l.is_array() && d.is_array() && !step.key.empty() && step.key.find_first_not_of("0123456789") == std::string::npos) {
      const std::size_t index = std::stoul(step.key);
      if (index < l.size() && index < d.size()) copyLive(d[index], l[index], steps, i + 1);
    }
    return;
  }
  if (!l.is_array() || !d.is_array()) return;
  if (step.kind == diff::PathStep::AllElements) {
    for (std::size_t j = 0; j < std::min(l.size(), d.size()); ++j) copyLive(d[j], l[j], steps, i + 1);
    return;
  }
  for (const auto& le : l) {
    if (!le.is_object() || !le.contains(step.selectField) || !le[step.selectField].is_string() ||
        le[step.selectField].get<std::string>() != step.selectValue) {
      continue;
    }
    for (auto& de : d) {
      if (de.is_object() && de.value(step.selectField, Json()) == le[step.selectField]) copyLive(de, le, steps, i + 1);
    }
  }
}

}  // namespace

void keepIgnoredFields(Json& desired, const Json& live, const std::vector<diff::IgnoreRule>& rules) {
  const kube::ObjectKey key = kube::objectKeyOf(desired);
  for (const auto& rule : rules) {
    if (!rule.appliesTo(key)) continue;
    for (const auto& path : rule.paths) copyLive(desired, live, path.steps, 0);
  }
}

Json applyObject(fake::ClusterClient& cluster, const Json& desired, const ApplyOptions& options) {
  const kube::ObjectKey key = kube::objectKeyOf(desired);
  fake::WriteOptions write;
  write.dryRun = options.dryRun;
  write.fieldValidation = options.fieldValidation;
  const fake::ObjectPtr live = cluster.tryGet(key.group, key.kind, key.ns, key.name);
  if (!live) {
    // kubectl's resource helper drops a resourceVersion before it creates. With
    // Replace=true gitops-engine runs kubectl create, which saves no configuration.
    Json created = options.replace ? desired : clientSideApplied(Json(), desired);
    fake::dropResourceVersion(created);
    return cluster.create(std::move(created), write);
  }
  Json withIgnored;
  if (!options.respectIgnored.empty()) {
    withIgnored = desired;
    keepIgnoredFields(withIgnored, *live, options.respectIgnored);
  }
  const Json& wanted = options.respectIgnored.empty() ? desired : withIgnored;
  if (options.replace) {
    // kubectl replace: the object as written (no last-applied configuration saved), at
    // live's resourceVersion.
    Json replaced = wanted;
    replaced["metadata"]["resourceVersion"] = (*live)["metadata"].value("resourceVersion", "");
    return cluster.update(std::move(replaced), write);
  }
  // kubectl apply sends the 3-way strategic merge patch: a PATCH to the API server, with
  // Argo CD's field manager (a field another manager took comes back to it).
  write.asPatch = true;
  write.ownership = fake::WriteOptions::Ownership::IfTracked;
  write.fieldManager = "argocd-controller";
  return cluster.update(clientSideApplied(*live, wanted), write);
}

}  // namespace gs::sync
