// The Kubernetes REST API over the fake cluster, as plain request -> response: discovery
// and /version, OpenAPI v3, and for every served kind get, list (label and field
// selectors, limit/continue, Table output), create, update, patch (JSON, merge,
// strategic merge, apply), delete (propagation, grace period), deletecollection, the
// status and scale subresources, pods/eviction and pods/log, dryRun=All, kinds served in a
// second version by conversion (version_conversion.hpp); errors as `Status` objects with
// the real codes. Watches are opened here and streamed by the HTTP layer (server.hpp).
// Not thread-safe: the caller serializes requests with the simulation (one lock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "fakecluster/cluster.hpp"
#include "fakecluster/http/field_ownership.hpp"
#include "fakecluster/http/http_types.hpp"

namespace gs::fake::http {

struct HandlerOptions {
  std::string token;                  // required as "Authorization: Bearer <token>" when set
  std::size_t maxBodyBytes = 3 << 20;  // larger bodies get 413 (a real server's limit is 3 MiB)
  std::string serverAddress = "127.0.0.1:6443";
};

// An open watch: call poll() repeatedly (under the simulation's lock); it returns the
// newline-delimited watch events since the last call ("" when none). done() once the
// watch has ended (an ERROR event was sent, e.g. 410 Gone).
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  virtual std::string poll() = 0;
  virtual bool done() const = 0;
  // The wall-clock seconds the client asked the watch to last (timeoutSeconds), if any.
  virtual std::optional<std::int64_t> timeoutSeconds() const = 0;
};

class RestHandler {
 public:
  RestHandler(FakeCluster& cluster, HandlerOptions options);

  // Every request but watches. A watch request gets a 200 here only when it cannot be
  // served (its error); use watchRequest()/openWatch() first.
  Response handle(const Request& request);

  // Is this a watch (GET on a collection with watch=1/true)?
  static bool isWatch(const Request& request);
  // Opens a watch, or returns the error response.
  std::unique_ptr<WatchStream> openWatch(const Request& request, Response& error);

  // Requests handled so far (for the server's log line).
  std::uint64_t requests() const { return requests_; }

 private:
  // A request to a kind's extra served version (version_conversion.hpp), converted to the
  // stored version and back; nullopt for every other request.
  std::optional<Response> handleServedVersion(const Request& request);
  Response handleStoredVersion(const Request& request);
  Response answerStoredVersion(const Request& request);
  // The object with its metadata.managedFields (server-side apply's view of it).
  Json withManagedFields(Json object) const;
  // After a write other than apply: `manager` takes the fields it changed.
  void recordUpdate(const Request& request, const ResourceType& type, const Json& before, const Json& after);

  FakeCluster& cluster_;
  HandlerOptions options_;
  FieldOwnership ownership_;
  std::uint64_t requests_ = 0;
  std::vector<std::string> warnings_;  // the current request's warnings
};

}  // namespace gs::fake::http
