// A CI pipeline on the virtual clock: runs triggered by webhook or poll, one at a time,
// queued or superseded; steps checkout -> build -> test -> push -> write-back, each
// taking its virtual time. A failed run pushes no image and changes no deployment repo.
// Write-back edits the deployment repo in the pipeline's clone (byte-preserving YAML
// edit), commits `ci: update <image> to <tag>` and pushes; when someone pushed in
// between, it fetches, re-applies the edit on the new head and pushes again, up to
// maxAttempts: never a force-push, never a dropped commit.
// Every step is an event on the EventLoop and is written to the event log.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/ci/pipeline_spec.hpp"
#include "sim/core/event_log.hpp"
#include "sim/core/event_loop.hpp"
#include "sim/git/workspace.hpp"
#include "sim/registry/registry.hpp"

namespace gs::ci {

enum class RunStatus { Queued, Running, Succeeded, Failed, Superseded };
const char* toString(RunStatus status);

struct StepRecord {
  std::string name;  // checkout, build, test, push, write-back
  VirtualTime started;
  VirtualTime finished;
  bool ok = true;
  std::string message;
};

struct RunRecord {
  int id = 0;
  std::string commit;
  std::string trigger;  // webhook, poll, manual
  RunStatus status = RunStatus::Queued;
  VirtualTime queuedAt;
  VirtualTime startedAt;
  VirtualTime finishedAt;
  std::vector<StepRecord> steps;
  std::string failedStep;
  std::string error;
  std::string imageTag;
  std::string image;   // full reference pushed, e.g. registry.example.com/web:abc1234
  std::string digest;
  std::string writeBackCommit;  // SHA pushed to the deployment repo ("" if none)
  int writeBackAttempts = 0;
};

struct PipelineContext {
  EventLoop& loop;
  git::Workspace& workspace;
  registry::Registry& registry;
  EventLog* log = nullptr;
};

class Pipeline {
 public:
  // Validates the spec (InvalidInput); the repos must exist in the workspace.
  Pipeline(PipelineSpec spec, PipelineContext ctx);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Starts listening (webhook) or polling. Commits already on the branch are not built.
  void start();
  void stop();

  // Queues a run for `commit` (any revision of the source repo); returns its id.
  int trigger(const std::string& revision, const std::string& reason = "manual");

  // Fault injection: the next `count` runs' tests fail, or every run's until `until`.
  void failNextTests(int count, std::string reason = "injected test failure");
  void failTestsUntil(VirtualTime until, std::string reason = "injected test failure");
  // Lost webhooks: pushes until `until` start no run (polling is unaffected).
  void dropWebhooksUntil(VirtualTime until) { dropWebhooksUntil_ = until; }

  const PipelineSpec& spec() const { return spec_; }
  const std::vector<RunRecord>& runs() const { return runs_; }
  const RunRecord* run(int id) const;
  // The newest run with `status`, or nullptr.
  const RunRecord* last(std::optional<RunStatus> status = std::nullopt) const;
  // No run queued or running.
  bool idle() const;

 private:
  void onPush(const git::PushEvent& event);
  void poll();
  void startNext();
  void runStep(std::size_t step);
  bool doCheckout(RunRecord& run, std::string& error);
  bool doBuild(RunRecord& run, std::string& error);
  bool doTest(RunRecord& run, std::string& error);
  bool doPush(RunRecord& run, std::string& error);
  void writeBackAttempt(RunRecord& run);
  void finish(RunRecord& run, RunStatus status, const std::string& step = {}, const std::string& error = {});
  bool testsShouldFail(const RunRecord& run, std::string& why) const;
  std::string editedFile(const std::string& current, const RunRecord& run) const;
  void logEvent(const std::string& type, Json details);
  RunRecord& current() { return runs_[static_cast<std::size_t>(active_ - 1)]; }
  const std::string& actor() const { return actor_; }

  PipelineSpec spec_;
  PipelineContext ctx_;
  std::string actor_;
  int observer_ = 0;
  std::optional<EventId> pollEvent_;
  std::string lastSeen_;  // branch head the poller last saw
  std::vector<RunRecord> runs_;
  std::vector<int> queue_;  // run ids waiting
  int active_ = 0;          // running run id, 0 if none
  std::string buildContent_;
  int failNext_ = 0;
  std::string failNextReason_;
  VirtualTime failUntil_{};
  std::string failUntilReason_;
  VirtualTime dropWebhooksUntil_{};
  bool running_ = false;
};

}  // namespace gs::ci
