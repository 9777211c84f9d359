#include "fakecluster/object_store.hpp"

#include <algorithm>

#include "fakecluster/admission.hpp"
#include "fakecluster/label_selector.hpp"
#include "fakecluster/managed_fields.hpp"
#include "fakecluster/object_util.hpp"
#include "fakecluster/controllers/pvc_protection_controller.hpp"
#include "fakecluster/claim_resize_admission.hpp"
#include "fakecluster/priority_admission.hpp"
#include "fakecluster/service_account_admission.hpp"
#include "fakecluster/resource_quota.hpp"
#include "fakecluster/schema_defaults.hpp"
#include "sim/core/hash.hpp"
#include "sim/kube/defaults.hpp"
#include "sim/kube/hpa_versions.hpp"

namespace gs::fake {

const char* watchEventTypeName(WatchEvent::Type type) {
  switch (type) {
    case WatchEvent::Type::Added: return "ADDED";
    case WatchEvent::Type::Modified: return "MODIFIED";
    case WatchEvent::Type::Deleted: return "DELETED";
    case WatchEvent::Type::Bookmark: return "BOOKMARK";
  }
  return "MODIFIED";
}

namespace {

Json& metadataOf(Json& object) {
  Json& meta = object["metadata"];
  if (!meta.is_object()) meta = Json::object();
  return meta;
}

bool isKind(const ResourceType& type, std::string_view group, std::string_view kind) {
  return type.group == group && type.kind == kind;
}

// How a kind's registry strategy keeps metadata.generation (its PrepareForCreate and
// PrepareForUpdate in pkg/registry/<group>/<kind>/strategy.go): most kinds without a
// spec/status split (ConfigMaps, Secrets, Services, Pods before v1.33, RBAC, ...) have none.
enum class GenerationRule {
  None,                // never set
  CreateOnly,          // 1 on create, never bumped (PriorityClass)
  Spec,                // bumped when `spec` changes
  SpecOrAnnotations,   // ... or metadata.annotations (Deployment: they are copied to ReplicaSets)
  Template,            // `template` (PodTemplate)
  Webhooks,            // `webhooks` (webhook configurations)
  SpecUpdateOnly,      // not set on create, bumped when `spec` changes (CSIDriver)
  AllButMetadata,      // any top-level member but metadata (custom resources; status is the old one's when it is a subresource)
  AllButMetadataOrLabels,  // the same, or metadata.labels (EndpointSlice)
};

GenerationRule generationRule(const ResourceType& type) {
  if (type.custom) return GenerationRule::AllButMetadata;
  const std::string& g = type.group;
  const std::string& k = type.kind;
  if (g.empty()) return k == "PodTemplate" ? GenerationRule::Template : GenerationRule::None;
  if (g == "apps") {
    if (k == "Deployment") return GenerationRule::SpecOrAnnotations;
    return k == "ControllerRevision" ? GenerationRule::None : GenerationRule::Spec;
  }
  if (g == "batch" || g == "networking.k8s.io" || g == "policy" || g == "apiextensions.k8s.io") return GenerationRule::Spec;
  if (g == "admissionregistration.k8s.io") return k.ends_with("WebhookConfiguration") ? GenerationRule::Webhooks : GenerationRule::Spec;
  if (g == "scheduling.k8s.io") return GenerationRule::CreateOnly;
  if (g == "storage.k8s.io" && k == "CSIDriver") return GenerationRule::SpecUpdateOnly;
  if (g == "discovery.k8s.io") return GenerationRule::AllButMetadataOrLabels;
  return GenerationRule::None;  // rbac, autoscaling, coordination, node, apiregistration, StorageClass
}

bool memberChanged(const Json& a, const Json& b, const JsonKey& key) {
  const Json* x = findMember(a, key);
  const Json* y = findMember(b, key);
  return x == nullptr ? y != nullptr : y == nullptr || *x != *y;
}

// Every top-level member but metadata.
bool nonMetadataChanged(const Json& a, const Json& b) {
  for (const Json* x : {&a, &b}) {
    const Json& y = x == &a ? b : a;
    for (auto it = x->begin(); it != x->end(); ++it) {
      if (it.key() == "metadata") continue;
      auto other = y.find(it.key());
      if (other == y.end() || *other != it.value()) return true;
    }
  }
  return false;
}

// The generation an update stores (absent: nullopt), from the stored object's.
std::optional<std::int64_t> nextGeneration(GenerationRule rule, const Json& old, const Json& next) {
  const Json& oldMeta = objectAt(old, {"metadata"_key});
  const Json* stored = findMember(oldMeta, "generation"_key);
  const std::int64_t current = stored != nullptr && stored->is_number_integer() ? stored->get<std::int64_t>() : 0;
  bool bump = false;
  switch (rule) {
    case GenerationRule::None: return current > 0 ? std::optional<std::int64_t>(current) : std::nullopt;
    case GenerationRule::CreateOnly: break;
    case GenerationRule::Spec:
    case GenerationRule::SpecUpdateOnly: bump = memberChanged(old, next, "spec"_key); break;
    case GenerationRule::SpecOrAnnotations:
      bump = memberChanged(old, next, "spec"_key) ||
             memberChanged(oldMeta, objectAt(next, {"metadata"_key}), "annotations"_key);
      break;
    case GenerationRule::Template: bump = memberChanged(old, next, "template"_key); break;
    case GenerationRule::Webhooks: bump = memberChanged(old, next, "webhooks"_key); break;
    case GenerationRule::AllButMetadata: bump = nonMetadataChanged(old, next); break;
    case GenerationRule::AllButMetadataOrLabels:
      bump = nonMetadataChanged(old, next) || memberChanged(oldMeta, objectAt(next, {"metadata"_key}), "labels"_key);
      break;
  }
  const std::int64_t value = current + (bump ? 1 : 0);
  return value > 0 ? std::optional<std::int64_t>(value) : std::nullopt;
}

// The lists a built-in kind's Go type encodes without omitempty: absent or empty, they
// come back as null (`kubectl get endpointslice -o yaml` on a placeholder slice shows
// `endpoints: null` and `ports: null`).
void addUnomittedNulls(const ResourceType& type, Json& object) {
  if (type.group == "discovery.k8s.io" && type.kind == "EndpointSlice") {
    for (const char* field : {"endpoints", "ports"}) {
      auto it = object.find(field);
      if (it == object.end() || (it->is_array() && it->empty())) object[field] = nullptr;
    }
  }
}

// DaemonSets keep their template generation in an annotation (apps/v1 has no
// spec.templateGeneration): 1 on create, bumped when the template changes, never the client's.
constexpr const char* kTemplateGeneration = "deprecated.daemonset.template.generation";

// The fields a kind can be selected by, as the API server's field label conversion
// functions allow them (metadata.name and metadata.namespace for every kind).
bool fieldSelectable(const ResourceType& type, const std::string& field) {
  if (field == "metadata.name" || field == "metadata.namespace") return true;
  if (type.custom) return std::find(type.selectableFields.begin(), type.selectableFields.end(), field) != type.selectableFields.end();
  if (isKind(type, "", "Pod")) {
    static const char* kPod[] = {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                                 "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"};
    return std::any_of(std::begin(kPod), std::end(kPod), [&](const char* f) { return field == f; });
  }
  if (isKind(type, "", "Event")) {
    return field.starts_with("involvedObject.") || field == "reason" || field == "type" || field == "source" ||
           field == "reportingComponent";
  }
  if (isKind(type, "", "Secret")) return field == "type";
  if (isKind(type, "", "Namespace")) return field == "status.phase";
  if (isKind(type, "", "Node")) return field == "spec.unschedulable";
  if (isKind(type, "batch", "Job")) return field == "status.successful";
  if (isKind(type, "apps", "ReplicaSet")) return field == "status.replicas";
  return false;
}

std::string fieldValue(const Json& object, const std::string& field) {
  const Json* at = &object;
  std::size_t start = 0;
  while (start <= field.size()) {
    auto dot = field.find('.', start);
    std::string part = field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object()) return "";
    auto it = at->find(part);
    if (it == at->end()) return "";
    at = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_boolean() || at->is_number()) return at->dump();
  return "";
}

struct FieldTerm {
  std::string field;
  std::string value;
  bool negate;
};

std::vector<FieldTerm> parseFieldSelector(const std::string& selector, const ResourceType& type) {
  std::vector<FieldTerm> terms;
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
    FieldTerm t{term.substr(0, pos), term.substr(pos + len), negate};
    if (!fieldSelectable(type, t.field)) {
      throw ApiError::badRequest("field label not supported: " + t.field);
    }
    terms.push_back(std::move(t));
  }
  return terms;
}

