// What the fake API server says about itself: /version, the legacy discovery documents
// (/api, /apis, /api/v1, /apis/<group>/<version>) with verbs, short names, categories
// and subresources as a real server lists them (clients then fall back from aggregated
// discovery to these), for built-in kinds and the custom resources CRDs registered.
#pragma once

#include <optional>
#include <string>

#include "fakecluster/object_store.hpp"
#include "sim/core/json.hpp"

namespace gs::fake::http {

Json versionInfo();
// APIVersions for /api; `serverAddress` is host:port as clients reach it.
Json coreApiVersions(const std::string& serverAddress);
Json apiGroupList(const ObjectStore& store);
// The APIResourceList of a group version, or nullopt when nothing is served there.
std::optional<Json> apiResourceList(const ObjectStore& store, const std::string& group, const std::string& version);

}  // namespace gs::fake::http
