// Helpers the controllers and the kubelet share, mirroring client-go and
// k8s.io/kubernetes/pkg/controller utilities: controller ownerReferences, status
// conditions with Kubernetes' transition rules, pod readiness and availability, the
// pod-template hash, and int-or-percent resolution.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/core/json.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake {

// {apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true}.
Json controllerReference(const Json& owner);
// The ownerReference with controller: true, or nullptr.
const Json* controllerRef(const Json& object);
// uid of the ownerReference with controller: true, or empty: a reference into
// `object` (no copy; controllers call this for every pod they count).
const std::string& controllerUid(const Json& object);

// Finds the condition of `type` in status.conditions (nullptr when absent).
const Json* findCondition(const Json& status, std::string_view type);
// The same, given the whole object (never pass `object.value("status", ...)`: the
// pointer would outlive that copy).
const Json* conditionOf(const Json& object, std::string_view type);
// SetCondition as the workload controllers do it: no change when status and reason
// are the same; lastTransitionTime kept when status is unchanged; the condition moves
// to the end of the list. `withUpdateTime` adds lastUpdateTime (Deployment style);
// `withProbeTime` adds lastProbeTime: null (Pod/Job style).
void setCondition(Json& status, std::string_view type, std::string_view value, std::string_view reason,
                  std::string_view message, const std::string& now, bool withUpdateTime, bool withProbeTime = false);
void removeCondition(Json& status, std::string_view type);

// Removes every object member whose value is null, at any depth: what decoding into the
// API's Go types and encoding again does to a built-in kind (a null field is its zero
// value, which omitempty leaves out), e.g. a template's `creationTimestamp: null`.
void dropNullMembers(Json& object);

// Drops the named counts that are 0: workload status fields are `omitempty` in the API.
void omitZeroCounts(Json& status, std::initializer_list<const char*> fields);

// Kubernetes' QoS class of a pod spec: BestEffort (no requests or limits),
// Guaranteed (every container limits cpu and memory, requests equal to limits),
// otherwise Burstable.
std::string podQosClass(const Json& podSpec);

// Ready condition True.
bool podReady(const Json& pod);
// Whether the object carries a resourceVersion the API server's storage would read as
// one: a decimal number other than 0 (an empty or unparsable one counts as none).
bool carriesResourceVersion(const Json& object);
// What kubectl's resource helper does before a create: drops metadata.resourceVersion.
void dropResourceVersion(Json& object);
// Ready for at least minReadySeconds at `nowUnix`.
bool podAvailable(const Json& pod, std::int64_t minReadySeconds, std::int64_t nowUnix);
// Unix seconds the pod last became Ready, if it is.
std::optional<std::int64_t> podReadySince(const Json& pod);
// Not Succeeded/Failed and not being deleted: what controllers count as active.
bool podActive(const Json& pod);
bool terminating(const Json& object);
std::string phaseOf(const Json& pod);

// Equality as the API machinery's semantic DeepEqual sees two decoded objects: a member
// that is null, {} or [] counts as absent (a typed decode makes each the zero value, and
// the forked DeepEqual treats nil and empty maps and slices alike). A pod template that
// went through a client's typed round trip (`kubectl rollout undo` sends the ReplicaSet's
// template with `creationTimestamp: null` and `resources: {}`) still equals the one it came
// from. `skip` names a member of the two top-level objects to leave out of the comparison.
bool semanticallyEqual(const Json& a, const Json& b, std::string_view skip = {});

// The pod-template hash the Deployment controller names ReplicaSets by: FNV-32a of the
// template (plus collisionCount), written with rand.SafeEncodeString's alphabet.
std::string templateHash(const Json& podTemplate, std::int64_t collisionCount = 0);

// An int-or-percent (maxSurge, maxUnavailable) against `total`, rounding up or down.
std::int64_t scaledValue(const Json& intOrPercent, std::int64_t total, bool roundUp);

// The value at a path of object keys, or a shared null: no copy, no pointer parsing.
// The controllers read objects on every reconcile; this keeps those reads cheap.
const Json& at(const Json& object, std::initializer_list<PathKey> path);
// The same where an object is expected: a shared empty object when missing.
const Json& objectAt(const Json& object, std::initializer_list<PathKey> path);
// Json::value(key, fallback) without the copy: the member when `object` has it (of any
// type), else `fallback`, which must outlive the reference (use the shared constants).
const Json& memberOr(const Json& object, std::string_view key, const Json& fallback);
extern const Json kNullJson, kEmptyObjectJson, kEmptyArrayJson;
std::int64_t intField(const Json& object, std::initializer_list<PathKey> path, std::int64_t fallback);
std::string stringField(const Json& object, std::initializer_list<PathKey> path, const std::string& fallback = {});
// The string at `path` without a copy, or a shared empty string.
const std::string& stringAt(const Json& object, std::initializer_list<PathKey> path);
// `value` is the string `text`. (Unlike `value == "text"`, builds no temporary Json.)
inline bool isString(const Json& value, std::string_view text) {
  return value.is_string() && value.get_ref<const std::string&>() == text;
}
bool boolField(const Json& object, std::initializer_list<PathKey> path, bool fallback = false);
std::int64_t unixOf(const std::string& rfc3339, std::int64_t fallback = 0);
// "Complete" or "Failed" when a Job has that condition True (IsJobFinished), else empty.
std::string jobFinishedAs(const Json& job);

}  // namespace gs::fake
