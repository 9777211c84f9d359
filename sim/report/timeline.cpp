#include "sim/report/timeline.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"

namespace gs::report {

namespace {

std::string text(const Json& details, const char* key) {
  auto it = details.find(key);
  if (it == details.end()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string shortSha(const std::string& sha) { return sha.substr(0, 7); }

// "app/web" -> "web"; "registry" -> "".
std::string subject(const std::string& actor) {
  const auto slash = actor.find('/');
  return slash == std::string::npos ? std::string() : actor.substr(slash + 1);
}

std::string prefix(const std::string& actor) { return actor.substr(0, actor.find('/')); }

struct Record {
  std::size_t index = 0;
  std::int64_t at = 0;
  std::string actor;
  std::string type;
  const Json* details = nullptr;

  std::string get(const char* key) const { return text(*details, key); }
};

class TimelineBuilder {
 public:
  explicit TimelineBuilder(const Json& scenario) : end_(scenario.value("virtualMs", std::int64_t{0})) {
    if (auto world = scenario.find("world"); world != scenario.end() && world->is_object()) {
      for (const auto& repo : world->value("repos", Json::array())) repoRoles_[repo.value("name", "")] = repo.value("role", "");
    }
  }

  Json build(const Json& timeline) {
    for (std::size_t i = 0; i < timeline.size(); ++i) {
      const Json& e = timeline[i];
      if (!e.is_object()) throw Error::invalid("timeline[" + std::to_string(i) + "]: an event must be an object");
      Record r;
      r.index = i;
      r.at = e.value("atMs", std::int64_t{0});
      r.actor = e.value("actor", "");
      r.type = e.value("type", "");
      r.details = e.contains("details") && e["details"].is_object() ? &e["details"] : &empty_;
      if (r.at > end_) end_ = r.at;
      add(r);
    }
    closeOpen();
    Json strips = Json::array();
    for (auto& [app, segments] : strips_) strips.push_back(Json{{"app", app}, {"segments", std::move(segments)}});
    return Json{{"lanes", laneDefinitions()}, {"marks", std::move(marks_)}, {"windows", std::move(windows_)}, {"strips", std::move(strips)}, {"endMs", end_}};
  }

 private:
  // Deployment repos (what Argo CD reads, where CI writes back) and source repos get a
  // lane each; a repo the world does not describe counts as a deployment repo.
  std::string repoLane(const std::string& repo) const {
    auto it = repoRoles_.find(repo);
    return it != repoRoles_.end() && it->second == "source" ? "source" : "deploy";
  }

  std::size_t mark(const std::string& lane, const Record& r, const std::string& kind, const std::string& result, const std::string& label,
                   const std::string& app = {}) {
    Json m{{"lane", lane}, {"at", r.at}, {"kind", kind}, {"result", result}, {"label", label}, {"events", Json::array({r.index})}};
    if (!app.empty()) m["app"] = app;
    marks_.push_back(std::move(m));
    return marks_.size() - 1;
  }

  std::size_t window(const std::string& lane, const Record& r, const std::string& kind, const std::string& label) {
    windows_.push_back(Json{{"lane", lane}, {"from", r.at}, {"to", r.at}, {"kind", kind}, {"label", label}, {"open", true}, {"events", Json::array({r.index})}});
    return windows_.size() - 1;
  }

  void closeWindow(std::size_t w, const Record& r) {
    windows_[w]["to"] = r.at;
    windows_[w]["open"] = false;
    windows_[w]["events"].push_back(r.index);
  }

  void endBar(std::size_t m, const Record& r, const std::string& result, const std::string& label) {
    marks_[m]["end"] = r.at;
    marks_[m]["result"] = result;
    marks_[m]["label"] = label;
    marks_[m]["events"].push_back(r.index);
    marks_[m].erase("open");
  }

  static std::string resultOfPhase(const std::string& phase) {
    if (phase == "Succeeded") return "ok";
    if (phase == "Failed" || phase == "Error") return "fail";
    return "warn";
  }

  static std::string resultOfHealth(const std::string& health) {
    if (health == "Healthy") return "ok";
    if (health == "Degraded") return "fail";
    if (health == "Suspended" || health == "Unknown") return "warn";
    return "info";
  }

  // Which lane a fault's window is drawn on: where its effect is.
  std::string faultLane(const Json& d) const {
    const std::string type = text(d, "type");
    if (type == "registry-outage") return "registry";
    if (type == "git-unavailable") return repoLane(text(d, "repo"));
    if (type == "ci-test-failure") return "ci";
    if (type == "webhook-lost" || type == "controller-restart") return "sync";
    return "cluster";
  }

  void add(const Record& r) {
    const std::string who = subject(r.actor);
    const std::string group = prefix(r.actor);
    const Json& d = *r.details;
    if (r.type == "git.init") {
      mark(repoLane(who), r, "commit", "info", shortSha(r.get("commit")) + " " + who + " (initial)");
    } else if (r.type == "git.push") {
      const std::string by = r.get("by");
      const std::string summary = r.get("summary");
      const bool writeBack = by.rfind("ci/", 0) == 0;
      const bool revert = by == "gitops-sim-rollback" || summary.rfind("Revert", 0) == 0;
      mark(repoLane(who), r, writeBack ? "writeback" : "commit", revert ? "warn" : "info", shortSha(r.get("after")) + " " + summary);
    } else if (r.type == "ci.run.queued" || r.type == "ci.run.started") {
      const std::string key = who + "#" + r.get("run");
      auto it = openCiRuns_.find(key);
      if (it == openCiRuns_.end()) {
        const std::size_t m = mark("ci", r, "ci-run", "running", who + " #" + r.get("run") + " " + shortSha(r.get("commit")), who);
        marks_[m]["open"] = true;
        openCiRuns_[key] = m;
      } else {
        marks_[it->second]["events"].push_back(r.index);
        if (r.type == "ci.run.started") marks_[it->second]["startedAt"] = r.at;
      }
    } else if (r.type == "ci.run.finished") {
      const std::string key = who + "#" + r.get("run");
      const std::string status = r.get("status");
      const std::string result = status == "Succeeded" ? "ok" : status == "Failed" ? "fail" : "warn";
      std::string label = who + " #" + r.get("run") + " " + status;
      if (auto it = openCiRuns_.find(key); it != openCiRuns_.end()) {
        endBar(it->second, r, result, label);
        openCiRuns_.erase(it);
      } else {
        mark("ci", r, "ci-run", result, label, who);
      }
    } else if (r.type == "ci.writeback.pushed") {
      mark("ci", r, "writeback", "ok", "write-back " + r.get("tag") + " -> " + r.get("repo"), who);
    } else if (r.type == "ci.writeback.rejected") {
      mark("ci", r, "writeback", "warn", "write-back rejected (attempt " + r.get("attempt") + ")", who);
    } else if (r.type == "image.pushed") {
      const std::string image = r.get("image");
      mark("registry", r, "image", "ok", image.substr(image.rfind('/') == std::string::npos ? 0 : image.rfind('/') + 1));
    } else if (r.type == "image.seeded") {
      // Seeded images all arrive at once: one mark for the lot.
      if (seeded_ && marks_[*seeded_]["at"] == r.at) {
        marks_[*seeded_]["events"].push_back(r.index);
        marks_[*seeded_]["label"] = std::to_string(marks_[*seeded_]["events"].size()) + " images seeded";
      } else {
        seeded_ = mark("registry", r, "image", "info", "1 image seeded");
      }
    } else if (r.type == "sync.started" || r.type == "sync.resumed") {
      auto it = openSyncs_.find(who);
      if (it != openSyncs_.end()) {
        marks_[it->second]["events"].push_back(r.index);
        return;
      }
      const std::size_t m = mark("sync", r, "sync", "running", "sync " + who + " " + shortSha(r.get("revision")), who);
      marks_[m]["open"] = true;
      marks_[m]["waves"] = Json::array();
      openSyncs_[who] = m;
    } else if (r.type == "sync.wave") {
      if (auto it = openSyncs_.find(who); it != openSyncs_.end()) {
        marks_[it->second]["events"].push_back(r.index);
        marks_[it->second]["waves"].push_back(Json{{"at", r.at}, {"wave", d.value("wave", 0)}, {"phase", r.get("phase")},
                                                   {"applied", d.value("applied", 0)}, {"pruned", d.value("pruned", 0)}});
      } else {
        mark("sync", r, "note", "info", "sync " + who + " wave " + r.get("wave"), who);
      }
    } else if (r.type == "sync.finished") {
      const std::string phase = r.get("phase");
      const std::string label = "sync " + who + " " + shortSha(r.get("revision")) + " " + phase;
      if (auto it = openSyncs_.find(who); it != openSyncs_.end()) {
        endBar(it->second, r, resultOfPhase(phase), label);
        openSyncs_.erase(it);
      } else {
        mark("sync", r, "sync", resultOfPhase(phase), label, who);
      }
    } else if (r.type == "app.status") {
      appStatus(r, who);
    } else if (r.type == "rollback") {
      mark("sync", r, "rollback", "warn", "rollback " + who + " (" + r.get("policy") + ")", who);
    } else if (r.type == "rollback.impossible" || r.type == "refresh.failed") {
      mark("sync", r, r.type == "refresh.failed" ? "refresh" : "rollback", "fail", who + ": " + r.type, who);
    } else if (r.type == "webhook.lost" || r.type == "auto-sync.disabled") {
      mark("sync", r, "note", "warn", who + ": " + r.type, who);
    } else if (r.type == "controller.stopped") {
      mark("sync", r, "controller", "warn", "controller stopped");
      controllerDown_ = window("sync", r, "down", "controller down");
    } else if (r.type == "controller.started") {
      mark("sync", r, "controller", "ok", "controller started");
      if (controllerDown_) closeWindow(*controllerDown_, r);
      controllerDown_.reset();
    } else if (r.type.rfind("drift.", 0) == 0) {
      drift(r);
    } else if (r.type == "fault.injected") {
      const std::string id = r.get("id");
      mark("scenario", r, "fault", "warn", "fault " + r.get("type") + (id.empty() || id[0] == '#' ? "" : " (" + id + ")"));
      if (r.get("type") != "controller-restart") openFaults_[id] = window(faultLane(d), r, "fault", r.get("type"));
    } else if (r.type == "fault.cleared" || r.type == "fault.ended") {
      const std::string id = r.get("id");
      mark("scenario", r, "fault", "info", r.type + " " + (r.type == "fault.ended" ? r.get("type") : id));
      if (auto it = openFaults_.find(id); it != openFaults_.end()) {
        closeWindow(it->second, r);
        openFaults_.erase(it);
      }
    } else if (r.type == "step") {
      const std::string label = r.get("label");
      mark("scenario", r, "step", "info", "step " + r.get("step") + ": " + r.get("kind") + (label.empty() ? "" : " " + label));
    } else if (r.type == "expect.met") {
      mark("scenario", r, "expect", "ok", "expectation of step " + r.get("step") + " met");
    } else if (r.type == "wait.done") {
      mark("scenario", r, "step", "info", "waited " + r.get("waited"));
    } else {
      // Anything else (new event kinds, invariant probes) on its actor's lane.
      const std::string lane = group == "git" ? repoLane(who) : group == "ci" ? "ci" : group == "registry" ? "registry"
                             : group == "app" || group == "sync" || group == "argocd" ? "sync" : group == "scenario" ? "scenario" : "cluster";
      mark(lane, r, "note", "info", r.actor + ": " + r.type, group == "app" || group == "sync" ? who : "");
    }
  }

  void appStatus(const Record& r, const std::string& app) {
    const std::string sync = r.get("sync");
    const std::string health = r.get("health");
    auto& segments = strips_[app];
    auto previous = current_.find(app);
    const std::string before = previous == current_.end() ? std::string() : previous->second;
    if (!segments.empty()) segments.back()["to"] = r.at;
    segments.push_back(Json{{"from", r.at}, {"to", r.at}, {"sync", sync}, {"health", health}, {"revision", shortSha(r.get("revision"))},
                            {"message", r.get("message")}, {"event", r.index}});
    current_[app] = health;
    std::string result = sync == "OutOfSync" ? "warn" : resultOfHealth(health);
    mark("sync", r, "status", result, app + ": " + sync + ", " + health, app);
    if (health != before) mark("cluster", r, "health", resultOfHealth(health), app + " " + health, app);
    if (sync == "Synced") {
      // A drift window closes when the app is back in sync (reverted, or Git caught up).
      for (std::size_t w : openDrifts_[app]) closeWindow(w, r);
      openDrifts_[app].clear();
    }
  }

  void drift(const Record& r) {
    const std::string what = r.get("kind") + " " + (r.get("namespace").empty() ? "" : r.get("namespace") + "/") + r.get("name");
    const std::string verb = r.type.substr(6);  // edited, deleted, created
    const std::string app = r.get("app");
    mark("cluster", r, "drift", "warn", verb + " " + what + " by " + r.actor, app);
    if (!app.empty()) openDrifts_[app].push_back(window("cluster", r, "drift", "drift: " + what));
  }

  // Bars and windows still open at the end run to the end, marked open.
  void closeOpen() {
    for (auto& m : marks_) {
      if (m.contains("open")) m["end"] = end_;
    }
    for (auto& w : windows_) {
      if (w["open"].get<bool>()) w["to"] = end_;
    }
    for (auto& [app, segments] : strips_) {
      if (!segments.empty()) segments.back()["to"] = end_;
    }
  }

  const Json empty_ = Json::object();
  std::int64_t end_ = 0;
  std::map<std::string, std::string> repoRoles_;
  Json marks_ = Json::array();
  Json windows_ = Json::array();
  std::map<std::string, std::size_t> openCiRuns_;  // "<pipeline>#<run>" -> mark
  std::map<std::string, std::size_t> openSyncs_;   // app -> mark
  std::map<std::string, std::size_t> openFaults_;  // fault id -> window
  std::map<std::string, std::vector<std::size_t>> openDrifts_;  // app -> windows
  std::optional<std::size_t> controllerDown_;
  std::optional<std::size_t> seeded_;
  std::map<std::string, Json> strips_;            // app -> segments
  std::map<std::string, std::string> current_;    // app -> health
};

}  // namespace

const Json& laneDefinitions() {
  static const Json lanes = Json::array({
      Json{{"id", "scenario"}, {"title", "Scenario"}},
      Json{{"id", "source"}, {"title", "Source repo"}},
      Json{{"id", "ci"}, {"title", "CI"}},
      Json{{"id", "registry"}, {"title", "Registry"}},
      Json{{"id", "deploy"}, {"title", "Deployment repo"}},
      Json{{"id", "sync"}, {"title", "Sync engine"}},
      Json{{"id", "cluster"}, {"title", "Cluster"}},
  });
  return lanes;
}

Json buildTimeline(const Json& scenario) {
  auto timeline = scenario.find("timeline");
  if (timeline == scenario.end() || !timeline->is_array()) throw Error::invalid("timeline: missing, or not a list of events");
  return TimelineBuilder(scenario).build(*timeline);
}

}  // namespace gs::report
