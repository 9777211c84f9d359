#include "sim/sync/tracking.hpp"

namespace gs::sync {

namespace {

std::string groupOf(const Json& o) {
  const std::string api = o.value("apiVersion", "");
  auto slash = api.find('/');
  return slash == std::string::npos ? std::string() : api.substr(0, slash);
}

const Json& metadata(const Json& o) {
  static const Json empty = Json::object();
  auto it = o.find("metadata");
  return it != o.end() && it->is_object() ? *it : empty;
}

}  // namespace

std::string trackingId(const std::string& app, const Json& object) {
  const Json& m = metadata(object);
  return app + ":" + groupOf(object) + "/" + object.value("kind", "") + ":" + m.value("namespace", "") + "/" + m.value("name", "");
}

void setTracking(Json& object, const std::string& app, TrackingMethod method) {
  if (method == TrackingMethod::Label) {
    object["metadata"]["labels"][kInstanceLabel] = app;
  } else {
    object["metadata"]["annotations"][kTrackingAnnotation] = trackingId(app, object);
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
  const std::string id = it->get<std::string>();
  const auto colon = id.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string app = id.substr(0, colon);
  // The id must name this very object: a copy of another app's object is not its.
  if (trackingId(app, live) != id) return std::nullopt;
  return app;
}

}  // namespace gs::sync