bool fieldsMatch(const std::vector<FieldTerm>& terms, const Json& object) {
  return std::all_of(terms.begin(), terms.end(), [&](const FieldTerm& t) { return (fieldValue(object, t.field) == t.value) != t.negate; });
}

std::vector<std::string> ownerUids(const Json* object) {
  std::vector<std::string> uids;
  if (object == nullptr) return uids;
  auto meta = object->find("metadata");
  if (meta == object->end() || !meta->is_object()) return uids;
  auto refs = meta->find("ownerReferences");
  if (refs == meta->end() || !refs->is_array()) return uids;
  for (const auto& r : *refs) {
    if (r.is_object() && r.contains("uid") && r["uid"].is_string()) uids.push_back(r["uid"].get<std::string>());
  }
  return uids;
}

std::string uidOf(const Json& object) { return stringField(object, {"metadata"_key, "uid"_key}); }

// `object` with its member `name` set to `value`, without first copying the member
// being replaced (a pod's status is about half of the pod).
Json withMember(const Json& object, std::string_view name, Json value) {
  Json next = Json::object();
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() != name) next[it.key()] = it.value();
  }
  next[std::string(name)] = std::move(value);
  return next;
}

}  // namespace

ObjectStore::ObjectStore(const VirtualClock& clock, std::uint64_t seed, std::size_t historyLimit)
    : clock_(clock),
      rng_(Rng(seed).fork("fakecluster/store")),
      services_(Rng(seed).fork("fakecluster/service-ips")),
      historyLimit_(historyLimit) {}

const ResourceType& ObjectStore::typeOf(std::string_view group, std::string_view kind) const {
  const auto* type = registry_.byKind(group, kind);
  if (type == nullptr) {
    throw ApiError(404, "NotFound", "the server could not find the requested resource (kind " + std::string(kind) +
                                        (group.empty() ? "" : " in group " + std::string(group)) + ")");
  }
  return *type;
}

