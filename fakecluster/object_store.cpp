#include "fakecluster/object_store.hpp"

#include <algorithm>

#include "fakecluster/label_selector.hpp"
#include "sim/core/hash.hpp"
#include "sim/kube/defaults.hpp"

namespace gs::fake {

const char* watchEventTypeName(WatchEvent::Type type) {
  switch (type) {
    case WatchEvent::Type::Added: return "ADDED";
    case WatchEvent::Type::Modified: return "MODIFIED";
    case WatchEvent::Type::Deleted: return "DELETED";
  }
  return "MODIFIED";
}

namespace {

bool isDnsSubdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

bool isDnsLabel(const std::string& s) { return s.size() <= 63 && isDnsSubdomain(s) && s.find('.') == std::string::npos; }

Json& metadataOf(Json& object) {
  Json& meta = object["metadata"];
  if (!meta.is_object()) meta = Json::object();
  return meta;
}

// Everything but metadata and status: what `generation` counts changes of.
bool specChanged(const Json& a, const Json& b) {
  for (const Json* x : {&a, &b}) {
    const Json& y = x == &a ? b : a;
    for (auto it = x->begin(); it != x->end(); ++it) {
      if (it.key() == "metadata" || it.key() == "status") continue;
      auto other = y.find(it.key());
      if (other == y.end() || *other != it.value()) return true;
    }
  }
  return false;
}

// One field selector term: metadata.name / metadata.namespace with =, ==, !=.
bool fieldSelectorMatches(const std::string& selector, const Json& object) {
  std::size_t start = 0;
  while (start <= selector.size()) {
    auto end = selector.find(',', start);
    if (end == std::string::npos) end = selector.size();
    std::string term = selector.substr(start, end - start);
    start = end + 1;
    if (term.empty()) continue;
    bool negate = false;
    auto pos = term.find("!=");
    std::size_t len = 2;
    if (pos != std::string::npos) {
      negate = true;
    } else if ((pos = term.find("==")) == std::string::npos) {
      pos = term.find('=');
      len = 1;
    }
    if (pos == std::string::npos) throw ApiError::badRequest("invalid field selector \"" + term + "\"");
    std::string field = term.substr(0, pos), value = term.substr(pos + len);
    std::string actual;
    const Json& meta = object.value("metadata", Json::object());
    if (field == "metadata.name") actual = meta.value("name", "");
    else if (field == "metadata.namespace") actual = meta.value("namespace", "");
    else throw ApiError::badRequest("field label not supported: " + field);
    if ((actual == value) == negate) return false;
  }
  return true;
}

}  // namespace

ObjectStore::ObjectStore(const VirtualClock& clock, std::uint64_t seed, std::size_t historyLimit)
    : clock_(clock), rng_(Rng(seed).fork("fakecluster/store")), historyLimit_(historyLimit) {}

const ResourceType& ObjectStore::typeOf(std::string_view group, std::string_view kind) const {
  const auto* type = registry_.byKind(group, kind);
  if (type == nullptr) {
    throw ApiError(404, "NotFound", "the server could not find the requested resource (kind " + std::string(kind) +
                                        (group.empty() ? "" : " in group " + std::string(group)) + ")");
  }
  return *type;
}

const ResourceType& ObjectStore::typeOf(const Json& object) const {
  if (!object.is_object() || !object.contains("kind") || !object["kind"].is_string() || !object.contains("apiVersion") ||
      !object["apiVersion"].is_string()) {
    throw ApiError::badRequest("Object 'Kind' and 'apiVersion' are required strings");
  }
  return typeOf(kube::parseApiVersion(object["apiVersion"].get<std::string>()).group, object["kind"].get<std::string>());
}

kube::ObjectKey ObjectStore::keyOf(const Json& object, const ResourceType& type) const {
  const Json& meta = object.value("metadata", Json::object());
  return kube::ObjectKey{type.group, type.kind, type.namespaced ? meta.value("namespace", "") : "", meta.value("name", "")};
}

std::string ObjectStore::newUid() {
  std::string hex = hex64(rng_.next()) + hex64(rng_.next());
  hex[12] = '4';                                              // version 4
  hex[16] = "89ab"[static_cast<unsigned char>(hex[16]) % 4];  // RFC 4122 variant
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string ObjectStore::generatedName(const std::string& prefix) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";  // as the API server's
  std::string name = prefix;
  for (int i = 0; i < 5; ++i) name += kAlphabet[rng_.below(sizeof kAlphabet - 1)];
  return name;
}

void ObjectStore::admit(Json& object, const ResourceType& type, const Json* old) const {
  Json& meta = metadataOf(object);
  const std::string name = meta.value("name", "");
  std::vector<StatusCause> causes;
  if (name.empty()) {
    causes.push_back({"FieldValueRequired", "metadata.name", "Required value: name or generateName is required"});
  } else if (type.kind == "Namespace" ? !isDnsLabel(name) : !isDnsSubdomain(name)) {
    causes.push_back({"FieldValueInvalid", "metadata.name",
                      "Invalid value: \"" + name + "\": a lowercase RFC 1123 " +
                          (type.kind == "Namespace" ? "label" : "subdomain") +
                          " must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"});
  }
  for (const char* field : {"labels", "annotations"}) {
    auto it = meta.find(field);
    if (it == meta.end() || it->is_null()) continue;
    bool ok = it->is_object() && std::all_of(it->begin(), it->end(), [](const Json& v) { return v.is_string(); });
    if (!ok) causes.push_back({"FieldValueInvalid", std::string("metadata.") + field, "must be a map of strings"});
  }
  if (old != nullptr && type.group == "apps" && type.kind == "Deployment" &&
      object.value("/spec/selector"_json_pointer, Json()) != old->value("/spec/selector"_json_pointer, Json())) {
    causes.push_back({"FieldValueInvalid", "spec.selector", "Invalid value: field is immutable"});
  }
  if (!causes.empty()) throw ApiError::invalid(type.kind, name, std::move(causes));
  if (type.namespaced && old == nullptr) {
    const std::string ns = meta.value("namespace", "");
    auto nsObject = objects_.find(kube::ObjectKey{"", "Namespace", "", ns});
    if (nsObject == objects_.end()) throw ApiError::notFound("namespaces", ns);
    if (nsObject->second.value("/metadata/deletionTimestamp"_json_pointer, Json()).is_string()) {
      throw ApiError(403, "Forbidden", type.resourceName() + " \"" + name + "\" is forbidden: unable to create new content in namespace " +
                                           ns + " because it is being terminated");
    }
  }
}

Json ObjectStore::commit(const kube::ObjectKey& key, Json object, WatchEvent::Type type) {
  metadataOf(object)["resourceVersion"] = std::to_string(++resourceVersion_);
  if (type == WatchEvent::Type::Deleted) {
    objects_.erase(key);
  } else {
    objects_[key] = object;
  }
  history_.push_back(WatchEvent{type, resourceVersion_, object});
  while (history_.size() > historyLimit_) {
    compactedThrough_ = history_.front().resourceVersion;
    history_.pop_front();
  }
  if (type == WatchEvent::Type::Deleted) afterDeleted(object);
  return object;
}

std::vector<kube::ObjectKey> ObjectStore::dependentsOf(const std::string& uid) const {
  std::vector<kube::ObjectKey> out;
  for (const auto& [key, object] : objects_) {
    const Json& refs = object.value("/metadata/ownerReferences"_json_pointer, Json::array());
    if (!refs.is_array()) continue;
    if (std::any_of(refs.begin(), refs.end(), [&](const Json& r) { return r.is_object() && r.value("uid", "") == uid; })) {
      out.push_back(key);
    }
  }
  return out;
}

void ObjectStore::removeFinalizer(const kube::ObjectKey& key, const std::string& finalizer) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  Json object = it->second;
  Json& list = object["metadata"]["finalizers"];
  if (!list.is_array()) return;
  Json kept = Json::array();
  for (const auto& f : list) {
    if (f != finalizer) kept.push_back(f);
  }
  if (kept.size() == list.size()) return;
  list = kept;
  bool gone = kept.empty() && object["metadata"].contains("deletionTimestamp");
  commit(key, std::move(object), gone ? WatchEvent::Type::Deleted : WatchEvent::Type::Modified);
}

