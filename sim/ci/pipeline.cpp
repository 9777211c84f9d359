#include "sim/ci/pipeline.hpp"

#include "sim/ci/tag_template.hpp"
#include "sim/core/error.hpp"
#include "sim/core/glob.hpp"
#include "sim/core/sha256.hpp"
#include "sim/kube/image_reference.hpp"

namespace gs::ci {

namespace {

constexpr int kPriority = 0;

const char* const kSteps[] = {"checkout", "build", "test", "push", "write-back"};

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
  return s;
}

bool skipCi(const std::string& message) {
  return message.find("[skip ci]") != std::string::npos || message.find("[ci skip]") != std::string::npos;
}

}  // namespace

const char* toString(RunStatus status) {
  switch (status) {
    case RunStatus::Queued: return "Queued";
    case RunStatus::Running: return "Running";
    case RunStatus::Succeeded: return "Succeeded";
    case RunStatus::Failed: return "Failed";
    case RunStatus::Superseded: return "Superseded";
  }
  return "Unknown";
}

void validate(const PipelineSpec& spec) {
  auto bad = [&](const std::string& key, const std::string& why) {
    throw Error::invalid("pipeline \"" + spec.name + "\": " + key + ": " + why, {}, key);
  };
  if (spec.name.empty()) throw Error::invalid("a pipeline needs a name", {}, "name");
  git::checkRepoName(spec.repo);
  if (spec.branch.empty()) bad("branch", "empty");
  if (spec.trigger == Trigger::Poll && spec.pollInterval <= Duration::zero()) bad("trigger.interval", "must be positive");
  for (Duration d : {spec.checkout, spec.build, spec.test, spec.push, spec.writeBackTime}) {
    if (d < Duration::zero()) bad("durations", "a step cannot take negative time");
  }
  if (spec.image.empty()) bad("image", "empty");
  if (auto why = kube::imageReferenceError(spec.image); !why.empty()) bad("image", spec.image + ": " + why);
  if (spec.image.find('@') != std::string::npos || spec.image.substr(spec.image.rfind('/') == std::string::npos ? 0 : spec.image.rfind('/')).find(':') != std::string::npos) {
    bad("image", "give the repository only (\"" + spec.image + "\" has a tag or digest; the tag comes from tag)");
  }
  try {
    checkTagTemplate(spec.tagTemplate);
  } catch (const Error& e) {
    bad("tag", e.message());
  }
  for (const auto& rule : spec.failTestsWhen) {
    if (rule.messageContains.empty() && rule.pathGlob.empty()) bad("failTestsWhen", "a rule needs messageContains or path");
  }
  if (spec.writeBack) {
    const auto& wb = *spec.writeBack;
    git::checkRepoName(wb.repo);
    if (wb.file.empty()) bad("writeBack.file", "empty");
    try {
      git::checkRepoPath(wb.file);
    } catch (const Error& e) {
      bad("writeBack.file", e.message());
    }
    if (wb.kind == WriteBackSpec::Kind::YamlField) {
      if (wb.field.empty()) bad("writeBack.field", "empty");
      parseYamlPath(wb.field);
      if (wb.valueTemplate.find("{tag}") == std::string::npos && wb.valueTemplate.find("{digest}") == std::string::npos) {
        bad("writeBack.value", "must contain {tag} or {digest}");
      }
    }
    if (wb.maxAttempts < 1) bad("writeBack.maxAttempts", "must be at least 1");
    if (wb.retryDelay < Duration::zero()) bad("writeBack.retryDelay", "negative");
  }
}

