#include "sim/sync/tracking.hpp"

#include "sim/core/json_lookup.hpp"

namespace gs::sync {

namespace {

const Json& metadata(const Json& o) {
  static const Json empty = Json::object();
  auto it = o.find("metadata");
  return it != o.end() && it->is_object() ? *it : empty;
}

// What a tracking id names, read in place: "<app>:<group>/<kind>:<namespace>/<name>".
struct IdParts {
  std::string_view group, kind, ns, name;
};

IdParts idPartsOf(const Json& object) {
  const Json& m = metadata(object);
  const std::string_view apiVersion = stringOf(findMember(object, "apiVersion"_key));
  const auto slash = apiVersion.find('/');
  return IdParts{slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash), stringOf(findMember(object, "kind"_key)),
                 stringOf(findMember(m, "namespace"_key)), stringOf(findMember(m, "name"_key))};
}

// True when `id` is trackingId(app, object), compared part by part without building it:
// this runs for every object whenever tracked objects are listed.
bool isTrackingIdOf(std::string_view id, std::string_view app, const Json& object) {
  const IdParts parts = idPartsOf(object);
  auto take = [&id](std::string_view part, char separator) {
    if (!id.starts_with(part)) return false;
    id.remove_prefix(part.size());
    if (id.empty() || id.front() != separator) return false;
    id.remove_prefix(1);
    return true;
  };
  if (!take(app, ':') || !take(parts.group, '/') || !take(parts.kind, ':')) return false;
  if (parts.ns.empty()) {
    // A cluster-wide object: whatever namespace the id carries (isSelfReferencedObj).
    const auto slash = id.find('/');
    if (slash == std::string_view::npos) return false;
    id.remove_prefix(slash + 1);
  } else if (!take(parts.ns, '/')) {
    return false;
  }
  return id == parts.name;
}

}  // namespace

std::string trackingId(const std::string& app, const Json& object, std::string_view destinationNamespace) {
  const IdParts parts = idPartsOf(object);
  std::string id = app;
  id.append(":").append(parts.group).append("/").append(parts.kind).append(":");
  id.append(parts.ns.empty() ? destinationNamespace : parts.ns).append("/").append(parts.name);
  return id;
}

void setTracking(Json& object, const std::string& app, TrackingMethod method, std::string_view destinationNamespace) {
  if (method == TrackingMethod::Label) {
    object["metadata"]["labels"][kInstanceLabel] = app;
  } else {
    object["metadata"]["annotations"][kTrackingAnnotation] = trackingId(app, object, destinationNamespace);
  }
}

std::optional<std::string> owningApp(const Json& live, TrackingMethod method) {
  const Json& m = metadata(live);
  if (method == TrackingMethod::Label) {
    auto labels = m.find("labels");
    if (labels == m.end() || !labels->is_object()) return std::nullopt;
    auto it = labels->find(kInstanceLabel);
    if (it == labels->end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }
  auto annotations = m.find("annotations");
  if (annotations == m.end() || !annotations->is_object()) return std::nullopt;
  auto it = annotations->find(kTrackingAnnotation);
  if (it == annotations->end() || !it->is_string()) return std::nullopt;
  const std::string& id = it->get_ref<const std::string&>();
  const auto colon = id.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string_view app(id.data(), colon);
  // The id must name this very object: a copy of another app's object is not its.
  if (!isTrackingIdOf(id, app, live)) return std::nullopt;
  return std::string(app);
}

}  // namespace gs::sync
