// A fake cluster on its own clock and event loop, for the controller tests.
#pragma once

#include "fakecluster/cluster.hpp"
#include "sim/core/event_loop.hpp"

namespace gs::test {

struct ClusterWorld {
  VirtualClock clock;
  EventLoop loop{clock};
  fake::FakeCluster cluster;
  explicit ClusterWorld(fake::ClusterOptions options = {}) : cluster(loop, options) { loop.runUntil(clock.now()); }

  void runFor(Duration d) { loop.runUntil(clock.now() + d); }
  // Runs until `seconds` after the start of virtual time.
  void runUntilSeconds(int seconds) { loop.runUntil(VirtualTime{std::chrono::seconds(seconds)}); }
  Json get(std::string_view group, std::string_view kind, std::string_view name, std::string_view ns = "default") {
    return cluster.store().get(group, kind, ns, name);
  }
  Json list(std::string_view group, std::string_view kind, std::string_view ns = "default", std::string selector = {}) {
    fake::ListOptions options;
    options.labelSelector = std::move(selector);
    return cluster.store().list(group, kind, ns, options)["items"];
  }
  // Event reasons+messages recorded about the named object, oldest first.
  std::vector<std::string> eventsFor(std::string_view name, std::string_view ns = "default") {
    std::vector<std::string> out;
    Json events = list("", "Event", ns);
    std::sort(events.begin(), events.end(), [](const Json& a, const Json& b) {
      return a["metadata"]["resourceVersion"].get<std::string>().size() != b["metadata"]["resourceVersion"].get<std::string>().size()
                 ? a["metadata"]["resourceVersion"].get<std::string>().size() < b["metadata"]["resourceVersion"].get<std::string>().size()
                 : a["metadata"]["resourceVersion"].get<std::string>() < b["metadata"]["resourceVersion"].get<std::string>();
    });
    for (const auto& e : events) {
      if (e["involvedObject"]["name"] == name) out.push_back(e["reason"].get<std::string>() + ": " + e["message"].get<std::string>());
    }
    return out;
  }
};

inline Json deploymentManifest(const std::string& name, const std::string& image, int replicas) {
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec",
               {{"replicas", replicas},
                {"selector", {{"matchLabels", {{"app", name}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", name}}}}},
                  {"spec", {{"containers", Json::array({Json{{"name", "web"}, {"image", image}}})}}}}}}}};
}

}  // namespace gs::test
