#include "sim/scenario/steps.hpp"

#include <memory>
#include <set>

#include "fakecluster/api_error.hpp"
#include "fakecluster/eviction.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/scenario/expectations.hpp"
#include "sim/sync/tracking.hpp"

namespace gs::scenario {

namespace {

using namespace std::chrono_literals;

constexpr VirtualTime kForever{std::chrono::hours(24 * 365 * 100)};
constexpr Duration kPollStep = 1s;  // resolution of `wait until` and `within`

void checkTimeout(RunContext& run, VirtualTime at, const Origin& origin) {
  const Duration timeout = run.world.scenario().timeout;
  if (at.sinceStart > timeout) {
    failExpectation(origin, "the scenario's timeout (" + formatDuration(timeout) + " of virtual time) would pass here; raise 'timeout' if it should run longer");
  }
}

Json objectDetails(const Json& o) {
  return Json{{"kind", o.value("kind", "")}, {"name", o["metadata"].value("name", "")}, {"namespace", o["metadata"].value("namespace", "")}};
}

// A drifted object's details name the app that tracks it, if any (the report shades
// that app's drift window).
Json driftDetails(const Json& o, const RunContext& run) {
  Json details = objectDetails(o);
  for (const auto& app : run.world.scenario().world.applications) {
    if (sync::owningApp(o, app.syncOptions.tracking) == app.name) {
      details["app"] = app.name;
      break;
    }
  }
  return details;
}

// -- git --------------------------------------------------------------------------------

void runCommit(const Step& step, const CommitStep& c, RunContext& run) {
  git::Workspace& ws = run.world.workspace();
  git::Repository& server = ws.server(c.repo);
  if (auto down = ws.unavailability(c.repo)) failExpectation(step.origin, "cannot push to " + c.repo + ": " + *down);
  if (!server.branchHead(c.branch)) {
    // A new branch starts where `from` (or the repo's branch) is, as `git switch -c` does.
    std::string from = run.expand(c.from);
    if (from.empty()) from = run.world.repoSpec(c.repo).branch;
    const auto start = server.tryResolve(from);
    if (!start) failExpectation(step.origin, "cannot start branch " + c.branch + " from '" + from + "': no such revision in " + c.repo);
    server.createBranch(c.branch, *start);
    ws.notifyPush(git::PushEvent{c.repo, c.branch, "", *start, c.author});
  }
  git::CommitRequest request;
  request.branch = c.branch;
  request.message = c.message;
  request.author = run.world.person(c.author);
  for (const auto& [path, content] : c.files) request.changes.push_back(git::FileChange{path, content});
  auto outcome = ws.clone(c.author, c.repo).commitAndPush(request);
  if (!outcome.remote.ok() || outcome.sha.empty()) {
    failExpectation(step.origin, "commit to " + c.repo + "@" + c.branch + " could not be pushed: " + outcome.remote.message);
  }
  if (!step.id.empty()) run.stepSha[step.id] = outcome.sha;
}

void runMerge(const Step& step, const MergeStep& m, RunContext& run) {
  git::Workspace& ws = run.world.workspace();
  if (auto down = ws.unavailability(m.repo)) failExpectation(step.origin, "cannot merge in " + m.repo + ": " + *down);
  git::Repository& server = ws.server(m.repo);
  if (!server.branchHead(m.from)) failExpectation(step.origin, "no branch '" + m.from + "' in " + m.repo + " to merge");
  const std::string before = server.branchHead(m.into).value_or("");
  const std::string message = m.message.empty() ? "Merge branch '" + m.from + "' into " + m.into : m.message;
  const git::MergeResult result = server.merge(m.into, m.from, m.mode, run.world.person(m.author), message);
  if (result.kind == git::MergeResult::Kind::Conflict) {
    std::string paths;
    for (const auto& p : result.conflicts) paths += (paths.empty() ? "" : ", ") + p;
    failExpectation(step.origin, "merging " + m.from + " into " + m.into + " conflicts in: " + paths);
  }
  if (result.sha != before) ws.notifyPush(git::PushEvent{m.repo, m.into, before, result.sha, m.author});
  if (!step.id.empty()) run.stepSha[step.id] = result.sha;
}

void runRevert(const Step& step, const RevertStep& r, RunContext& run) {
  git::Workspace& ws = run.world.workspace();
  if (auto down = ws.unavailability(r.repo)) failExpectation(step.origin, "cannot revert in " + r.repo + ": " + *down);
  git::Repository& server = ws.server(r.repo);
  std::string revision = run.expand(r.commit);
  if (revision == "HEAD") revision = r.branch;
  const auto target = server.tryResolve(revision);
  if (!target) failExpectation(step.origin, "no commit '" + revision + "' in " + r.repo);
  const std::string before = server.branchHead(r.branch).value_or("");
  std::string sha;
  try {
    sha = server.revert(r.branch, *target, run.world.person(r.author));
  } catch (const Error& e) {
    failExpectation(step.origin, "reverting " + target->substr(0, 7) + " failed: " + e.message());
  }
  ws.notifyPush(git::PushEvent{r.repo, r.branch, before, sha, r.author});
  if (!step.id.empty()) run.stepSha[step.id] = sha;
}

// -- waits and expectations -----------------------------------------------------------

// Runs the world until `e` holds or `deadline` passes; the last failure otherwise.
std::optional<CheckFailure> runUntilHolds(const Expectation& e, RunContext& run, VirtualTime deadline) {
  EventLoop& loop = run.world.loop();
  while (true) {
    auto failure = check(e, run);
    if (!failure) return std::nullopt;
    const VirtualTime now = loop.clock().now();
    if (now >= deadline) return failure;
    VirtualTime next = now + kPollStep;
    if (auto due = loop.nextTime(); due && *due > next) next = *due;
    if (!loop.nextTime()) next = deadline;  // nothing will change any more
    loop.runUntil(std::min(next, deadline));
  }
}

std::string describeUntil(const Expectation& e) {
  if (e.converged && !e.app && !e.live) return "converged";
  return "the expectation";
}

void runWait(const Step& step, const WaitStep& w, RunContext& run) {
  if (w.duration) {
    advance(run, *w.duration, step.origin);
    return;
  }
  const VirtualTime start = run.world.clock().now();
  const VirtualTime deadline = start + w.limit;
  checkTimeout(run, deadline, step.origin);
  if (auto failure = runUntilHolds(*w.until, run, deadline)) {
    throw ExpectationError(step.origin, "waited " + formatDuration(w.limit) + " for " + describeUntil(*w.until) + ", still not there: " + failure->message,
                           failure->diff);
  }
  run.world.record("scenario", "wait.done", Json{{"step", run.currentStep + 1}, {"waited", formatDuration(run.world.clock().now() - start)}});
}

void runExpect(const Step& step, const Expectation& e, RunContext& run) {
  if (!e.within) {
    if (auto failure = check(e, run)) throw ExpectationError(step.origin, failure->message, failure->diff);
    return;
  }
  const VirtualTime now = run.world.clock().now();
  VirtualTime from = now;
  std::string fromText = "this step";
  if (!e.since.empty()) {
    auto it = run.stepStart.find(e.since);
    if (it == run.stepStart.end()) failExpectation(step.origin, "'since: " + e.since + "': that step comes later, so nothing can be timed from it yet");
    from = it->second;
    fromText = "step '" + e.since + "' (at " + formatDuration(from.sinceStart) + ")";
  }
  const VirtualTime deadline = from + *e.within;
  if (deadline < now) {
    failExpectation(step.origin, "the bound 'within " + formatDuration(*e.within) + "' since " + fromText + " ended at " + formatDuration(deadline.sinceStart) +
                                     ", before this step ran at " + formatDuration(now.sinceStart) +
                                     ": move this expectation up, right after the step it times, or shorten the waits before it");
  }
  checkTimeout(run, deadline, step.origin);
  if (auto failure = runUntilHolds(e, run, deadline)) {
    throw ExpectationError(step.origin, "not within " + formatDuration(*e.within) + " since " + fromText + ": " + failure->message, failure->diff);
  }
  run.world.record("scenario", "expect.met", Json{{"step", run.currentStep + 1}, {"after", formatDuration(run.world.clock().now() - from)}});
}

// -- drift -------------------------------------------------------------------------------

// The end of a drain: once every evicted pod is gone (checked each second, as kubectl
// drain waits for the deletions), the node is drained.
void awaitEvictedGone(World& world, const std::string& node, const std::string& actor, std::vector<kube::ObjectKey> evicted) {
  std::erase_if(evicted, [&](const kube::ObjectKey& key) { return !world.cluster().store().find(key); });
  if (evicted.empty()) {
    world.record(actor, "drift.drained", Json{{"node", node}});
    return;
  }
  world.loop().after(std::chrono::seconds(1), 0, "kubectl drain " + node + ": wait for deletions",
                     [&world, node, actor, evicted] { awaitEvictedGone(world, node, actor, evicted); });
}

// kubectl drain --ignore-daemonsets --force: evicts the node's pods (DaemonSet pods stay)
// through the Eviction API; those a PodDisruptionBudget holds back are tried again every
// 5 s, as kubectl drain does, while the node stays cordoned.
void evictFromNode(World& world, const std::string& node, const std::string& actor, std::vector<kube::ObjectKey> pods,
                   std::shared_ptr<std::set<std::string>> blocked, std::shared_ptr<std::vector<kube::ObjectKey>> evicted) {
  fake::FakeCluster& cluster = world.cluster();
  const fake::ObjectPtr nodeObject = cluster.store().find(kube::ObjectKey{"", "Node", "", node});
  if (!nodeObject || !nodeObject->value("/spec/unschedulable"_json_pointer, false)) {
    world.record(actor, "drift.drain-stopped", Json{{"node", node}, {"pending", pods.size()}});
    return;
  }
  std::vector<kube::ObjectKey> waiting;
  for (const auto& key : pods) {
    const fake::ObjectPtr pod = cluster.store().find(key);
    if (!pod || pod->contains("/metadata/deletionTimestamp"_json_pointer)) continue;
    try {
      fake::evictPod(cluster, key.ns, key.name, {});
      evicted->push_back(key);
      world.record(actor, "drift.evicted", Json{{"node", node}, {"namespace", key.ns}, {"pod", key.name}});
    } catch (const fake::ApiError& e) {
      if (e.code() != 429 && e.code() != 500) {
        // kubectl drain reports other errors and moves on.
        world.record(actor, "drift.eviction-failed", Json{{"node", node}, {"namespace", key.ns}, {"pod", key.name}, {"reason", e.what()}});
        continue;
      }
      waiting.push_back(key);
      if (blocked->insert(key.ns + "/" + key.name).second) {
        const Json causes = e.status().value("/details/causes"_json_pointer, Json::array());
        world.record(actor, "drift.eviction-blocked",
                     Json{{"node", node}, {"namespace", key.ns}, {"pod", key.name},
                          {"reason", causes.empty() ? std::string(e.what()) : causes[0].value("message", std::string(e.what()))}});
      }
    }
  }
  if (waiting.empty()) return awaitEvictedGone(world, node, actor, *evicted);
  world.loop().after(std::chrono::seconds(5), 0, "kubectl drain " + node, [&world, node, actor, waiting, blocked, evicted] {
    evictFromNode(world, node, actor, waiting, blocked, evicted);
  });
}

void drainNode(const Json& node, const std::string& actor, RunContext& run) {
  World& world = run.world;
  const std::string name = node["metadata"]["name"].get<std::string>();
  Json cordoned = node;
  cordoned["spec"]["unschedulable"] = true;
  world.cluster().store().update(std::move(cordoned));
  std::vector<kube::ObjectKey> pods;
  world.cluster().store().forEach("", "Pod", "", [&](const fake::ObjectPtr& pod) {
    if (pod->value("/spec/nodeName"_json_pointer, "") != name || pod->contains("/metadata/deletionTimestamp"_json_pointer)) return;
    const Json* owner = fake::controllerRef(*pod);
    if (owner != nullptr && owner->value("kind", "") == "DaemonSet") return;
    pods.push_back(kube::objectKeyOf(*pod));
  });
  world.record(actor, "drift.cordoned", Json{{"node", name}, {"pods", pods.size()}});
  evictFromNode(world, name, actor, std::move(pods), std::make_shared<std::set<std::string>>(), std::make_shared<std::vector<kube::ObjectKey>>());
}

void runDrift(const Step& step, const DriftStep& d, RunContext& run) {
  fake::ObjectStore& store = run.world.cluster().store();
  fake::WriteOptions asKubectl;  // drift is someone's kubectl create or edit: strict field validation
  asKubectl.fieldValidation = fake::FieldValidation::Strict;
  // ...recorded in managedFields under the actor's name, or kubectl's own: "kubectl-create"
  // for a create, "kubectl" for a scale, "kubectl-edit" for an edit.
  asKubectl.ownership = fake::WriteOptions::Ownership::Track;
  asKubectl.fieldManager = d.actor != "kubectl" ? d.actor
                           : d.create             ? "kubectl-create"
                           : d.scale && d.set.empty() && d.remove.empty() ? "kubectl"
                                                                           : "kubectl-edit";
  try {
    if (d.create) {
      const Json created = store.create(*d.create, asKubectl);
      run.world.record(d.actor, "drift.created", driftDetails(created, run));
      return;
    }
    auto live = run.find(d.object);
    if (!live) failExpectation(step.origin, "cannot drift " + RunContext::describe(d.object) + ": it does not exist");
    const std::string group = run.groupOf(d.object);
    Json details = driftDetails(*live, run);
    if (d.drain) return drainNode(*live, d.actor, run);
    if (d.remove_object) {
      store.remove(group, d.object.kind, (*live)["metadata"].value("namespace", ""), (*live)["metadata"]["name"].get<std::string>());
      run.world.record(d.actor, "drift.deleted", std::move(details));
      return;
    }
    Json object = *live;
    if (d.scale) {
      object["spec"]["replicas"] = *d.scale;
      details["scale"] = *d.scale;
    }
    for (const auto& [pointer, value] : d.set) {
      const Json::json_pointer ptr(pointer);
      object[ptr] = value;
      details["set"][pointer] = value;
    }
    for (const auto& pointer : d.remove) {
      const Json::json_pointer ptr(pointer);
      if (!object.contains(ptr)) failExpectation(step.origin, "cannot remove " + pointer + " from " + RunContext::describe(d.object) + ": it is not set");
      object[ptr.parent_pointer()].is_array() ? object[ptr.parent_pointer()].erase(std::stoul(ptr.back()))
                                              : static_cast<void>(object[ptr.parent_pointer()].erase(ptr.back()));
      details["remove"].push_back(pointer);
    }
    store.update(std::move(object), asKubectl);
    run.world.record(d.actor, "drift.edited", std::move(details));
  } catch (const fake::ApiError& e) {
    failExpectation(step.origin, std::string("the API server refused the drift: ") + e.what());
  } catch (const Json::exception& e) {
    failExpectation(step.origin, std::string("cannot apply the drift: ") + e.what());
  }
}

// -- faults ------------------------------------------------------------------------------

void runFault(const FaultStep& f, RunContext& run) {
  World& world = run.world;
  const VirtualTime now = world.clock().now();
  const VirtualTime until = f.duration ? now + *f.duration : kForever;
  std::vector<std::function<void()>> clears;
  // Unnamed faults get the id `clear` knows them by, so their window can be closed.
  const std::string faultId = f.id.empty() ? "#" + std::to_string(run.currentStep) : f.id;
  Json details{{"type", toString(f.type)}, {"id", faultId}};
  if (f.duration) details["for"] = formatDuration(*f.duration);
  switch (f.type) {
    case FaultType::ImagePullError:
    case FaultType::CrashLoop:
    case FaultType::NeverReady: {
      fake::PodFault pf;
      pf.kind = f.type == FaultType::ImagePullError ? fake::PodFault::Kind::ImagePullFails
                : f.type == FaultType::CrashLoop     ? fake::PodFault::Kind::Crash
                                                     : fake::PodFault::Kind::NeverReady;
      pf.ns = f.ns;
      pf.pod = f.pod;
      pf.image = f.image;
      pf.labelSelector = f.labelSelector;
      pf.crashAfter = f.crashAfter;
      pf.until = until;
      const fake::FaultId id = world.cluster().faults().add(pf);
      clears.push_back([&world, id] { world.cluster().faults().clear(id); });
      // What the fault reaches: the pods it names and their images.
      if (f.ns != "*") details["namespace"] = f.ns;
      if (f.pod != "*") details["pod"] = f.pod;
      if (!f.labelSelector.empty()) details["labelSelector"] = f.labelSelector;
      if (f.image != "*" || (f.pod == "*" && f.labelSelector.empty())) details["image"] = f.image;
      break;
    }
    case FaultType::RegistryOutage:
      world.registry().setOutage(until, f.host);
      clears.push_back([&world] { world.registry().clearOutage(); });
      if (!f.host.empty()) details["host"] = f.host;
      break;
    case FaultType::GitUnavailable:
      world.workspace().setUnavailable(f.repo, f.duration ? std::optional<VirtualTime>(until) : std::nullopt, "injected outage");
      clears.push_back([&world, repo = f.repo] { world.workspace().clearUnavailable(repo); });
      details["repo"] = f.repo;
      break;
    case FaultType::CiTestFailure: {
      ci::Pipeline& p = world.pipeline(f.pipeline);
      if (f.count) {
        p.failNextTests(*f.count);
        details["count"] = *f.count;
      } else {
        p.failTestsUntil(until);
      }
      clears.push_back([&world, &p] {
        p.failNextTests(0);
        p.failTestsUntil(world.clock().now());
      });
      details["pipeline"] = f.pipeline;
      break;
    }
    case FaultType::ApiErrors: {
      std::vector<std::string> verbs = f.verbs.empty() ? std::vector<std::string>{"*"} : f.verbs;
      for (const auto& verb : verbs) {
        fake::WriteFault wf;
        wf.verb = verb;
        wf.kind = f.kind;
        wf.ns = f.ns;
        wf.name = f.name;
        wf.code = f.code;
        wf.probability = f.rate;
        wf.times = f.count;
        wf.until = until;
        const fake::FaultId id = world.cluster().faults().add(wf);
        clears.push_back([&world, id] { world.cluster().faults().clear(id); });
      }
      details["rate"] = f.rate;
      details["code"] = f.code;
      details["verbs"] = verbs;
      if (!f.kind.empty() && f.kind != "*") details["kind"] = f.kind;
      if (!f.ns.empty() && f.ns != "*") details["namespace"] = f.ns;
      if (!f.name.empty() && f.name != "*") details["name"] = f.name;
      if (f.count) details["count"] = *f.count;
      break;
    }
    case FaultType::ControllerRestart:
      world.record("scenario", "fault.injected", details);
      world.restartControllers(f.downtime);
      return;
    case FaultType::WebhookLost: {
      const bool all = f.pipeline.empty() && f.app.empty() && f.repo.empty();
      for (const auto& [name, p] : world.pipelines()) {
        if (all || name == f.pipeline || (!f.repo.empty() && p->spec().repo == f.repo)) {
          p->dropWebhooksUntil(until);
          clears.push_back([&world, pp = p.get()] { pp->dropWebhooksUntil(world.clock().now()); });
        }
      }
      for (const auto& app : world.scenario().world.applications) {
        if (all || app.name == f.app || (!f.repo.empty() && app.repo == f.repo)) {
          if (auto* c = world.app(app.name)) c->dropWebhooksUntil(until);
          clears.push_back([&world, name = app.name] {
            if (auto* c = world.app(name)) c->dropWebhooksUntil(world.clock().now());
          });
        }
      }
      break;
    }
  }
  world.record("scenario", "fault.injected", details);
  if (f.duration) {
    world.loop().schedule(until, 0, "fault ends", [&world, &run, faultId, details] {
      if (run.faultCleared.contains(faultId)) return;  // a clear step ended it already
      world.record("scenario", "fault.ended", details);
      run.faultEnded.insert(faultId);  // `clear: all` has nothing left to clear of it
    });
  }
  run.faultClears[faultId] = std::move(clears);
}

void runClear(const ClearStep& c, RunContext& run) {
  auto clearOne = [&](const std::string& id, std::vector<std::function<void()>>& clears) {
    for (auto& clear : clears) clear();
    clears.clear();
    run.faultCleared.insert(id);
    run.world.record("scenario", "fault.cleared", Json{{"id", id}});
  };
  if (c.id == "all") {
    for (auto& [id, clears] : run.faultClears) {
      if (!clears.empty() && !run.faultEnded.contains(id)) clearOne(id, clears);
    }
    return;
  }
  auto it = run.faultClears.find(c.id);
  if (it != run.faultClears.end()) clearOne(c.id, it->second);
}

// -- argocd-like commands ------------------------------------------------------------

sync::AppController& controller(const Step& step, RunContext& run, const std::string& app) {
  sync::AppController* c = run.world.app(app);
  if (c == nullptr) failExpectation(step.origin, "app " + app + ": the application controller is down (restarting); wait for it first");
  return *c;
}

void runRollback(const Step& step, const RollbackStep& r, RunContext& run) {
  sync::AppController& c = controller(step, run, r.app);
  const auto& history = c.status().history;
  int id = 0;
  if (r.id) {
    id = *r.id;
  } else {
    if (history.size() < 2) failExpectation(step.origin, "app " + r.app + " has " + std::to_string(history.size()) + " history entries: nothing earlier to roll back to");
    id = history[history.size() - 2].id;
  }
  try {
    c.rollback(id);
  } catch (const Error& e) {
    std::string ids;
    for (const auto& h : history) ids += (ids.empty() ? "" : ", ") + std::to_string(h.id) + " (" + h.revision.substr(0, 7) + ")";
    failExpectation(step.origin, "rollback of " + r.app + " refused: " + e.message() + "; history entries: " + (ids.empty() ? "none" : ids));
  }
}

}  // namespace

void advance(RunContext& run, Duration d, const Origin& origin) {
  const VirtualTime target = run.world.clock().now() + d;
  checkTimeout(run, target, origin);
  run.world.loop().runUntil(target);
}

void runStep(const Step& step, RunContext& run) {
  std::visit(
      [&](const auto& action) {
        using T = std::decay_t<decltype(action)>;
        if constexpr (std::is_same_v<T, CommitStep>) runCommit(step, action, run);
        else if constexpr (std::is_same_v<T, MergeStep>) runMerge(step, action, run);
        else if constexpr (std::is_same_v<T, RevertStep>) runRevert(step, action, run);
        else if constexpr (std::is_same_v<T, WaitStep>) runWait(step, action, run);
        else if constexpr (std::is_same_v<T, DriftStep>) runDrift(step, action, run);
        else if constexpr (std::is_same_v<T, FaultStep>) runFault(action, run);
        else if constexpr (std::is_same_v<T, ClearStep>) runClear(action, run);
        else if constexpr (std::is_same_v<T, SyncStep>) {
          sync::AppController& c = controller(step, run, action.app);
          std::optional<std::string> revision;
          if (!action.revision.empty()) revision = run.expand(action.revision);
          c.sync(revision, "manual", action.prune);
        } else if constexpr (std::is_same_v<T, RefreshStep>) {
          for (const auto& app : run.world.scenario().world.applications) {
            if (action.app.empty() || action.app == app.name) controller(step, run, app.name).refresh("manual");
          }
        } else if constexpr (std::is_same_v<T, RollbackStep>) runRollback(step, action, run);
        else runExpect(step, action.expectation, run);
      },
      step.action);
  run.world.settle();
}

}  // namespace gs::scenario