Pipeline::Pipeline(PipelineSpec spec, PipelineContext ctx) : spec_(std::move(spec)), ctx_(ctx), actor_("ci/" + spec_.name) {
  validate(spec_);
  ctx_.workspace.server(spec_.repo);
  if (spec_.writeBack) ctx_.workspace.server(spec_.writeBack->repo);
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::start() {
  if (running_) return;
  running_ = true;
  lastSeen_ = ctx_.workspace.server(spec_.repo).branchHead(spec_.branch).value_or("");
  if (spec_.trigger == Trigger::Webhook) {
    observer_ = ctx_.workspace.subscribe([this](const git::PushEvent& e) { onPush(e); });
  } else {
    pollEvent_ = ctx_.loop.after(spec_.pollInterval, kPriority, actor_ + " poll", [this] { poll(); });
  }
}

void Pipeline::stop() {
  if (!running_) return;
  running_ = false;
  if (observer_ != 0) ctx_.workspace.unsubscribe(observer_);
  observer_ = 0;
  if (pollEvent_) ctx_.loop.cancel(*pollEvent_);
  pollEvent_.reset();
}

void Pipeline::logEvent(const std::string& type, Json details) {
  if (ctx_.log != nullptr) ctx_.log->append(Event{ctx_.loop.clock().now(), actor_, type, std::move(details)});
}

void Pipeline::onPush(const git::PushEvent& event) {
  if (event.repo != spec_.repo || event.branch != spec_.branch || event.after.empty()) return;
  // Its own write-back (a monorepo whose manifests live beside the code) and commits
  // marked [skip ci] start no run, as CI systems do; otherwise it would build forever.
  if (event.actor == actor_) return;
  if (skipCi(ctx_.workspace.server(spec_.repo).commitInfo(event.after).message)) {
    logEvent("ci.run.skipped", Json{{"commit", event.after}, {"reason", "[skip ci]"}});
    return;
  }
  if (ctx_.loop.clock().now() < dropWebhooksUntil_) {
    logEvent("ci.webhook.lost", Json{{"commit", event.after}});
    return;
  }
  lastSeen_ = event.after;
  trigger(event.after, "webhook");
}

void Pipeline::poll() {
  pollEvent_ = ctx_.loop.after(spec_.pollInterval, kPriority, actor_ + " poll", [this] { poll(); });
  git::Clone& source = ctx_.workspace.clone(actor_, spec_.repo);
  git::RemoteResult fetched = source.fetch();
  if (!fetched.ok()) {
    logEvent("ci.poll.failed", Json{{"error", fetched.message}});
    return;
  }
  auto head = source.remoteHead(spec_.branch);
  if (!head || *head == lastSeen_) return;
  lastSeen_ = *head;
  if (skipCi(source.repo().commitInfo(*head).message)) {
    logEvent("ci.run.skipped", Json{{"commit", *head}, {"reason", "[skip ci]"}});
    return;
  }
  trigger(*head, "poll");
}

int Pipeline::trigger(const std::string& revision, const std::string& reason) {
  RunRecord run;
  run.id = static_cast<int>(runs_.size()) + 1;
  run.commit = ctx_.workspace.server(spec_.repo).resolve(revision);
  run.trigger = reason;
  run.queuedAt = ctx_.loop.clock().now();
  if (spec_.concurrency == Concurrency::Supersede) {
    for (int waiting : queue_) {
      RunRecord& old = runs_[static_cast<std::size_t>(waiting - 1)];
      old.status = RunStatus::Superseded;
      old.finishedAt = run.queuedAt;
      logEvent("ci.run.superseded", Json{{"run", old.id}, {"commit", old.commit}, {"by", run.commit}});
    }
    queue_.clear();
  }
  logEvent("ci.run.queued", Json{{"run", run.id}, {"commit", run.commit}, {"trigger", reason}});
  runs_.push_back(std::move(run));
  queue_.push_back(static_cast<int>(runs_.size()));
  if (active_ == 0) startNext();
  return static_cast<int>(runs_.size());
}

void Pipeline::startNext() {
  if (active_ != 0 || queue_.empty()) return;
  active_ = queue_.front();
  queue_.erase(queue_.begin());
  RunRecord& run = current();
  run.status = RunStatus::Running;
  run.startedAt = ctx_.loop.clock().now();
  logEvent("ci.run.started", Json{{"run", run.id}, {"commit", run.commit}});
  runStep(0);
}

void Pipeline::runStep(std::size_t step) {
  const std::size_t steps = spec_.writeBack ? 5 : 4;
  RunRecord& run = current();
  if (step == steps) return finish(run, RunStatus::Succeeded);
  const Duration durations[] = {spec_.checkout, spec_.build, spec_.test, spec_.push, spec_.writeBackTime};
  run.steps.push_back(StepRecord{kSteps[step], ctx_.loop.clock().now(), {}, true, {}});
  ctx_.loop.after(durations[step], kPriority, actor_ + " " + kSteps[step], [this, step] {
    RunRecord& r = current();
    if (step == 4) return writeBackAttempt(r);
    std::string error;
    bool ok = false;
    try {
      ok = step == 0 ? doCheckout(r, error) : step == 1 ? doBuild(r, error) : step == 2 ? doTest(r, error) : doPush(r, error);
    } catch (const Error& e) {
      error = e.message();
    }
    StepRecord& record = r.steps.back();
    record.finished = ctx_.loop.clock().now();
    record.ok = ok;
    record.message = error;
    if (!ok) return finish(r, RunStatus::Failed, kSteps[step], error);
    runStep(step + 1);
  });
}

bool Pipeline::doCheckout(RunRecord& run, std::string& error) {
  git::Clone& source = ctx_.workspace.clone(actor_, spec_.repo);
  git::RemoteResult fetched = source.fetch();
  if (!fetched.ok()) {
    error = fetched.message;
    return false;
  }
  if (!source.repo().tryResolve(run.commit)) {
    error = "commit " + run.commit + " is not in " + spec_.repo;
    return false;
  }
  if (spec_.writeBack) {
    // The deployment repo as of now; a push made by someone else before write-back
    // makes the write-back push non-fast-forward, as in a real pipeline.
    git::Clone& deploy = ctx_.workspace.clone(actor_, spec_.writeBack->repo);
    git::RemoteResult got = deploy.fetch();
    if (!got.ok()) {
      error = got.message;
      return false;
    }
    deploy.resetToRemote(spec_.writeBack->branch);
  }
  return true;
}

bool Pipeline::doBuild(RunRecord& run, std::string& error) {
  git::Repository& source = ctx_.workspace.clone(actor_, spec_.repo).repo();
  TagInputs inputs;
  inputs.sha = run.commit;
  inputs.branch = spec_.branch;
  inputs.run = run.id;
  inputs.readFile = [&](const std::string& path) { return source.readFile(run.commit, path); };
  run.imageTag = expandTagTemplate(spec_.tagTemplate, inputs);
  run.image = spec_.image + ":" + run.imageTag;
  if (auto why = kube::imageReferenceError(run.image); !why.empty()) {
    error = "image tag \"" + run.imageTag + "\" is not valid: " + why;
    return false;
  }
  // Deterministic build output: the same commit builds to the same digest.
  buildContent_ = "gitops-sim build\npipeline: " + spec_.name + "\ncommit: " + run.commit + "\ntree: " +
                  source.commitInfo(run.commit).tree + "\nimage: " + run.image + "\n";
  return true;
}

bool Pipeline::testsShouldFail(const RunRecord& run, std::string& why) const {
  const VirtualTime now = ctx_.loop.clock().now();
  if (now < failUntil_) {
    why = failUntilReason_;
    return true;
  }
  if (spec_.failTestsWhen.empty()) return false;
  git::Repository& source = ctx_.workspace.clone(actor_, spec_.repo).repo();
  const git::CommitInfo info = source.commitInfo(run.commit);
  std::vector<std::string> paths;
  if (info.parents.empty()) {
    for (const auto& f : source.readTree(run.commit).value()->files) paths.push_back(f.path);
  } else {
    for (const auto& c : source.changedPaths(info.parents.front(), run.commit)) paths.push_back(c.path);
  }
  for (const auto& rule : spec_.failTestsWhen) {
    bool byMessage = rule.messageContains.empty() || info.message.find(rule.messageContains) != std::string::npos;
    bool byPath = rule.pathGlob.empty();
    for (const auto& p : paths) byPath = byPath || globMatch(rule.pathGlob, p);
    if (byMessage && byPath) {
      why = "tests failed (rule:" + (rule.messageContains.empty() ? "" : " message contains \"" + rule.messageContains + "\"") +
            (rule.pathGlob.empty() ? "" : " path " + rule.pathGlob) + ")";
      return true;
    }
  }
  return false;
}

bool Pipeline::doTest(RunRecord& run, std::string& error) {
  if (failNext_ > 0) {
    --failNext_;
    error = failNextReason_;
    return false;
  }
  return !testsShouldFail(run, error);
}

bool Pipeline::doPush(RunRecord& run, std::string& error) {
  registry::RegistryResult pushed = ctx_.registry.push(run.image, buildContent_, actor_);
  if (!pushed.ok) {
    error = pushed.error;
    return false;
  }
  run.digest = pushed.digest;
  logEvent("image.pushed", Json{{"run", run.id}, {"image", run.image}, {"digest", run.digest}});
  return true;
}

std::string Pipeline::editedFile(const std::string& content, const RunRecord& run) const {
  const WriteBackSpec& wb = *spec_.writeBack;
  if (wb.kind == WriteBackSpec::Kind::KustomizeImage) {
    KustomizeImageEdit edit;
    edit.name = wb.imageName.empty() ? spec_.image : wb.imageName;
    edit.newTag = run.imageTag;
    if (wb.setNewName) edit.newName = spec_.image;
    if (wb.setDigest) edit.digest = run.digest;
    return setKustomizeImage(content, edit, wb.file);
  }
  std::string value = replaceAll(replaceAll(replaceAll(wb.valueTemplate, "{tag}", run.imageTag), "{image}", spec_.image), "{digest}", run.digest);
  return setYamlScalar(content, parseYamlPath(wb.field), value, wb.file);
}

void Pipeline::writeBackAttempt(RunRecord& run) {
  const WriteBackSpec& wb = *spec_.writeBack;
  git::Clone& deploy = ctx_.workspace.clone(actor_, wb.repo);
  auto fail = [&](const std::string& error) {
    StepRecord& record = run.steps.back();
    record.finished = ctx_.loop.clock().now();
    record.ok = false;
    record.message = error;
    finish(run, RunStatus::Failed, "write-back", error);
  };
  ++run.writeBackAttempts;
  if (run.writeBackAttempts > 1) {
    git::RemoteResult fetched = deploy.fetch();
    if (!fetched.ok()) return fail(fetched.message);
    deploy.resetToRemote(wb.branch);
  }
  std::optional<std::string> content;
  std::string edited;
  try {
    if (deploy.repo().branchHead(wb.branch)) content = deploy.repo().readFile(wb.branch, wb.file);
    // Neither a field edit nor `kustomize edit set image` makes the file it edits (kustomize:
    // "Missing kustomization file"): a misspelt path fails the run instead of committing a stray file.
    if (!content) {
      return fail("no file " + wb.file + " on " + wb.repo + "@" + wb.branch +
                  (wb.kind == WriteBackSpec::Kind::KustomizeImage ? " (kustomize edit set image: Missing kustomization file)" : ""));
    }
    edited = editedFile(content.value_or(""), run);
  } catch (const Error& e) {
    return fail(e.message());
  }
  if (content && edited == *content) {
    StepRecord& record = run.steps.back();
    record.finished = ctx_.loop.clock().now();
    record.message = wb.file + " already has " + run.imageTag;
    return finish(run, RunStatus::Succeeded);
  }
  git::CommitRequest request;
  request.branch = wb.branch;
  request.changes.push_back({wb.file, edited});
  request.message = "ci: update " + spec_.image + " to " + run.imageTag;
  request.author = spec_.identity;
  request.author.time = ctx_.loop.clock().unixSeconds();
  const std::string sha = deploy.repo().commit(request);
  git::RemoteResult pushed = deploy.push(wb.branch);
  if (pushed.status == git::RemoteResult::Status::Rejected) {
    logEvent("ci.writeback.rejected", Json{{"run", run.id}, {"attempt", run.writeBackAttempts}, {"error", pushed.message}});
    if (run.writeBackAttempts >= wb.maxAttempts) {
      return fail("push rejected " + std::to_string(run.writeBackAttempts) + " times (someone else keeps pushing to " + wb.repo +
                  "): " + pushed.message);
    }
    ctx_.loop.after(wb.retryDelay, kPriority, actor_ + " write-back retry", [this] { writeBackAttempt(current()); });
    return;
  }
  if (!pushed.ok()) return fail(pushed.message);
  run.writeBackCommit = sha;
  if (wb.repo == spec_.repo && wb.branch == spec_.branch) lastSeen_ = sha;  // the poller must not build it
  StepRecord& record = run.steps.back();
  record.finished = ctx_.loop.clock().now();
  logEvent("ci.writeback.pushed", Json{{"run", run.id}, {"repo", wb.repo}, {"commit", sha}, {"file", wb.file}, {"tag", run.imageTag},
                                        {"attempts", run.writeBackAttempts}});
  finish(run, RunStatus::Succeeded);
}

void Pipeline::finish(RunRecord& run, RunStatus status, const std::string& step, const std::string& error) {
  run.status = status;
  run.finishedAt = ctx_.loop.clock().now();
  run.failedStep = step;
  run.error = error;
  Json details{{"run", run.id}, {"commit", run.commit}, {"status", toString(status)}};
  if (!step.empty()) details["step"] = step;
  if (!error.empty()) details["error"] = error;
  if (!run.image.empty() && status == RunStatus::Succeeded) details["image"] = run.image;
  logEvent("ci.run.finished", std::move(details));
  active_ = 0;
  startNext();
}

void Pipeline::failNextTests(int count, std::string reason) {
  failNext_ = count;
  failNextReason_ = std::move(reason);
}

void Pipeline::failTestsUntil(VirtualTime until, std::string reason) {
  failUntil_ = until;
  failUntilReason_ = std::move(reason);
}

const RunRecord* Pipeline::run(int id) const {
  return id >= 1 && id <= static_cast<int>(runs_.size()) ? &runs_[static_cast<std::size_t>(id - 1)] : nullptr;
}

const RunRecord* Pipeline::last(std::optional<RunStatus> status) const {
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    if (!status || it->status == *status) return &*it;
  }
  return nullptr;
}

bool Pipeline::idle() const { return active_ == 0 && queue_.empty(); }

}  // namespace gs::ci