const ResourceType& ObjectStore::typeOf(const Json& object) const {
  const Json* kind = findMember(object, "kind"_key);
  const Json* apiVersion = findMember(object, "apiVersion"_key);
  if (kind == nullptr || !kind->is_string() || apiVersion == nullptr || !apiVersion->is_string()) {
    throw ApiError::badRequest("Object 'Kind' and 'apiVersion' are required strings");
  }
  const std::string_view version = apiVersion->get_ref<const std::string&>();
  const auto slash = version.find('/');
  return typeOf(slash == std::string_view::npos ? std::string_view() : version.substr(0, slash), kind->get_ref<const std::string&>());
}

kube::ObjectKey ObjectStore::keyOf(const Json& object, const ResourceType& type) const {
  const Json& meta = objectAt(object, {"metadata"_key});
  kube::ObjectKey key{type.group, type.kind, {}, {}};
  if (type.namespaced) key.ns.assign(stringOf(findMember(meta, "namespace"_key)));
  key.name.assign(stringOf(findMember(meta, "name"_key)));
  return key;
}

std::string ObjectStore::newUid() {
  // 8-4-4-4-12 lower-case hex digits from two 64-bit draws, written in place.
  static constexpr char kHex[] = "0123456789abcdef";
  // The second draw gives the first half: the order uids were always made in (the same
  // seed keeps giving the same uids).
  const std::uint64_t later = rng_.next();
  const std::uint64_t draws[2] = {rng_.next(), later};
  char digits[32];
  for (int i = 0; i < 32; ++i) digits[i] = kHex[(draws[i / 16] >> (60 - 4 * (i % 16))) & 0xF];
  digits[12] = '4';                                                 // version 4
  digits[16] = "89ab"[static_cast<unsigned char>(digits[16]) % 4];  // RFC 4122 variant
  std::string uid;
  uid.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) uid += '-';
    uid += digits[i];
  }
  return uid;
}

std::string ObjectStore::generatedName(const std::string& prefix) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";  // as the API server's
  std::string name = prefix;
  for (int i = 0; i < 5; ++i) name += kAlphabet[rng_.below(sizeof kAlphabet - 1)];
  return name;
}

void ObjectStore::checkNamespace(const Json& object, const ResourceType& type) const {
  if (!type.namespaced) return;
  const Json& meta = object["metadata"];
  const std::string ns = meta.value("namespace", "");
  auto nsObject = objects_.find(kube::ObjectKey{"", "Namespace", "", ns});
  if (nsObject == objects_.end()) throw ApiError::notFound("namespaces", ns);
  if (at(*nsObject->second, {"metadata"_key, "deletionTimestamp"_key}).is_string()) {
    throw ApiError(403, "Forbidden", type.resourceName() + " \"" + meta.value("name", "") +
                                         "\" is forbidden: unable to create new content in namespace " + ns +
                                         " because it is being terminated");
  }
}

void ObjectStore::index(const kube::ObjectKey& key, const Json* before, const Json* after) {
  // Most changes keep the owner references as they were: compared in place first.
  const bool sameReferences = before != nullptr && after != nullptr &&
                              at(*before, {"metadata"_key, "ownerReferences"_key}) == at(*after, {"metadata"_key, "ownerReferences"_key});
  auto oldOwners = sameReferences ? std::vector<std::string>() : ownerUids(before);
  auto newOwners = sameReferences ? std::vector<std::string>() : ownerUids(after);
  if (oldOwners != newOwners) {
    for (const auto& uid : oldOwners) {
      auto it = dependents_.find(uid);
      if (it == dependents_.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) dependents_.erase(it);
    }
    for (const auto& uid : newOwners) dependents_[uid].insert(key);
    if (after != nullptr && !newOwners.empty() && absentOwner_ && !absentOwnerUids(*after).empty()) absentOwner_(key);
  }
  if (before == nullptr && after != nullptr) {
    byUid_[uidOf(*after)] = key;
    if (!key.ns.empty()) ++perNamespace_[key.ns];
  } else if (before != nullptr && after == nullptr) {
    byUid_.erase(uidOf(*before));
    if (!key.ns.empty() && --perNamespace_[key.ns] == 0) perNamespace_.erase(key.ns);
  }
}

ObjectPtr ObjectStore::commit(const kube::ObjectKey& key, Json object, WatchEvent::Type type) {
  metadataOf(object)["resourceVersion"] = std::to_string(++resourceVersion_);
  ++writes_;
  // Stored versions live long and the history holds thousands of them: in a large store
  // the spare capacity writers left is given back (a walk of the whole object, which a
  // small world's few hundred objects do not need).
  if (objects_.size() >= kCompactFromObjects) shrinkToFit(object);
  auto stored = std::make_shared<const Json>(std::move(object));
  auto it = objects_.find(key);
  ObjectPtr before = it == objects_.end() ? nullptr : it->second;
  if (type == WatchEvent::Type::Deleted) {
    index(key, before.get(), nullptr);
    if (it != objects_.end()) {
      ordered_.erase(&*it);
      objects_.erase(it);
    }
  } else {
    index(key, before.get(), stored.get());
    if (it == objects_.end()) ordered_.insert(&*objects_.emplace(key, stored).first);
    else it->second = stored;
  }
  const WatchEvent event{type, resourceVersion_, stored};
  history_.push_back(event);
  while (history_.size() > historyLimit_) {
    compactedThrough_ = history_.front().resourceVersion;
    history_.pop_front();
  }
  for (const auto& [id, observer] : observers_) observer(event);
  if (type == WatchEvent::Type::Deleted) afterDeleted(*stored);
  return stored;
}