void ObjectStore::afterDeleted(const Json& object) {
  const Json& meta = object.value("metadata", Json::object());
  const std::string uid = meta.value("uid", "");
  // Garbage collection: drop the reference; a dependent with no owner left goes too.
  for (const auto& key : dependentsOf(uid)) {
    auto it = objects_.find(key);
    if (it == objects_.end()) continue;
    Json dependent = it->second;
    Json refs = Json::array();
    for (const auto& r : dependent["metadata"]["ownerReferences"]) {
      if (r.value("uid", "") != uid) refs.push_back(r);
    }
    if (refs.empty()) {
      if (!dependent["metadata"].contains("deletionTimestamp")) remove(key.group, key.kind, key.ns, key.name);
    } else {
      dependent["metadata"]["ownerReferences"] = refs;
      commit(key, std::move(dependent), WatchEvent::Type::Modified);
    }
  }
  // Owners deleted in the foreground wait for their last dependent.
  for (const auto& ref : meta.value("ownerReferences", Json::array())) {
    const std::string ownerUid = ref.value("uid", "");
    for (const auto& [key, owner] : objects_) {
      if (owner.value("/metadata/uid"_json_pointer, "") != ownerUid) continue;
      if (dependentsOf(ownerUid).empty()) {
        removeFinalizer(key, "foregroundDeletion");
      }
      break;
    }
  }
  // A terminating namespace goes with its last object.
  const std::string ns = meta.value("namespace", "");
  if (!ns.empty()) {
    kube::ObjectKey nsKey{"", "Namespace", "", ns};
    auto it = objects_.find(nsKey);
    if (it != objects_.end() && it->second["metadata"].contains("deletionTimestamp")) {
      bool empty = std::none_of(objects_.begin(), objects_.end(), [&](const auto& entry) { return entry.first.ns == ns; });
      if (empty) removeFinalizer(nsKey, "kubernetes");
    }
  }
}

