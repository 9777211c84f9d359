#include "sim/scenario/event_catalog.hpp"

#include <algorithm>
#include <set>

namespace gs::scenario {

const std::vector<EventFamily>& eventCatalog() {
  static const std::vector<EventFamily> kCatalog{
      {"scenario", {"step", "wait.done", "expect.met", "fault.injected", "fault.ended", "fault.cleared", "failed"}},
      {"git/", {"git.init", "git.push"}},
      {"registry", {"image.seeded"}},
      {"ci/",
       {"ci.run.queued", "ci.run.started", "ci.run.finished", "ci.run.skipped", "ci.run.superseded", "ci.webhook.lost", "ci.poll.failed",
        "image.pushed", "ci.writeback.pushed", "ci.writeback.rejected"}},
      {"app/",
       {"app.status", "sync.requested", "sync.retry", "sync.refused", "sync.failed", "self-heal.scheduled", "auto-sync.skipped",
        "auto-sync.disabled", "app.warning", "rollback", "rollback.failed", "rollback.impossible", "refresh.failed", "webhook.lost", "controller.restarted"}},
      {"sync/", {"sync.started", "sync.wave", "sync.resumed", "sync.fail-hooks", "sync.finished", "hook.delete-failed"}},
      {"argocd", {"controller.stopped", "controller.started"}},
      {"kubectl",
       {"drift.edited", "drift.deleted", "drift.created", "drift.cordoned", "drift.evicted", "drift.eviction-blocked", "drift.eviction-failed",
        "drift.drained", "drift.drain-stopped"}},
      {"cluster", {"object.created"}},
      {"invariant/", {"sync.again", "drift.edited"}},
  };
  return kCatalog;
}

std::vector<std::string> knownEventTypes() {
  std::set<std::string> types;
  for (const auto& family : eventCatalog()) {
    for (auto type : family.types) types.emplace(type);
  }
  return {types.begin(), types.end()};
}

}  // namespace gs::scenario
