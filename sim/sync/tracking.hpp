// Argo CD resource tracking: which live objects belong to which application. The default
// (annotation) mode writes `argocd.argoproj.io/tracking-id:
// <app>:<group>/<kind>:<namespace>/<name>` on every applied object; label mode uses the
// `app.kubernetes.io/instance: <app>` label instead. An object counts as the app's only
// when its tracking id also names the object itself (so a copied object does not). A
// cluster-wide object's id carries the app's destination namespace (Argo CD 3's
// UnstructuredToAppInstanceValue), and any namespace there names it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs::sync {

enum class TrackingMethod { Annotation, Label };

inline constexpr const char* kTrackingAnnotation = "argocd.argoproj.io/tracking-id";
inline constexpr const char* kInstanceLabel = "app.kubernetes.io/instance";

// "<app>:<group>/<kind>:<namespace>/<name>" for an object; `destinationNamespace` stands in
// for an object without a namespace (a cluster-wide one).
std::string trackingId(const std::string& app, const Json& object, std::string_view destinationNamespace = {});

// Marks `object` (a desired object about to be applied) as the app's.
void setTracking(Json& object, const std::string& app, TrackingMethod method, std::string_view destinationNamespace = {});

// The app a live object belongs to, or nullopt.
std::optional<std::string> owningApp(const Json& live, TrackingMethod method);

}  // namespace gs::sync