Json ObjectStore::create(Json object, const WriteOptions& options) {
  const ResourceType& type = typeOf(object);
  Json& meta = metadataOf(object);
  if (!type.namespaced) {
    meta.erase("namespace");
  } else if (meta.value("namespace", "").empty()) {
    meta["namespace"] = "default";
  }
  if (meta.value("name", "").empty() && meta.contains("generateName") && meta["generateName"].is_string()) {
    meta["name"] = generatedName(meta["generateName"].get<std::string>());
  }
  admit(object, type, nullptr);
  auto key = keyOf(object, type);
  if (objects_.contains(key)) throw ApiError::alreadyExists(type.resourceName(), key.name);
  if (type.group == "apiextensions.k8s.io" && type.kind == "CustomResourceDefinition") {
    ResourceRegistry probe = registry_;
    probe.registerCustomResource(object);  // validates before anything is stored
  }
  kube::applyDefaults(object);
  for (const char* field : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"}) meta.erase(field);
  meta["uid"] = newUid();
  meta["creationTimestamp"] = clock_.rfc3339();
  meta["generation"] = 1;
  object["apiVersion"] = type.apiVersion();
  if (type.hasStatus) object["status"] = type.kind == "Namespace" ? Json{{"phase", "Active"}} : Json::object();
  if (options.dryRun) return object;
  if (type.group == "apiextensions.k8s.io" && type.kind == "CustomResourceDefinition") registry_.registerCustomResource(object);
  return commit(key, std::move(object), WatchEvent::Type::Added);
}

Json ObjectStore::get(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) const {
  const ResourceType& type = typeOf(group, kind);
  auto it = objects_.find(kube::ObjectKey{type.group, type.kind, type.namespaced ? std::string(ns) : "", std::string(name)});
  if (it == objects_.end()) throw ApiError::notFound(type.resourceName(), std::string(name));
  return it->second;
}

Json ObjectStore::list(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options) const {
  const ResourceType& type = typeOf(group, kind);
  auto labels = LabelSelector::parse(options.labelSelector);
  kube::ObjectKey from{type.group, type.kind, type.namespaced ? std::string(ns) : "", ""};
  if (!options.continueToken.empty()) {
    auto slash = options.continueToken.find('/');
    if (slash == std::string::npos) throw ApiError::badRequest("invalid continue token");
    from.ns = options.continueToken.substr(0, slash);
    from.name = options.continueToken.substr(slash + 1) + '\0';  // strictly after the last one returned
  }
  Json items = Json::array();
  std::string next;
  for (auto it = objects_.lower_bound(from); it != objects_.end(); ++it) {
    const auto& key = it->first;
    if (key.group != type.group || key.kind != type.kind) break;
    if (!ns.empty() && type.namespaced && key.ns != ns) {
      if (key.ns > ns) break;
      continue;
    }
    const Json& object = it->second;
    if (!labels.matches(object.value("/metadata/labels"_json_pointer, Json()))) continue;
    if (!options.fieldSelector.empty() && !fieldSelectorMatches(options.fieldSelector, object)) continue;
    if (options.limit > 0 && items.size() == options.limit) {
      next = items.back()["metadata"].value("namespace", "") + "/" + items.back()["metadata"].value("name", "");
      break;
    }
    items.push_back(object);
  }
  Json meta{{"resourceVersion", std::to_string(resourceVersion_)}};
  if (!next.empty()) meta["continue"] = next;
  return Json{{"apiVersion", type.apiVersion()}, {"kind", type.kind + "List"}, {"metadata", meta}, {"items", items}};
}

Json ObjectStore::write(Json object, const WriteOptions& options, bool statusOnly) {
  const ResourceType& type = typeOf(object);
  Json& meta = metadataOf(object);
  if (type.namespaced && meta.value("namespace", "").empty()) meta["namespace"] = "default";
  auto key = keyOf(object, type);
  auto it = objects_.find(key);
  if (it == objects_.end()) throw ApiError::notFound(type.resourceName(), key.name);
  const Json& old = it->second;
  const std::string oldVersion = old["metadata"].value("resourceVersion", "");
  const std::string sent = meta.value("resourceVersion", "");
  if (!sent.empty() && sent != oldVersion) {
    throw ApiError::conflict(type.resourceName(), key.name,
                             "the object has been modified; please apply your changes to the latest version and try again");
  }
  Json next;
  if (statusOnly) {
    next = old;
    next["status"] = object.value("status", Json::object());
  } else {
    admit(object, type, &old);
    next = std::move(object);
    kube::applyDefaults(next);
    if (type.hasStatus) next["status"] = old.value("status", Json::object());
    Json& nextMeta = metadataOf(next);
    for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
      if (old["metadata"].contains(field)) nextMeta[field] = old["metadata"][field];
      else nextMeta.erase(field);
    }
    nextMeta["generation"] = old["metadata"].value("generation", 1) + (specChanged(old, next) ? 1 : 0);
    next["apiVersion"] = type.apiVersion();
  }
  metadataOf(next)["resourceVersion"] = oldVersion;
  if (next == old) return old;  // a no-op write changes nothing, not even the resourceVersion
  if (options.dryRun) return next;
  bool finalizing = next["metadata"].contains("deletionTimestamp");
  auto finalizers = next["metadata"].value("finalizers", Json::array());
  if (finalizing && (!finalizers.is_array() || finalizers.empty())) return commit(key, std::move(next), WatchEvent::Type::Deleted);
  return commit(key, std::move(next), WatchEvent::Type::Modified);
}

