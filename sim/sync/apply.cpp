#include "sim/sync/apply.hpp"

#include "fakecluster/api_error.hpp"
#include "sim/core/json_dump.hpp"
#include "sim/kube/object_key.hpp"
#include "sim/kube/schema.hpp"
#include "sim/kube/strategic_merge.hpp"

namespace gs::sync {

namespace {

// The strategic merge patch from `last` (what was applied before) to `desired`: desired,
// plus null for every field last had and desired dropped, and `$patch: delete` for the
// keyed list elements desired dropped.
Json threeWayPatch(const Json& last, const Json& desired, const kube::FieldSchema* schema) {
  if (!desired.is_object()) return desired;
  Json patch = desired;
  if (!last.is_object()) return patch;
  for (auto it = last.begin(); it != last.end(); ++it) {
    const kube::FieldSchema* child = schema != nullptr ? schema->field(it.key()) : nullptr;
    auto d = desired.find(it.key());
    if (d == desired.end()) {
      patch[it.key()] = nullptr;
      continue;
    }
    if (it->is_object() && d->is_object()) {
      patch[it.key()] = threeWayPatch(*it, *d, child);
    } else if (it->is_array() && d->is_array() && child != nullptr && !child->mergeKey().empty() && !child->replacedWhole()) {
      Json list = Json::array();
      for (const auto& element : *d) {
        auto before = std::find_if(it->begin(), it->end(), [&](const Json& e) { return kube::sameMergeKey(e, element, child->mergeKey()); });
        list.push_back(before != it->end() ? threeWayPatch(*before, element, child->element()) : element);
      }
      for (const auto& element : *it) {
        bool kept = std::any_of(d->begin(), d->end(), [&](const Json& e) { return kube::sameMergeKey(e, element, child->mergeKey()); });
        if (kept || !element.is_object()) continue;
        Json gone = Json::object();
        for (const auto& f : child->mergeKey()) {
          if (element.contains(f.name)) gone[f.name] = element[f.name];
        }
        gone["$patch"] = "delete";
        list.push_back(std::move(gone));
      }
      patch[it.key()] = std::move(list);
    }
  }
  return patch;
}

}  // namespace

Json clientSideApplied(const Json& live, const Json& desired) {
  Json withAnnotation = desired;
  withAnnotation["metadata"]["annotations"].erase(kLastAppliedAnnotation);
  if (withAnnotation["metadata"]["annotations"].empty()) withAnnotation["metadata"].erase("annotations");
  std::string applied = dumpCompact(withAnnotation);  // the object as written, without the annotation
  withAnnotation["metadata"]["annotations"][kLastAppliedAnnotation] = std::move(applied);
  if (live.is_null()) return withAnnotation;
  const kube::ObjectKey key = kube::objectKeyOf(desired);
  const kube::FieldSchema* schema = kube::schemaFor(key.group, key.kind);
  Json last = Json::object();
  const std::string lastText = live.contains("metadata") && live["metadata"].contains("annotations")
                                   ? live["metadata"]["annotations"].value(kLastAppliedAnnotation, "")
                                   : "";
  if (!lastText.empty()) {
    last = Json::parse(lastText, nullptr, false);
    if (last.is_discarded()) last = Json::object();
  }
  Json merged = kube::strategicMerge(live, threeWayPatch(last, withAnnotation, schema), schema);
  return merged;
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
  const fake::ObjectPtr live = cluster.tryGet(key.group, key.kind, key.ns, key.name);
  if (!live) return cluster.create(clientSideApplied(Json(), desired), write);
  Json withIgnored;
  if (!options.respectIgnored.empty()) {
    withIgnored = desired;
    keepIgnoredFields(withIgnored, *live, options.respectIgnored);
  }
  const Json& wanted = options.respectIgnored.empty() ? desired : withIgnored;
  if (options.replace) {
    // kubectl replace: the object as written, at live's resourceVersion.
    Json replaced = clientSideApplied(Json(), wanted);
    replaced["metadata"]["resourceVersion"] = (*live)["metadata"].value("resourceVersion", "");
    return cluster.update(std::move(replaced), write);
  }
  return cluster.update(clientSideApplied(*live, wanted), write);
}

}  // namespace gs::sync
