// Model-style properties of the fake cluster's object store (RapidCheck): random
// sequences of create / update / patch / delete (every propagation) / finalizer removal
// on a small set of ConfigMaps that own each other, checked after every step against
// the store's own guarantees. Replay a failure with RC_PARAMS="replay=...".
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <map>
#include <set>
#include <tuple>

#include "fakecluster/object_store.hpp"

using namespace gs;
using namespace gs::fake;

namespace {

constexpr int kNames = 6;

std::string nameOf(int i) { return "cm" + std::to_string(i); }

// Replays every watch event from the start into a map and compares it with list().
void checkWatchReplaysToState(const ObjectStore& store) {
  std::map<std::string, Json> replayed;
  std::uint64_t last = 0;
  for (const auto& e : store.watch(0, "", "ConfigMap")) {
    RC_ASSERT(e.resourceVersion > last);  // strictly increasing
    last = e.resourceVersion;
    RC_ASSERT((*e.object)["metadata"]["resourceVersion"] == std::to_string(e.resourceVersion));
    auto name = (*e.object)["metadata"]["name"].get<std::string>();
    if (e.type == WatchEvent::Type::Deleted) replayed.erase(name);
    else replayed[name] = *e.object;
  }
  std::map<std::string, Json> stored;
  const Json listed = store.list("", "ConfigMap", "default");
  for (const auto& item : listed["items"]) stored[item["metadata"]["name"].get<std::string>()] = item;
  RC_ASSERT(replayed == stored);
}

// An object whose owner is gone is being deleted itself (background collection is
// complete; it may linger only for its own finalizers), and every object marked for
// deletion still has finalizers.
void checkGarbageAndFinalizers(const ObjectStore& store) {
  std::set<std::string> uids;
  Json items = store.list("", "ConfigMap", "default")["items"];
  for (const auto& item : items) uids.insert(item["metadata"]["uid"].get<std::string>());
  for (const auto& item : items) {
    const Json& meta = item["metadata"];
    for (const auto& ref : meta.value("ownerReferences", Json::array())) {
      RC_ASSERT(uids.contains(ref["uid"].get<std::string>()) || meta.contains("deletionTimestamp"));
    }
    if (meta.contains("deletionTimestamp")) RC_ASSERT(!meta.value("finalizers", Json::array()).empty());
  }
}

}  // namespace

TEST_CASE("object store properties", "[fakecluster][property]") {
  rc::prop("random writes keep resourceVersions increasing, watches replayable and no orphans", [] {
    auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int, bool>>>(
        rc::gen::tuple(rc::gen::inRange(0, 6), rc::gen::inRange(0, kNames), rc::gen::inRange(0, kNames), rc::gen::arbitrary<bool>()));
    VirtualClock clock;
    ObjectStore store(clock, 7);
    store.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "default"}}}});
    std::uint64_t lastVersion = store.resourceVersion();
    for (const auto& [op, a, b, flag] : ops) {
      const std::string name = nameOf(a);
      try {
        switch (op) {
          case 0: {  // create, optionally with a finalizer and an owner
            Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "default"}}}, {"data", {{"v", "0"}}}};
            if (flag) cm["metadata"]["finalizers"] = {"example.com/hold"};
            if (a != b) {
              Json owner = store.get("", "ConfigMap", "default", nameOf(b));
              cm["metadata"]["ownerReferences"] = Json::array({Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", nameOf(b)}, {"uid", owner["metadata"]["uid"]}}});
            }
            store.create(cm);
            break;
          }
          case 1: {  // update
            Json cm = store.get("", "ConfigMap", "default", name);
            cm["data"]["v"] = std::to_string(b);
            if (flag) cm["metadata"]["resourceVersion"] = "1";  // stale: must conflict
            store.update(cm);
            RC_ASSERT(!flag);
            break;
          }
          case 2:  // merge patch
            store.patch("", "ConfigMap", "default", name, Json{{"data", {{"p", std::to_string(b)}}}}, PatchType::Merge);
            break;
          case 3: {  // delete with a propagation policy
            DeleteOptions options;
            options.propagation = static_cast<Propagation>(b % 3);
            store.remove("", "ConfigMap", "default", name, options);
            break;
          }
          case 4: {  // a controller removes its finalizer
            Json cm = store.get("", "ConfigMap", "default", name);
            cm["metadata"]["finalizers"] = Json::array();
            store.update(cm);
            break;
          }
          case 5:  // a no-op update writes nothing
            store.update(store.get("", "ConfigMap", "default", name));
            break;
        }
      } catch (const ApiError& e) {
        RC_ASSERT(e.code() == 404 || e.code() == 409);  // missing objects, existing names, stale versions
      }
      RC_ASSERT(store.resourceVersion() >= lastVersion);
      lastVersion = store.resourceVersion();
      checkWatchReplaysToState(store);
      checkGarbageAndFinalizers(store);
    }
  });
}