std::string ObjectStore::defaultStorageClassName() const {
  // With more than one default, the newest wins, as in the admission plugin.
  std::string name, created;
  forEach("storage.k8s.io", "StorageClass", "", [&](const ObjectPtr& storageClass) {
    if (!isDefaultStorageClass(*storageClass)) return;
    const std::string& at = stringAt(*storageClass, {"metadata"_key, "creationTimestamp"_key});
    if (name.empty() || at >= created) {
      name = stringAt(*storageClass, {"metadata"_key, "name"_key});
      created = at;
    }
  });
  return name;
}

std::vector<std::string> ObjectStore::absentOwnerUids(const Json& object) const {
  std::vector<std::string> absent;
  const Json& refs = at(object, {"metadata"_key, "ownerReferences"_key});
  if (!refs.is_array()) return absent;
  const std::string& ns = stringAt(object, {"metadata"_key, "namespace"_key});
  for (const auto& ref : refs) {
    if (!ref.is_object()) continue;
    const std::string& uid = stringAt(ref, {"uid"_key});
    auto owner = byUid_.find(uid);
    bool present = owner != byUid_.end();
    if (present) {
      const kube::ObjectKey& key = owner->second;
      const std::string& apiVersion = stringAt(ref, {"apiVersion"_key});
      const auto slash = apiVersion.find('/');
      const std::string_view group = slash == std::string::npos ? std::string_view() : std::string_view(apiVersion).substr(0, slash);
      present = key.group == group && key.kind == stringAt(ref, {"kind"_key}) && key.name == stringAt(ref, {"name"_key}) &&
                (key.ns.empty() || key.ns == ns);
    }
    if (!present) absent.push_back(uid);
  }
  return absent;
}