Json ObjectStore::update(Json object, const WriteOptions& options) { return write(std::move(object), options, false); }

Json ObjectStore::updateStatus(Json object, const WriteOptions& options) {
  if (!typeOf(object).hasStatus) throw ApiError::notFound(typeOf(object).resourceName() + "/status", "");
  return write(std::move(object), options, true);
}

Json ObjectStore::patch(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                        const Json& patchBody, PatchType type, const WriteOptions& options) {
  Json current = get(group, kind, ns, name);
  const auto* schema = kube::schemaFor(group, kind);
  Json patched = applyPatch(current, patchBody, type, schema, kube::isBuiltinGroup(group));
  // The resourceVersion check applies only when the patch itself names one.
  bool pinned = patchBody.is_object() && patchBody.contains("metadata") && patchBody["metadata"].is_object() &&
                patchBody["metadata"].contains("resourceVersion");
  if (!pinned && type != PatchType::Json) patched["metadata"].erase("resourceVersion");
  // Through the main resource a patch cannot change status (write() keeps it).
  return write(std::move(patched), options, /*statusOnly=*/false);
}

Json ObjectStore::remove(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                         const DeleteOptions& options) {
  const ResourceType& type = typeOf(group, kind);
  kube::ObjectKey key{type.group, type.kind, type.namespaced ? std::string(ns) : "", std::string(name)};
  auto it = objects_.find(key);
  if (it == objects_.end()) throw ApiError::notFound(type.resourceName(), std::string(name));
  Json object = it->second;
  if (options.dryRun) return object;
  const std::string uid = object["metadata"].value("uid", "");
  if (options.propagation == Propagation::Orphan) {
    for (const auto& dependentKey : dependentsOf(uid)) {
      Json dependent = objects_[dependentKey];
      Json refs = Json::array();
      for (const auto& r : dependent["metadata"]["ownerReferences"]) {
        if (r.value("uid", "") != uid) refs.push_back(r);
      }
      if (refs.empty()) dependent["metadata"].erase("ownerReferences");
      else dependent["metadata"]["ownerReferences"] = refs;
      commit(dependentKey, std::move(dependent), WatchEvent::Type::Modified);
    }
  }
  Json& meta = object["metadata"];
  Json finalizers = meta.value("finalizers", Json::array());
  if (!finalizers.is_array()) finalizers = Json::array();
  bool namespaceObject = type.group.empty() && type.kind == "Namespace";
  bool foreground = options.propagation == Propagation::Foreground && !dependentsOf(uid).empty();
  if (namespaceObject && std::find(finalizers.begin(), finalizers.end(), "kubernetes") == finalizers.end()) {
    finalizers.push_back("kubernetes");
  }
  if (foreground && std::find(finalizers.begin(), finalizers.end(), "foregroundDeletion") == finalizers.end()) {
    finalizers.push_back("foregroundDeletion");
  }
  if (finalizers.empty()) {
    if (type.group == "apiextensions.k8s.io" && type.kind == "CustomResourceDefinition") {
      const Json& spec = object.value("spec", Json::object());
      registry_.remove(spec.value("group", ""), spec.value("/names/kind"_json_pointer, ""));
    }
    return commit(key, std::move(object), WatchEvent::Type::Deleted);
  }
  if (meta.contains("deletionTimestamp")) return object;  // already terminating
  meta["finalizers"] = finalizers;
  meta["deletionTimestamp"] = clock_.rfc3339();
  meta["deletionGracePeriodSeconds"] = 0;
  if (namespaceObject) object["status"] = Json{{"phase", "Terminating"}};
  Json marked = commit(key, std::move(object), WatchEvent::Type::Modified);
  if (foreground) {
    for (const auto& dependentKey : dependentsOf(uid)) {
      if (objects_.contains(dependentKey)) {
        DeleteOptions cascade;
        cascade.propagation = Propagation::Foreground;
        remove(dependentKey.group, dependentKey.kind, dependentKey.ns, dependentKey.name, cascade);
      }
    }
  }
  if (namespaceObject) {
    std::vector<kube::ObjectKey> contents;
    for (const auto& [k, o] : objects_) {
      if (k.ns == key.name) contents.push_back(k);
    }
    for (const auto& k : contents) {
      if (objects_.contains(k) && !objects_[k]["metadata"].contains("deletionTimestamp")) remove(k.group, k.kind, k.ns, k.name);
    }
    bool empty = std::none_of(objects_.begin(), objects_.end(), [&](const auto& entry) { return entry.first.ns == key.name; });
    if (empty) removeFinalizer(key, "kubernetes");
  }
  if (foreground && dependentsOf(uid).empty()) removeFinalizer(key, "foregroundDeletion");
  auto now = objects_.find(key);
  return now != objects_.end() ? now->second : marked;
}

std::vector<Json> ObjectStore::removeCollection(std::string_view group, std::string_view kind, std::string_view ns,
                                                const ListOptions& selection, const DeleteOptions& options) {
  ListOptions all = selection;
  all.limit = 0;
  all.continueToken.clear();
  Json listed = list(group, kind, ns, all);
  std::vector<Json> removed;
  for (const auto& item : listed["items"]) {
    const Json& meta = item["metadata"];
    auto key = keyOf(item, typeOf(group, kind));
    if (!objects_.contains(key)) continue;  // already collected with an owner
    removed.push_back(remove(group, kind, meta.value("namespace", ""), meta.value("name", ""), options));
  }
  return removed;
}

std::vector<WatchEvent> ObjectStore::watch(std::uint64_t resourceVersion, std::string_view group, std::string_view kind) const {
  if (resourceVersion < compactedThrough_) {
    throw ApiError(410, "Expired", "too old resource version: " + std::to_string(resourceVersion) + " (" +
                                       std::to_string(compactedThrough_ + 1) + ")");
  }
  std::vector<WatchEvent> out;
  for (const auto& e : history_) {
    if (e.resourceVersion <= resourceVersion) continue;
    if (!kind.empty()) {
      auto gv = kube::parseApiVersion(e.object.value("apiVersion", ""));
      if (gv.group != group || e.object.value("kind", "") != kind) continue;
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace gs::fake