std::vector<kube::ObjectKey> ObjectStore::dependentsOf(const std::string& uid) const {
  auto it = dependents_.find(uid);
  if (it == dependents_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

const std::set<kube::ObjectKey>& ObjectStore::dependentKeys(const std::string& uid) const {
  static const std::set<kube::ObjectKey> kNone;
  auto it = dependents_.find(uid);
  return it == dependents_.end() ? kNone : it->second;
}

ObjectPtr ObjectStore::find(const kube::ObjectKey& key) const {
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

ObjectPtr ObjectStore::findByUid(const std::string& uid) const {
  auto it = byUid_.find(uid);
  return it == byUid_.end() ? nullptr : find(it->second);
}

void ObjectStore::forEach(std::string_view group, std::string_view kind, std::string_view ns,
                          const std::function<void(const ObjectPtr&)>& visit) const {
  kube::ObjectKey from{std::string(group), std::string(kind), std::string(ns), ""};
  for (auto it = ordered_.lower_bound(from); it != ordered_.end(); ++it) {
    const auto& key = (*it)->first;
    if (key.group != group || key.kind != kind || (!ns.empty() && key.ns != ns)) break;
    visit((*it)->second);
  }
}

bool ObjectStore::namespaceEmpty(const std::string& ns) const { return !perNamespace_.contains(ns); }

void ObjectStore::removeFinalizer(const kube::ObjectKey& key, const std::string& finalizer) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  Json object = *it->second;
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

void ObjectStore::dropOwnerReference(const kube::ObjectKey& key, const std::string& ownerUid) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  Json dependent = *it->second;
  Json refs = Json::array();
  for (const auto& r : dependent["metadata"]["ownerReferences"]) {
    if (r.value("uid", "") != ownerUid) refs.push_back(r);
  }
  if (refs.empty()) dependent["metadata"].erase("ownerReferences");
  else dependent["metadata"]["ownerReferences"] = refs;
  commit(key, std::move(dependent), WatchEvent::Type::Modified);
}

void ObjectStore::afterDeleted(const Json& object) {
  const Json& meta = objectAt(object, {"metadata"_key});
  const std::string uid = meta.value("uid", "");
  if (object.value("kind", "") == "Service" && object.value("apiVersion", "") == "v1") services_.release(object);
  // Garbage collection: a dependent whose only owners are gone is deleted (in the
  // background); one with other owners left just loses the reference.
  for (const auto& key : dependentsOf(uid)) {
    auto it = objects_.find(key);
    if (it == objects_.end()) continue;
    const Json& dependent = *it->second;
    auto owners = ownerUids(&dependent);
    bool othersLeft = std::any_of(owners.begin(), owners.end(), [&](const std::string& o) { return o != uid && byUid_.contains(o); });
    if (othersLeft) {
      dropOwnerReference(key, uid);
    } else if (!dependent["metadata"].contains("deletionTimestamp")) {
      remove(key.group, key.kind, key.ns, key.name);
    }
  }
  // Owners deleted in the foreground wait for their last dependent.
  for (const auto& ownerUid : ownerUids(&object)) {
    auto owner = byUid_.find(ownerUid);
    if (owner == byUid_.end()) continue;
    if (!dependents_.contains(ownerUid)) removeFinalizer(kube::ObjectKey(owner->second), "foregroundDeletion");
  }
  // A terminating namespace goes with its last object.
  const std::string ns = meta.value("namespace", "");
  if (!ns.empty() && namespaceEmpty(ns)) {
    kube::ObjectKey nsKey{"", "Namespace", "", ns};
    auto it = objects_.find(nsKey);
    if (it != objects_.end() && (*it->second)["metadata"].contains("deletionTimestamp")) removeFinalizer(nsKey, "kubernetes");
  }
}

namespace {

// A write in a served version the store does not keep (autoscaling/v1 HPAs) is converted
// to the stored one first, as the API server converts through its internal version.
void toStorageVersion(Json& object) {
  try {
    kube::hpaToStorageVersion(object);
  } catch (const Error& e) {
    throw ApiError::badRequest(e.message());
  }
}

}  // namespace

ObjectPtr ObjectStore::createShared(Json object, const WriteOptions& options) {
  toStorageVersion(object);
  const ResourceType& type = typeOf(object);
  decodeBody(type, object, options.fieldValidation, options.warnings);
  // Decoded and defaulted before it is validated, as the API server does (first: defaulting
  // may add top-level keys, which would move `meta`).
  if (!type.custom) dropNullMembers(object);
  kube::applyDefaults(object);
  if (type.schema) applySchemaDefaults(object, *type.schema);
  if (isKind(type, "", "Secret")) kube::foldSecretStringData(object);
  addUnomittedNulls(type, object);
  if (isKind(type, "", "Namespace")) object["spec"] = Json{{"finalizers", Json::array({"kubernetes"})}};
  Json& meta = metadataOf(object);
  if (!type.namespaced) {
    meta.erase("namespace");
  } else if (meta.value("namespace", "").empty()) {
    meta["namespace"] = "default";
  }
  if (meta.value("name", "").empty() && meta.contains("generateName") && meta["generateName"].is_string()) {
    meta["name"] = generatedName(meta["generateName"].get<std::string>());
  }
  if (isKind(type, "", "Pod")) {
    admitLimitRanges(*this, object);
    admitServiceAccount(*this, object);
    admitPodPriority(*this, object);
  }
  if (isKind(type, "scheduling.k8s.io", "PriorityClass")) admitPriorityClass(*this, object, nullptr);
  if (isKind(type, "", "Namespace")) labelNamespace(meta);
  validateWrite(type, object, nullptr);
  checkNamespace(object, type);
  auto key = keyOf(object, type);
  if (objects_.contains(key)) throw ApiError::alreadyExists(type.resourceName(), key.name);
  admitQuota(*this, type, object, options.dryRun);
  const bool crd = isKind(type, "apiextensions.k8s.io", "CustomResourceDefinition");
  if (crd) {
    ResourceRegistry probe = registry_;
    probe.registerCustomResource(object);  // validates before anything is stored
  }
  for (const char* field : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"}) meta.erase(field);
  meta["uid"] = newUid();
  meta["creationTimestamp"] = clock_.rfc3339();
  if (isKind(type, "", "PersistentVolumeClaim")) {  // StorageObjectInUseProtection admission
    Json& finalizers = meta["finalizers"];
    if (!finalizers.is_array()) finalizers = Json::array();
    if (std::find(finalizers.begin(), finalizers.end(), kPvcProtectionFinalizer) == finalizers.end()) finalizers.push_back(kPvcProtectionFinalizer);
  }
  const GenerationRule generation = generationRule(type);
  if (generation != GenerationRule::None && generation != GenerationRule::SpecUpdateOnly) meta["generation"] = 1;
  if (isKind(type, "apps", "DaemonSet")) meta["annotations"][kTemplateGeneration] = "1";
  // What follows may add top-level keys (status), which would move `meta`: it is not used below.
  if (isKind(type, "batch", "Job")) defaultJobSelector(object, metadataOf(object)["uid"].get<std::string>());
  if (isKind(type, "", "PersistentVolumeClaim")) defaultStorageClass(object, defaultStorageClassName());
  object["apiVersion"] = type.apiVersion();
  if (type.hasStatus) {
    if (type.kind == "Namespace") object["status"] = Json{{"phase", "Active"}};
    else if (isKind(type, "", "Pod")) object["status"] = initialPodStatus(object, clock_.rfc3339());
    else if (isKind(type, "", "PersistentVolumeClaim")) object["status"] = Json{{"phase", "Pending"}};
    else if (isKind(type, "", "Service")) object["status"] = Json{{"loadBalancer", Json::object()}};
    else if (crd) object["status"] = acceptedCrdStatus(object, clock_.rfc3339());
    else object["status"] = Json::object();
  }
  if (trackFieldManagers_ && options.ownership == WriteOptions::Ownership::Track && !options.fieldManager.empty()) {
    recordManagedUpdate(Json(), object, options.fieldManager, clock_.rfc3339());
  }
  if (options.dryRun) return std::make_shared<const Json>(std::move(object));
  if (isKind(type, "", "Service")) services_.allocate(object);
  if (crd) registry_.registerCustomResource(object);
  return commit(key, std::move(object), WatchEvent::Type::Added);
}

Json ObjectStore::get(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) const {
  ObjectPtr found = tryGet(group, kind, ns, name);
  if (!found) throw ApiError::notFound(typeOf(group, kind).resourceName(), std::string(name));
  return *found;
}

ObjectPtr ObjectStore::tryGet(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) const {
  const ResourceType& type = typeOf(group, kind);
  return find(kube::ObjectKey{type.group, type.kind, type.namespaced ? std::string(ns) : "", std::string(name)});
}

std::function<bool(const Json&)> ObjectStore::matcher(std::string_view group, std::string_view kind, const ListOptions& options) const {
  const ResourceType& type = typeOf(group, kind);
  auto labels = LabelSelector::parse(options.labelSelector);
  auto fields = parseFieldSelector(options.fieldSelector, type);
  return [labels = std::move(labels), fields = std::move(fields)](const Json& object) {
    if (!labels.empty() && !labels.matches(at(object, {"metadata"_key, "labels"_key}))) return false;
    return fields.empty() || fieldsMatch(fields, object);
  };
}

Json ObjectStore::list(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options) const {
  std::string next;
  const auto objects = listShared(group, kind, ns, options, &next);
  Json items = Json::array();
  items.get_ref<Json::array_t&>().reserve(objects.size());
  for (const auto& object : objects) items.push_back(*object);
  Json meta{{"resourceVersion", std::to_string(resourceVersion_)}};
  if (!next.empty()) meta["continue"] = next;
  const ResourceType& type = typeOf(group, kind);
  return Json{{"apiVersion", type.apiVersion()}, {"kind", type.kind + "List"}, {"metadata", meta}, {"items", std::move(items)}};
}

std::vector<ObjectPtr> ObjectStore::listShared(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options,
                                               std::string* next) const {
  const ResourceType& type = typeOf(group, kind);
  auto labels = LabelSelector::parse(options.labelSelector);
  auto fields = parseFieldSelector(options.fieldSelector, type);
  kube::ObjectKey from{type.group, type.kind, type.namespaced ? std::string(ns) : "", ""};
  if (!options.continueToken.empty()) {
    auto slash = options.continueToken.find('/');
    if (slash == std::string::npos) throw ApiError::badRequest("invalid continue token");
    from.ns = options.continueToken.substr(0, slash);
    from.name = options.continueToken.substr(slash + 1) + '\0';  // strictly after the last one returned
  }
  if (next != nullptr) next->clear();
  std::vector<ObjectPtr> items;
  for (auto it = ordered_.lower_bound(from); it != ordered_.end(); ++it) {
    const auto& key = (*it)->first;
    if (key.group != type.group || key.kind != type.kind) break;
    if (!ns.empty() && type.namespaced && key.ns != ns) break;
    const Json& object = *(*it)->second;
    if (!labels.empty() && !labels.matches(at(object, {"metadata"_key, "labels"_key}))) continue;
    if (!fields.empty() && !fieldsMatch(fields, object)) continue;
    if (options.limit > 0 && items.size() == options.limit) {
      if (next != nullptr) {
        const Json& last = memberOr(*items.back(), "metadata", kEmptyObjectJson);
        *next = last.value("namespace", "") + "/" + last.value("name", "");
      }
      break;
    }
    items.push_back((*it)->second);
  }
  return items;
}

ObjectPtr ObjectStore::write(Json object, const WriteOptions& options, bool statusOnly) {
  toStorageVersion(object);
  const ResourceType& type = typeOf(object);
  decodeBody(type, object, options.fieldValidation, options.warnings);
  Json& meta = metadataOf(object);
  if (type.namespaced && meta.value("namespace", "").empty()) meta["namespace"] = "default";
  auto key = keyOf(object, type);
  auto it = objects_.find(key);
  if (it == objects_.end()) throw ApiError::notFound(type.resourceName(), key.name);
  const Json& old = *it->second;
  const std::string oldVersion = old["metadata"].value("resourceVersion", "");
  const std::string sent = meta.value("resourceVersion", "");
  if (!sent.empty() && sent != oldVersion) {
    throw ApiError::conflict(type.resourceName(), key.name,
                             "the object has been modified; please apply your changes to the latest version and try again");
  }
  Json next;
  if (statusOnly) {
    if (objectAt(object, {"status"_key}) == objectAt(old, {"status"_key})) return it->second;
    next = withMember(old, "status", objectAt(object, {"status"_key}));
  } else {
    if (isKind(type, "", "Service")) ServiceAllocator::carryOver(object, old);
    // Decoded and defaulted before it is validated, as the API server does.
    if (!type.custom) dropNullMembers(object);
    kube::applyDefaults(object);
    if (type.schema) applySchemaDefaults(object, *type.schema);
    if (isKind(type, "", "Secret")) kube::foldSecretStringData(object);
    addUnomittedNulls(type, object);
    if (isKind(type, "scheduling.k8s.io", "PriorityClass")) admitPriorityClass(*this, object, &old);
    if (isKind(type, "", "Namespace")) {
      object["spec"] = objectAt(old, {"spec"_key});  // only the finalize subresource changes spec.finalizers
      labelNamespace(metadataOf(object));
    }
    validateWrite(type, object, &old);
    if (isKind(type, "", "PersistentVolumeClaim")) admitClaimResize(*this, object, old);
    next = std::move(object);
    if (type.hasStatus) next["status"] = objectAt(old, {"status"_key});
    Json& nextMeta = metadataOf(next);
    for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
      if (old["metadata"].contains(field)) nextMeta[field] = old["metadata"][field];
      else nextMeta.erase(field);
    }
    // managedFields stay as they were, unless this write records its own (the REST layer
    // keeps server-side apply's ownership apart and adds it when it serves an object).
    if (const Json* managed = findMember(old["metadata"], "managedFields"_key)) nextMeta["managedFields"] = *managed;
    else nextMeta.erase("managedFields");
    if (trackFieldManagers_ && options.ownership != WriteOptions::Ownership::Untracked && !options.fieldManager.empty() &&
        (options.ownership == WriteOptions::Ownership::Track || nextMeta.contains("managedFields"))) {
      recordManagedUpdate(old, next, options.fieldManager, clock_.rfc3339());
    }
    Json& nextMetaAfter = metadataOf(next);  // recording may add metadata members
    if (auto generation = nextGeneration(generationRule(type), old, next)) nextMetaAfter["generation"] = *generation;
    else nextMetaAfter.erase("generation");
    if (isKind(type, "apps", "DaemonSet")) {
      const Json& oldAnnotations = objectAt(old["metadata"], {"annotations"_key});
      std::int64_t templateGeneration = 1;
      if (const Json* v = findMember(oldAnnotations, JsonKey(kTemplateGeneration)); v != nullptr && v->is_string()) {
        templateGeneration = std::strtoll(v->get_ref<const std::string&>().c_str(), nullptr, 10);
      }
      if (at(old, {"spec"_key, "template"_key}) != at(next, {"spec"_key, "template"_key})) ++templateGeneration;
      nextMetaAfter["annotations"][kTemplateGeneration] = std::to_string(templateGeneration);
    }
    next["apiVersion"] = type.apiVersion();
  }
  metadataOf(next)["resourceVersion"] = oldVersion;
  if (next == old) return it->second;  // a no-op write changes nothing, not even the resourceVersion
  if (options.dryRun) return std::make_shared<const Json>(std::move(next));
  const Json& nextMeta = next["metadata"];
  bool finalizing = nextMeta.contains("deletionTimestamp");
  const Json& finalizers = memberOr(nextMeta, "finalizers", kEmptyArrayJson);
  bool graceRunning = nextMeta.value("deletionGracePeriodSeconds", 0) > 0;
  if (finalizing && !graceRunning && (!finalizers.is_array() || finalizers.empty())) {
    return commit(key, std::move(next), WatchEvent::Type::Deleted);
  }
  return commit(key, std::move(next), WatchEvent::Type::Modified);
}

ObjectPtr ObjectStore::updateShared(Json object, const WriteOptions& options) { return write(std::move(object), options, false); }

Json ObjectStore::updateStatus(Json object, const WriteOptions& options) {
  if (!typeOf(object).hasStatus) throw ApiError::notFound(typeOf(object).resourceName() + "/status", "");
  return *write(std::move(object), options, true);
}

ObjectPtr ObjectStore::writeStatus(const kube::ObjectKey& key, Json status) {
  auto it = objects_.find(key);
  if (it == objects_.end()) throw ApiError::notFound(key.kind, key.name);
  const Json& old = *it->second;
  auto current = old.find("status");
  if (current != old.end() && *current == status) return it->second;
  return commit(key, withMember(old, "status", std::move(status)), WatchEvent::Type::Modified);
}

ObjectPtr ObjectStore::writeAnnotationViaStatus(const kube::ObjectKey& key, const JsonKey& annotation, std::string value) {
  auto it = objects_.find(key);
  if (it == objects_.end()) throw ApiError::notFound(key.kind, key.name);
  const Json& old = *it->second;
  const Json* current = findMember(objectAt(objectAt(old, {"metadata"_key}), {"annotations"_key}), annotation);
  if (current != nullptr && current->is_string() && current->get_ref<const std::string&>() == value) return it->second;
  Json next = old;
  next["metadata"]["annotations"][annotation.str()] = std::move(value);
  return commit(key, std::move(next), WatchEvent::Type::Modified);
}

ObjectPtr ObjectStore::bind(const kube::ObjectKey& key, const std::string& node, const std::string& now) {
  auto it = objects_.find(key);
  if (it == objects_.end()) throw ApiError::notFound("pods", key.name);
  const Json& old = *it->second;
  if (!stringField(old, {"spec"_key, "nodeName"_key}).empty()) {
    throw ApiError::conflict("pods/binding", key.name, "pod " + key.name + " is already assigned to node \"" +
                                                           stringField(old, {"spec"_key, "nodeName"_key}) + "\"");
  }
  Json next = old;
  next["spec"]["nodeName"] = node;
  setCondition(next["status"], "PodScheduled", "True", "", "", now, false, true);
  return commit(key, std::move(next), WatchEvent::Type::Modified);
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
  return *write(std::move(patched), options, /*statusOnly=*/false);
}

ObjectPtr ObjectStore::removeShared(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                                    const DeleteOptions& options) {
  const ResourceType& type = typeOf(group, kind);
  kube::ObjectKey key{type.group, type.kind, type.namespaced ? std::string(ns) : "", std::string(name)};
  auto it = objects_.find(key);
  if (it == objects_.end()) throw ApiError::notFound(type.resourceName(), std::string(name));
  const ObjectPtr stored = it->second;
  if (options.dryRun) return stored;
  Json object = *stored;
  const std::string uid = object["metadata"].value("uid", "");
  if (options.propagation == Propagation::Orphan) {
    for (const auto& dependentKey : dependentsOf(uid)) dropOwnerReference(dependentKey, uid);
  }
  Json& meta = object["metadata"];
  Json finalizers = meta.value("finalizers", Json::array());
  if (!finalizers.is_array()) finalizers = Json::array();
  const bool namespaceObject = isKind(type, "", "Namespace");
  const bool foreground = options.propagation == Propagation::Foreground && dependentsOf(uid).size() > 0;
  if (namespaceObject && std::find(finalizers.begin(), finalizers.end(), "kubernetes") == finalizers.end()) {
    finalizers.push_back("kubernetes");
  }
  if (foreground && std::find(finalizers.begin(), finalizers.end(), "foregroundDeletion") == finalizers.end()) {
    finalizers.push_back("foregroundDeletion");
  }
  // A pod on a node is stopped by its kubelet first, within the grace period.
  std::int64_t grace = 0;
  if (isKind(type, "", "Pod") && !stringField(object, {"spec"_key, "nodeName"_key}).empty()) {
    const std::string phase = stringField(object, {"status"_key, "phase"_key});
    grace = options.gracePeriodSeconds.value_or(intField(object, {"spec"_key, "terminationGracePeriodSeconds"_key}, 30));
    if (phase == "Succeeded" || phase == "Failed") grace = 0;
  }
  if (meta.contains("deletionTimestamp")) {
    // Already terminating: only cutting a running grace period to 0 (the kubelet
    // confirming the pod stopped) changes anything.
    if (grace > 0 || meta.value("deletionGracePeriodSeconds", 0) <= 0) return stored;
    if (finalizers.empty()) return commit(key, std::move(object), WatchEvent::Type::Deleted);
    meta["deletionGracePeriodSeconds"] = 0;
    return commit(key, std::move(object), WatchEvent::Type::Modified);
  }
  if (finalizers.empty() && grace <= 0) {
    if (isKind(type, "apiextensions.k8s.io", "CustomResourceDefinition")) {
      const Json& spec = objectAt(object, {"spec"_key});
      registry_.remove(spec.value("group", ""), spec.value("/names/kind"_json_pointer, ""));
    }
    return commit(key, std::move(object), WatchEvent::Type::Deleted);
  }
  if (!finalizers.empty()) meta["finalizers"] = finalizers;
  meta["deletionTimestamp"] = formatRfc3339(clock_.unixSeconds() + grace);
  meta["deletionGracePeriodSeconds"] = grace;
  if (namespaceObject) object["status"] = Json{{"phase", "Terminating"}};
  ObjectPtr marked = commit(key, std::move(object), WatchEvent::Type::Modified);
  if (foreground) {
    for (const auto& dependentKey : dependentsOf(uid)) {
      auto dependent = find(dependentKey);
      if (dependent && !(*dependent)["metadata"].contains("deletionTimestamp")) {
        DeleteOptions cascade;
        cascade.propagation = Propagation::Foreground;
        remove(dependentKey.group, dependentKey.kind, dependentKey.ns, dependentKey.name, cascade);
      }
    }
  }
  if (namespaceObject) {
    if (!deferNamespaceCleanup_) deleteNamespaceContents(key.name);
    if (namespaceEmpty(key.name)) removeFinalizer(key, "kubernetes");
  }
  if (foreground && !dependents_.contains(uid)) removeFinalizer(key, "foregroundDeletion");
  auto now = find(key);
  return now ? now : marked;
}

void ObjectStore::deleteNamespaceContents(const std::string& ns) {
  std::vector<kube::ObjectKey> contents;
  for (const Entry* entry : ordered_) {
    if (entry->first.ns == ns) contents.push_back(entry->first);
  }
  for (const auto& k : contents) {
    auto content = find(k);
    if (content && !(*content)["metadata"].contains("deletionTimestamp")) remove(k.group, k.kind, k.ns, k.name);
  }
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

std::vector<WatchEvent> ObjectStore::watch(std::uint64_t resourceVersion, std::string_view group, std::string_view kind,
                                           bool bookmark) const {
  if (resourceVersion < compactedThrough_) {
    throw ApiError(410, "Expired", "too old resource version: " + std::to_string(resourceVersion) + " (" +
                                       std::to_string(compactedThrough_ + 1) + ")");
  }
  std::vector<WatchEvent> out;
  auto first = std::upper_bound(history_.begin(), history_.end(), resourceVersion,
                                [](std::uint64_t rv, const WatchEvent& e) { return rv < e.resourceVersion; });
  for (auto it = first; it != history_.end(); ++it) {
    const auto& e = *it;
    if (!kind.empty()) {
      const Json& o = *e.object;
      if (o.value("kind", "") != kind || kube::parseApiVersion(o.value("apiVersion", "")).group != group) continue;
    }
    out.push_back(e);
  }
  if (bookmark) {
    const ResourceType* type = kind.empty() ? nullptr : registry_.byKind(group, kind);
    Json marker{{"kind", std::string(kind)},
                {"apiVersion", type ? type->apiVersion() : "v1"},
                {"metadata", {{"resourceVersion", std::to_string(resourceVersion_)}}}};
    out.push_back(WatchEvent{WatchEvent::Type::Bookmark, resourceVersion_, std::make_shared<const Json>(std::move(marker))});
  }
  return out;
}

ObjectStore::ObserverId ObjectStore::subscribe(Observer observer) {
  ObserverId id = nextObserver_++;
  observers_.emplace(id, std::move(observer));
  return id;
}

void ObjectStore::unsubscribe(ObserverId id) { observers_.erase(id); }

}  // namespace gs::fake
