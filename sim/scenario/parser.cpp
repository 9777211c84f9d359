#include "sim/scenario/parser.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <regex>
#include <set>

#include "fakecluster/metadata_validation.hpp"
#include "sim/core/glob.hpp"
#include "sim/core/manifest.hpp"
#include "sim/core/yaml.hpp"
#include "sim/git/repository.hpp"
#include "sim/diff/ignore.hpp"
#include "sim/kube/image_reference.hpp"
#include "sim/scenario/event_catalog.hpp"
#include "sim/scenario/templates.hpp"

namespace gs::scenario {

namespace {

// A file path in a repo as a scenario may name it: relative, inside the repo, and one Git
// can store (no "." component, no "//", not under .git, not a folder).
void requireRepoPath(const SpecNode& at, const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos || path.find('\\') != std::string::npos) {
    at.fail("'" + path + "' is not a relative path inside the repo (no leading '/', no '..', no '\\')");
  }
  try {
    git::checkRepoPath(path);
  } catch (const Error& e) {
    at.fail(e.message());
  }
}

// A branch named in the file: one Git accepts.
std::string branchName(const SpecNode& node) {
  std::string name = node.str();
  if (!git::isValidBranchName(name)) node.fail("'" + name + "' is not a valid branch name (see git check-ref-format)");
  return name;
}
std::string branchName(const SpecNode& map, std::string_view key, const std::string& fallback) {
  auto node = map.get(key);
  return node ? branchName(*node) : fallback;
}

using namespace std::chrono_literals;

bool validName(const std::string& name) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
  return std::regex_match(name, pattern);
}

void requireName(const SpecNode& node, const std::string& name, const char* what) {
  if (!validName(name)) {
    node.fail(std::string("'") + name + "' is not a valid " + what + " name: use letters, digits, '-' and '_' (at most 63), starting with a letter or digit");
  }
}

Origin originOf(const SpecNode& node) { return Origin{node.where(), node.path()}; }

class Parser {
 public:
  Parser(const SpecNode& root, std::string file) : root_(root) { scenario_.file = std::move(file); }

  Scenario parse() {
    root_.allowOnly({"name", "description", "seed", "timeout", "tags", "invariants", "world", "steps"});
    scenario_.name = root_.at("name").str();
    if (scenario_.name.empty()) root_.at("name").fail("must not be empty");
    scenario_.description = root_.str("description", "");
    if (auto seed = root_.get("seed")) scenario_.seed = seed->unsignedInteger();  // every seed --seed takes
    scenario_.timeout = root_.duration("timeout", scenario_.timeout);
    if (auto tags = root_.get("tags")) scenario_.tags = tags->strings();
    if (auto invariants = root_.get("invariants")) parseInvariants(*invariants);
    parseWorld(root_.at("world"));
    collectStepIds(root_.at("steps"));
    for (const auto& step : root_.at("steps").items()) {
      scenario_.steps.push_back(parseStep(step));
      if (!scenario_.steps.back().id.empty()) earlierSteps_.insert(scenario_.steps.back().id);
    }
    if (scenario_.steps.empty()) root_.at("steps").fail("a scenario needs at least one step");
    return std::move(scenario_);
  }

  // Names the parser checks steps against, taken from an already parsed scenario (for
  // steps parsed one at a time, after the world).
  void adopt(const Scenario& scenario) {
    for (const auto& repo : scenario.world.repos) {
      names_.repos.insert(repo.name);
      repoBranches_[repo.name] = repo.branch;
    }
    for (const auto& p : scenario.world.pipelines) names_.pipelines.insert(p.name);
    for (const auto& a : scenario.world.applications) names_.apps.insert(a.name);
    for (const auto& step : scenario.steps) {
      if (!step.id.empty()) names_.steps.insert(step.id);
      if (!step.id.empty()) earlierSteps_.insert(step.id);
      if (const auto* f = std::get_if<FaultStep>(&step.action); f && !f->id.empty()) faultIds_.insert(f->id);
    }
  }

  Step parseOneStep() {
    root_.requireMap();
    if (auto id = root_.get("id")) {
      const std::string name = id->str();
      requireName(*id, name, "step id");
      if (!names_.steps.insert(name).second) id->fail("step id '" + name + "' is used twice");
    }
    return parseStep(root_);
  }

 private:
  void parseInvariants(const SpecNode& node) {
    if (node.isString()) {
      if (node.str() != "all") node.fail("'invariants' is 'all' or a list of names: " + joinNames(kInvariantNames));
      scenario_.invariants.assign(kInvariantNames.begin(), kInvariantNames.end());
      return;
    }
    for (const auto& item : node.items()) {
      const std::string name = item.str();
      if (std::find(kInvariantNames.begin(), kInvariantNames.end(), name) == kInvariantNames.end()) {
        const std::string best = closestMatch(name, std::vector<std::string>(kInvariantNames.begin(), kInvariantNames.end()));
        item.fail("unknown invariant '" + name + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; known: " + joinNames(kInvariantNames));
      }
      if (std::find(scenario_.invariants.begin(), scenario_.invariants.end(), name) == scenario_.invariants.end()) scenario_.invariants.push_back(name);
    }
  }

  static std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  // -- world -------------------------------------------------------------------------

  void parseWorld(const SpecNode& world) {
    world.allowOnly({"repos", "registry", "pipelines", "applications", "controller", "cluster"});
    WorldSpec& w = scenario_.world;
    if (auto repos = world.get("repos")) {
      for (const auto& [name, node] : repos->entries()) {
        requireName(node, name, "repo");
        node.allowOnly({"branch", "files"});
        RepoSpec repo;
        repo.name = name;
        repo.branch = branchName(node, "branch", "main");
        if (auto files = node.get("files")) {
          for (const auto& [path, content] : files->entries()) {
            requireRepoPath(content, path);
            repo.files[path] = content.str();
          }
        }
        names_.repos.insert(name);
        repoBranches_[name] = repo.branch;
        w.repos.push_back(std::move(repo));
      }
    }
    if (w.repos.empty()) world.fail("a world needs at least one repo under world.repos");
    if (auto registry = world.get("registry")) {
      registry->allowOnly({"images", "immutableTags"});
      if (auto images = registry->get("images")) {
        for (const auto& image : images->items()) {
          const std::string ref = image.str();
          if (const std::string why = kube::imageReferenceError(ref); !why.empty()) image.fail("not an image reference: " + why);
          if (ref.find(':') == std::string::npos && ref.find('@') == std::string::npos) image.fail("give the tag, e.g. " + ref + ":1.0");
          w.registry.images.push_back(ref);
        }
      }
      w.registry.immutableTags = registry->boolean("immutableTags", false);
    }
    if (auto cluster = world.get("cluster")) parseCluster(*cluster);
    if (auto controller = world.get("controller")) parseController(*controller);
    if (auto pipelines = world.get("pipelines")) {
      for (const auto& [name, node] : pipelines->entries()) {
        requireName(node, name, "pipeline");
        names_.pipelines.insert(name);
        w.pipelines.push_back(parsePipeline(name, node));
      }
    }
    if (auto apps = world.get("applications")) {
      for (const auto& [name, node] : apps->entries()) {
        requireName(node, name, "application");
        names_.apps.insert(name);
        w.applications.push_back(parseApplication(name, node));
      }
    }
  }

  void requireRepo(const SpecNode& node, const std::string& repo) {
    if (names_.repos.count(repo) == 0) {
      std::vector<std::string> known(names_.repos.begin(), names_.repos.end());
      std::string hint = closestMatch(repo, known);
      node.fail("no repo named '" + repo + "' in world.repos" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }

  void parseCluster(const SpecNode& node) {
    node.allowOnly({"nodes", "imagePullTime", "containerStartTime", "podShutdownTime", "jobRunTime", "namespaces", "objects"});
    fake::ClusterOptions& o = scenario_.world.cluster.options;
    o.nodes = static_cast<int>(node.integer("nodes", o.nodes, 1, 1000));
    o.imagePullTime = node.duration("imagePullTime", o.imagePullTime);
    o.containerStartTime = node.duration("containerStartTime", o.containerStartTime);
    o.podShutdownTime = node.duration("podShutdownTime", o.podShutdownTime);
    o.jobRunTime = node.duration("jobRunTime", o.jobRunTime);
    if (auto ns = node.get("namespaces")) {
      const std::vector<SpecNode> names = ns->isList() ? ns->items() : std::vector<SpecNode>{*ns};
      for (const auto& name : names) {
        const std::string text = name.str();
        // The API server's rule for a Namespace's name (an RFC 1123 label).
        const auto problems = fake::nameProblems("", "Namespace", text);
        if (!problems.empty()) name.fail("\"" + text + "\" is not a valid namespace name: " + problems.front());
        scenario_.world.cluster.namespaces.push_back(text);
      }
    }
    if (auto objects = node.get("objects")) {
      for (const auto& object : objects->items()) {
        scenario_.world.cluster.objects.push_back(parseObject(object));
        scenario_.world.cluster.objectLocations.push_back(object.where());
      }
    }
  }

  // An object written inline (a map) or as YAML text.
  Json parseObject(const SpecNode& node) {
    Json object;
    if (node.isString()) {
      std::vector<Manifest> docs;
      try {
        docs = parseManifests(node.str(), "text");
      } catch (const Error& e) {
        // Said at the text, with the line inside it (not a second file:line:col).
        const int line = e.where().line;
        node.fail("the object's YAML text" + (line > 0 ? " (its line " + std::to_string(line) + ")" : std::string()) + ": " + e.message());
      }
      if (docs.size() != 1) node.fail("must hold exactly one object, found " + std::to_string(docs.size()));
      object = docs.front().object;
    } else {
      object = node.requireMap().json();
    }
    for (const char* key : {"apiVersion", "kind"}) {
      if (!object.contains(key) || !object[key].is_string()) node.fail(std::string("the object needs a string '") + key + "'");
    }
    if (!object.contains("metadata") || !object["metadata"].contains("name")) node.fail("the object needs metadata.name");
    return object;
  }

  void parseController(const SpecNode& node) {
    node.allowOnly({"refreshInterval", "refreshJitter", "liveChangeDelay", "selfHealBackoff", "selfHealFactor", "selfHealMax",
                    "repoErrorGracePeriod", "deliberateBug"});
    sync::ControllerOptions& o = scenario_.world.controller;
    o.refreshInterval = node.duration("refreshInterval", o.refreshInterval);
    if (o.refreshInterval.count() == 0) node.at("refreshInterval").fail("must be more than 0");
    o.refreshJitter = node.duration("refreshJitter", o.refreshJitter);
    o.liveChangeDelay = node.duration("liveChangeDelay", o.liveChangeDelay);
    o.selfHealBackoff = node.duration("selfHealBackoff", o.selfHealBackoff);
    o.selfHealFactor = static_cast<int>(node.integer("selfHealFactor", o.selfHealFactor, 1, 100));
    o.selfHealMax = node.duration("selfHealMax", o.selfHealMax);
    // Argo CD's --self-heal-backoff-* flags count whole seconds; below a second, an app
    // that stays OutOfSync would self-heal thousands of times a virtual minute.
    for (const char* key : {"selfHealBackoff", "selfHealMax"}) {
      if (node.has(key) && node.at(key).duration() < std::chrono::seconds(1)) {
        node.at(key).fail("must be at least 1s (Argo CD's self-heal backoff flags count whole seconds)");
      }
    }
    o.repoErrorGracePeriod = node.duration("repoErrorGracePeriod", o.repoErrorGracePeriod);
    if (auto bug = node.get("deliberateBug")) {
      o.deliberateBug = *sync::deliberateBugNamed(bug->oneOf({"none", "skip-prune", "late-self-heal"}));
    }
  }

  ci::PipelineSpec parsePipeline(const std::string& name, const SpecNode& node) {
    node.allowOnly({"repo", "branch", "trigger", "pollInterval", "concurrency", "durations", "image", "tag", "failTestsWhen", "writeBack"});
    ci::PipelineSpec p;
    p.name = name;
    p.repo = node.at("repo").str();
    requireRepo(node.at("repo"), p.repo);
    p.branch = branchName(node, "branch", repoBranches_[p.repo]);
    if (auto trigger = node.get("trigger")) p.trigger = trigger->oneOf({"webhook", "poll"}) == "poll" ? ci::Trigger::Poll : ci::Trigger::Webhook;
    p.pollInterval = node.duration("pollInterval", p.pollInterval);
    if (node.has("pollInterval") && p.pollInterval.count() == 0) node.at("pollInterval").fail("must be more than 0");
    if (auto c = node.get("concurrency")) p.concurrency = c->oneOf({"queue", "supersede"}) == "supersede" ? ci::Concurrency::Supersede : ci::Concurrency::QueueAll;
    if (auto d = node.get("durations")) {
      d->allowOnly({"checkout", "build", "test", "push", "writeBack"});
      p.checkout = d->duration("checkout", p.checkout);
      p.build = d->duration("build", p.build);
      p.test = d->duration("test", p.test);
      p.push = d->duration("push", p.push);
      p.writeBackTime = d->duration("writeBack", p.writeBackTime);
    }
    p.image = node.at("image").str();
    p.tagTemplate = node.str("tag", p.tagTemplate);
    if (auto rules = node.get("failTestsWhen")) {
      for (const auto& rule : rules->items()) {
        rule.allowOnly({"messageContains", "pathGlob"});
        ci::TestFailureRule r{rule.str("messageContains", ""), rule.str("pathGlob", "")};
        if (r.messageContains.empty() && r.pathGlob.empty()) rule.fail("give messageContains, pathGlob or both");
        p.failTestsWhen.push_back(r);
      }
    }
    if (auto wb = node.get("writeBack")) {
      wb->allowOnly({"repo", "branch", "file", "kustomizeImage", "setNewName", "setDigest", "field", "value", "maxAttempts", "retryDelay"});
      ci::WriteBackSpec w;
      w.repo = wb->at("repo").str();
      requireRepo(wb->at("repo"), w.repo);
      w.branch = branchName(*wb, "branch", repoBranches_[w.repo]);
      w.file = wb->at("file").str();
      const std::string how = wb->exactlyOne({"kustomizeImage", "field"});
      if (how == "field") {
        w.kind = ci::WriteBackSpec::Kind::YamlField;
        w.field = wb->at("field").str();
        w.valueTemplate = wb->str("value", w.valueTemplate);
      } else {
        w.kind = ci::WriteBackSpec::Kind::KustomizeImage;
        w.imageName = wb->at("kustomizeImage").str();
        w.setNewName = wb->boolean("setNewName", false);
        w.setDigest = wb->boolean("setDigest", false);
        if (wb->has("value")) wb->at("value").fail("'value' goes with 'field'; a kustomizeImage write-back sets newTag");
      }
      w.maxAttempts = static_cast<int>(wb->integer("maxAttempts", w.maxAttempts, 1, 100));
      w.retryDelay = wb->duration("retryDelay", w.retryDelay);
      p.writeBack = w;
    }
    try {
      ci::validate(p);
    } catch (const Error& e) {
      // Said at the field it is about ("writeBack.file", "tag"), when the file has it.
      std::optional<SpecNode> at = node;
      std::size_t from = 0;
      const std::string& key = e.keyPath();
      while (at && !key.empty() && from <= key.size()) {
        const std::size_t dot = key.find('.', from);
        auto next = at->get(key.substr(from, dot == std::string::npos ? std::string::npos : dot - from));
        if (!next) break;
        at = next;
        if (dot == std::string::npos) break;
        from = dot + 1;
      }
      const std::string prefix = "pipeline \"" + name + "\": " + key + ": ";
      const std::string& message = e.message();
      at->fail(message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message);
    }
    return p;
  }

  sync::Application parseApplication(const std::string& name, const SpecNode& node) {
    node.allowOnly({"source", "destination", "syncPolicy", "ignoreDifferences", "revisionHistoryLimit", "rollback"});
    sync::Application app;
    app.name = name;
    const SpecNode source = node.at("source");
    source.allowOnly({"repo", "path", "targetRevision", "directory"});
    app.repo = source.at("repo").str();
    requireRepo(source.at("repo"), app.repo);
    app.path = source.str("path", ".");
    if (source.has("path")) {
      // A folder of the repository: relative, and not above its root.
      const std::string& path = app.path;
      if (!path.empty() && path.front() == '/') source.at("path").fail("must be relative to the repository's root, not \"" + path + "\"");
      int depth = 0;
      std::size_t start = 0;
      while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part == "..") --depth;
        else if (!part.empty() && part != ".") ++depth;
        if (depth < 0) source.at("path").fail("\"" + path + "\" leaves the repository");
        if (slash == std::string::npos) break;
        start = slash + 1;
      }
    }
    app.targetRevision = source.str("targetRevision", repoBranches_[app.repo]);
    if (auto dir = source.get("directory")) {
      dir->allowOnly({"recurse", "include", "exclude"});
      app.render.recurse = dir->boolean("recurse", false);
      app.render.include = dir->str("include", "");
      app.render.exclude = dir->str("exclude", "");
    }
    if (auto dest = node.get("destination")) {
      dest->allowOnly({"namespace", "server"});
      app.destinationNamespace = dest->str("namespace", app.destinationNamespace);
      if (auto server = dest->get("server"); server && server->str() != "https://kubernetes.default.svc") {
        server->fail("only the in-cluster destination https://kubernetes.default.svc is simulated");
      }
    }
    if (auto policy = node.get("syncPolicy")) {
      policy->allowOnly({"automated", "syncOptions", "retry"});
      if (auto automated = policy->get("automated")) {
        sync::AutomatedPolicy a;
        if (!automated->isNull()) {
          automated->allowOnly({"prune", "selfHeal", "allowEmpty"});
          a.prune = automated->boolean("prune", false);
          a.selfHeal = automated->boolean("selfHeal", false);
          a.allowEmpty = automated->boolean("allowEmpty", false);
        }
        app.automated = a;
      }
      if (auto options = policy->get("syncOptions")) {
        for (const auto& option : options->items()) parseSyncOption(option, app.syncOptions);
      }
      if (auto retry = policy->get("retry")) {
        retry->allowOnly({"limit", "backoff"});
        app.retryGiven = true;
        app.retry.limit = static_cast<int>(retry->integer("limit", 5, -1, 1000));
        if (auto backoff = retry->get("backoff")) {
          backoff->allowOnly({"duration", "factor", "maxDuration"});
          app.retry.duration = backoff->duration("duration", app.retry.duration);
          app.retry.factor = static_cast<int>(backoff->integer("factor", app.retry.factor, 1, 100));
          app.retry.maxDuration = backoff->duration("maxDuration", app.retry.maxDuration);
        }
      }
    }
    if (auto ignore = node.get("ignoreDifferences")) {
      for (const auto& rule : ignore->items()) {
        try {
          app.ignoreDifferences.push_back(diff::parseIgnoreRule(rule.json(), rule.where()));
        } catch (const Error& e) {
          rule.fail(e.message());
        }
      }
    }
    app.revisionHistoryLimit = static_cast<int>(node.integer("revisionHistoryLimit", app.revisionHistoryLimit, 1, 1000));
    if (auto rollback = node.get("rollback")) {
      const SpecNode policy = rollback->isMap() ? rollback->allowOnly({"policy", "degradedFor"}).at("policy") : *rollback;
      const std::string p = policy.oneOf({"none", "git-revert", "previous-sync"});
      app.rollback = p == "git-revert" ? sync::RollbackPolicy::GitRevert : p == "previous-sync" ? sync::RollbackPolicy::PreviousSync : sync::RollbackPolicy::None;
      if (rollback->isMap()) app.degradedGracePeriod = rollback->duration("degradedFor", app.degradedGracePeriod);
    }
    return app;
  }

  void parseSyncOption(const SpecNode& option, sync::SyncOptions& o) {
    const std::string text = option.str();
    const auto eq = text.find('=');
    if (eq == std::string::npos) option.fail("a sync option is Name=value, e.g. CreateNamespace=true");
    const std::string key = text.substr(0, eq);
    const std::string value = text.substr(eq + 1);
    auto flag = [&]() {
      if (value != "true" && value != "false") option.fail("'" + key + "' takes true or false");
      return value == "true";
    };
    if (key == "CreateNamespace") o.createNamespace = flag();
    else if (key == "PruneLast") o.pruneLast = flag();
    else if (key == "ApplyOutOfSyncOnly") o.applyOutOfSyncOnly = flag();
    else if (key == "Replace") o.replace = flag();
    else if (key == "Validate") o.validate = flag();
    else if (key == "RespectIgnoreDifferences") o.respectIgnoreDifferences = flag();
    else if (key == "SkipDryRunOnMissingResource") o.skipDryRunOnMissingResource = flag();
    else if (key == "PrunePropagationPolicy") {
      if (value == "foreground") o.prunePropagation = fake::Propagation::Foreground;
      else if (value == "background") o.prunePropagation = fake::Propagation::Background;
      else if (value == "orphan") o.prunePropagation = fake::Propagation::Orphan;
      else option.fail("PrunePropagationPolicy is foreground, background or orphan");
    } else {
      std::string hint = closestMatch(key, {"CreateNamespace", "PruneLast", "ApplyOutOfSyncOnly", "Replace", "Validate", "RespectIgnoreDifferences",
                                            "SkipDryRunOnMissingResource", "PrunePropagationPolicy"});
      option.fail("unknown sync option '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                  "; supported: CreateNamespace, PruneLast, ApplyOutOfSyncOnly, Replace, Validate, RespectIgnoreDifferences, "
                  "SkipDryRunOnMissingResource, PrunePropagationPolicy");
    }
  }

  // -- steps -------------------------------------------------------------------------

  static constexpr std::array<std::string_view, 11> kActions = {"commit", "merge", "revert", "wait", "drift", "fault",
                                                                "clear", "sync", "refresh", "rollback", "expect"};

  std::set<std::string> earlierSteps_;  // ids of the steps before the one being parsed

  void collectStepIds(const SpecNode& steps) {
    for (const auto& step : steps.items()) {
      step.requireMap();
      if (auto id = step.get("id")) {
        const std::string name = id->str();
        requireName(*id, name, "step id");
        if (!names_.steps.insert(name).second) id->fail("step id '" + name + "' is used twice");
      }
    }
  }

  // " (did you mean 'x'?)" when `name` is close to one of `known`, else "".
  static std::string hint(const std::string& name, const std::set<std::string>& known) {
    const std::string best = closestMatch(name, std::vector<std::string>(known.begin(), known.end()));
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
  }

  std::string tmpl(const SpecNode& node) { return checkTemplate(node.scalarText(), names_, node); }

  void requireApp(const SpecNode& node, const std::string& app) {
    if (names_.apps.count(app) == 0) {
      std::vector<std::string> known(names_.apps.begin(), names_.apps.end());
      std::string hint = closestMatch(app, known);
      node.fail("no application named '" + app + "' in world.applications" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }

  // An app name: given, or the only app.
  std::string appName(const SpecNode& parent, const char* key = "app") {
    if (auto n = parent.get(key)) {
      std::string app = n->str();
      requireApp(*n, app);
      return app;
    }
    if (names_.apps.size() != 1) parent.fail(std::string("say which application with '") + key + "' (the world has " + std::to_string(names_.apps.size()) + ")");
    return *names_.apps.begin();
  }

  std::string onlyApp(const SpecNode& node) {
    if (names_.apps.size() != 1) node.fail("say which application (the world has " + std::to_string(names_.apps.size()) + ")");
    return *names_.apps.begin();
  }

  std::string repoName(const SpecNode& parent) {
    if (auto n = parent.get("repo")) {
      std::string repo = n->str();
      requireRepo(*n, repo);
      return repo;
    }
    if (names_.repos.size() != 1) parent.fail("say which repo with 'repo' (the world has " + std::to_string(names_.repos.size()) + ")");
    return *names_.repos.begin();
  }

  Step parseStep(const SpecNode& node) {
    Step step;
    step.origin = originOf(node);
    std::string action;
    for (const auto& [key, value] : node.json().items()) {
      if (key == "id" || key == "description") continue;
      if (std::find(kActions.begin(), kActions.end(), key) == kActions.end()) {
        std::vector<std::string> names(kActions.begin(), kActions.end());
        names.push_back("id");
        names.push_back("description");
        std::string hint = closestMatch(key, names);
        node.at(key).fail("unknown step '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                          "; a step is one of commit, merge, revert, wait, drift, fault, clear, sync, refresh, rollback, expect");
      }
      if (!action.empty()) node.at(key).fail("a step does one thing: '" + action + "' and '" + key + "' must be separate steps");
      action = key;
    }
    if (action.empty()) node.fail("a step needs an action: commit, merge, revert, wait, drift, fault, clear, sync, refresh, rollback or expect");
    step.kind = action;
    step.id = node.str("id", "");
    step.description = node.str("description", "");
    const SpecNode body = node.at(action);
    step.origin = originOf(body);
    if (action == "commit") step.action = parseCommit(body);
    else if (action == "merge") step.action = parseMerge(body);
    else if (action == "revert") step.action = parseRevert(body);
    else if (action == "wait") step.action = parseWait(body);
    else if (action == "drift") step.action = parseDrift(body);
    else if (action == "fault") step.action = parseFault(body);
    else if (action == "clear") step.action = parseClear(body);
    else if (action == "sync") step.action = parseSync(body);
    else if (action == "refresh") step.action = parseRefresh(body);
    else if (action == "rollback") step.action = parseRollback(body);
    else step.action = ExpectStep{parseExpectation(body, true)};
    return step;
  }

  CommitStep parseCommit(const SpecNode& node) {
    node.allowOnly({"repo", "branch", "from", "message", "author", "files", "delete"});
    CommitStep c;
    c.repo = repoName(node);
    c.branch = branchName(node, "branch", repoBranches_[c.repo]);
    if (auto from = node.get("from")) c.from = tmpl(*from);  // a revision: templates welcome ({step.<id>.sha})
    c.message = node.at("message").str();
    if (c.message.empty()) node.at("message").fail("a commit message cannot be empty");
    c.author = node.str("author", c.author);
    if (auto files = node.get("files")) {
      for (const auto& [path, content] : files->entries()) {
        requireRepoPath(content, path);
        c.files[path] = content.isNull() ? std::nullopt : std::optional<std::string>(content.str());
      }
    }
    if (auto del = node.get("delete")) {
      if (del->isList()) {
        for (const auto& item : del->items()) requireRepoPath(item, item.str());
      } else {
        requireRepoPath(*del, del->str());
      }
      for (const auto& path : del->strings()) c.files[path] = std::nullopt;
    }
    if (c.files.empty()) node.fail("a commit changes something: give 'files' (path: content) or 'delete' (paths)");
    return c;
  }

  MergeStep parseMerge(const SpecNode& node) {
    node.allowOnly({"repo", "from", "into", "mode", "author", "message"});
    MergeStep m;
    m.repo = repoName(node);
    m.from = node.at("from").str();
    m.into = branchName(node, "into", repoBranches_[m.repo]);
    m.author = node.str("author", m.author);
    m.message = node.str("message", "");
    if (auto mode = node.get("mode")) {
      const std::string v = mode->oneOf({"merge", "ff", "ff-only", "no-ff"});
      m.mode = v == "ff" ? git::MergeMode::FastForwardOrMerge : v == "ff-only" ? git::MergeMode::FastForwardOnly : git::MergeMode::NoFastForward;
    }
    return m;
  }

  RevertStep parseRevert(const SpecNode& node) {
    node.allowOnly({"repo", "branch", "commit", "author"});
    RevertStep r;
    r.repo = repoName(node);
    r.branch = branchName(node, "branch", repoBranches_[r.repo]);
    if (auto c = node.get("commit")) r.commit = tmpl(*c);
    r.author = node.str("author", r.author);
    return r;
  }

  WaitStep parseWait(const SpecNode& node) {
    WaitStep w;
    if (node.isString() || node.json().is_number()) {
      w.duration = node.duration();
      return w;
    }
    node.allowOnly({"for", "until", "limit"});
    if (auto d = node.get("for")) w.duration = d->duration();
    if (auto until = node.get("until")) {
      if (w.duration) node.fail("'for' and 'until' cannot be used together");
      if (until->isString()) {
        if (until->str() != "converged") until->fail("'until' is 'converged' or an expectation (a map such as {app: {name: web, health: Healthy}})");
        Expectation e;
        e.converged = true;
        e.origin = originOf(*until);
        w.until = e;
      } else {
        w.until = parseExpectation(*until, false);
      }
      w.limit = node.duration("limit", w.limit);
    } else if (node.has("limit")) {
      node.at("limit").fail("'limit' goes with 'until'");
    }
    if (!w.duration && !w.until) node.fail("say how long: a duration (wait: 5m), {for: 5m}, or {until: converged, limit: 10m}");
    return w;
  }

  ObjectRef parseRef(const SpecNode& node) {
    ObjectRef r;
    r.origin = originOf(node);
    r.apiVersion = node.str("apiVersion", "");
    r.kind = node.at("kind").str();
    r.name = node.at("name").str();
    if (auto ns = node.get("namespace")) {
      r.ns = ns->str();
    } else if (names_.apps.size() == 1) {
      r.ns = scenario_.world.applications.front().destinationNamespace;
    } else {
      r.ns = "default";
    }
    return r;
  }

  std::vector<std::pair<std::string, Json>> pointerValues(const SpecNode& node, bool templated) {
    std::vector<std::pair<std::string, Json>> out;
    for (const auto& [pointer, value] : node.entries()) {
      if (pointer.empty() || pointer.front() != '/') value.fail("'" + pointer + "' is not a JSON pointer: it starts with '/', e.g. /spec/replicas");
      Json v = value.json();
      if (templated && v.is_string()) v = checkTemplate(v.get<std::string>(), names_, value);
      out.emplace_back(pointer, std::move(v));
    }
    return out;
  }

  DriftStep parseDrift(const SpecNode& node) {
    node.allowOnly({"apiVersion", "kind", "name", "namespace", "set", "remove", "delete", "scale", "create", "drain", "actor"});
    DriftStep d;
    d.actor = node.str("actor", d.actor);
    driftActors_.insert(d.actor);
    if (auto create = node.get("create")) {
      for (const char* k : {"kind", "name", "set", "remove", "delete", "scale", "drain"}) {
        if (node.has(k)) node.at(k).fail("'create' gives the whole object; it cannot be combined with '" + std::string(k) + "'");
      }
      d.create = parseObject(*create);
      if (node.has("namespace")) (*d.create)["metadata"]["namespace"] = node.at("namespace").str();
      return d;
    }
    d.object = parseRef(node);
    if (auto set = node.get("set")) d.set = pointerValues(*set, false);
    if (auto remove = node.get("remove")) {
      for (const auto& p : remove->items()) {
        const std::string pointer = p.str();
        if (pointer.empty() || pointer.front() != '/') p.fail("'" + pointer + "' is not a JSON pointer: it starts with '/'");
        d.remove.push_back(pointer);
      }
    }
    d.remove_object = node.boolean("delete", false);
    if (auto scale = node.get("scale")) d.scale = scale->integer(0, 1000000);
    d.drain = node.boolean("drain", false);
    if (d.drain && d.object.kind != "Node") node.at("drain").fail("'drain' empties a Node (kubectl drain); this drift names a " + d.object.kind);
    const int actions = (d.set.empty() && d.remove.empty() ? 0 : 1) + (d.remove_object ? 1 : 0) + (d.scale ? 1 : 0) + (d.drain ? 1 : 0);
    if (actions == 0) node.fail("say what drifts: set, remove, delete: true, scale, drain: true, or create");
    if (actions > 1) node.fail("one drift step does one of set/remove, delete, scale, drain: split it into steps");
    return d;
  }

  FaultStep parseFault(const SpecNode& node) {
    node.allowOnly({"type", "id", "for", "image", "namespace", "pod", "labelSelector", "crashAfter", "host", "repo", "pipeline", "app", "count",
                    "rate", "code", "verbs", "kind", "name", "downtime"});
    FaultStep f;
    const std::string type = node.at("type").oneOf({"image-pull-error", "crash-loop", "never-ready", "registry-outage", "git-unavailable",
                                                    "ci-test-failure", "api-errors", "controller-restart", "webhook-lost"});
    static const std::map<std::string, FaultType> types = {
        {"image-pull-error", FaultType::ImagePullError}, {"crash-loop", FaultType::CrashLoop},         {"never-ready", FaultType::NeverReady},
        {"registry-outage", FaultType::RegistryOutage},  {"git-unavailable", FaultType::GitUnavailable}, {"ci-test-failure", FaultType::CiTestFailure},
        {"api-errors", FaultType::ApiErrors},            {"controller-restart", FaultType::ControllerRestart}, {"webhook-lost", FaultType::WebhookLost}};
    f.type = types.at(type);
    f.id = node.str("id", "");
    if (!f.id.empty()) {
      requireName(node.at("id"), f.id, "fault id");
      if (f.id == "all") node.at("id").fail("'all' is reserved (clear: all clears every fault)");
      if (!faultIds_.insert(f.id).second) node.at("id").fail("fault id '" + f.id + "' is used twice");
    }
    if (auto d = node.get("for")) f.duration = d->duration();
    // Which selectors each type reads; any other key is a mistake.
    static const std::map<FaultType, std::set<std::string>> allowed = {
        {FaultType::ImagePullError, {"image", "namespace", "pod", "labelSelector"}},
        {FaultType::CrashLoop, {"image", "namespace", "pod", "labelSelector", "crashAfter"}},
        {FaultType::NeverReady, {"image", "namespace", "pod", "labelSelector"}},
        {FaultType::RegistryOutage, {"host"}},
        {FaultType::GitUnavailable, {"repo"}},
        {FaultType::CiTestFailure, {"pipeline", "count"}},
        {FaultType::ApiErrors, {"rate", "code", "verbs", "kind", "namespace", "name", "count"}},
        {FaultType::ControllerRestart, {"downtime"}},
        {FaultType::WebhookLost, {"repo", "pipeline", "app"}},
    };
    for (const auto& [key, value] : node.entries()) {
      if (key == "type" || key == "id" || key == "for") continue;
      if (allowed.at(f.type).count(key) == 0) {
        std::string list;
        for (const auto& k : allowed.at(f.type)) list += (list.empty() ? "" : ", ") + k;
        value.fail("'" + key + "' does not apply to a " + type + " fault (it takes: type, id, for" + (list.empty() ? "" : ", " + list) + ")");
      }
    }
    f.image = node.str("image", f.image);
    f.ns = node.str("namespace", f.ns);
    f.pod = node.str("pod", f.pod);
    f.labelSelector = node.str("labelSelector", "");
    f.crashAfter = node.duration("crashAfter", f.crashAfter);
    f.host = node.str("host", "");
    if (auto repo = node.get("repo")) {
      f.repo = repo->str();
      requireRepo(*repo, f.repo);
    } else if (f.type == FaultType::GitUnavailable) {
      f.repo = repoName(node);
    }
    if (auto p = node.get("pipeline")) {
      f.pipeline = p->str();
      if (names_.pipelines.count(f.pipeline) == 0) p->fail("no pipeline named '" + f.pipeline + "' in world.pipelines" + hint(f.pipeline, names_.pipelines));
    } else if (f.type == FaultType::CiTestFailure) {
      if (names_.pipelines.size() != 1) node.fail("say which pipeline (the world has " + std::to_string(names_.pipelines.size()) + ")");
      f.pipeline = *names_.pipelines.begin();
    }
    if (auto a = node.get("app")) {
      f.app = a->str();
      requireApp(*a, f.app);
    }
    if (auto count = node.get("count")) f.count = static_cast<int>(count->integer(1, 1000000));
    if (auto rate = node.get("rate")) {
      f.rate = rate->number();
      if (f.rate <= 0 || f.rate > 1) rate->fail("a rate is a probability above 0 and at most 1, e.g. 0.5");
    }
    f.code = static_cast<int>(node.integer("code", f.code, 400, 599));
    if (auto verbs = node.get("verbs")) {
      for (const auto& v : verbs->items()) f.verbs.push_back(v.oneOf({"create", "update", "patch", "delete", "status", "*"}));
    }
    f.kind = node.str("kind", f.kind);
    f.name = node.str("name", f.name);
    f.downtime = node.duration("downtime", f.downtime);
    if (f.type == FaultType::ControllerRestart && f.duration) node.at("for").fail("a controller restart is an instant; give 'downtime' for how long it is away");
    if (f.type == FaultType::CiTestFailure && f.count && f.duration) node.fail("give 'count' (the next N runs) or 'for', not both");
    return f;
  }

  ClearStep parseClear(const SpecNode& node) {
    ClearStep c;
    c.id = node.str();
    if (c.id != "all" && faultIds_.count(c.id) == 0) node.fail("no fault with id '" + c.id + "' before this step" + hint(c.id, faultIds_) + " (or write 'all')");
    return c;
  }

  SyncStep parseSync(const SpecNode& node) {
    SyncStep s;
    if (node.isString()) {
      s.app = node.str();
      requireApp(node, s.app);
      return s;
    }
    if (node.isNull()) {
      s.app = onlyApp(node);
      return s;
    }
    node.allowOnly({"app", "revision", "prune"});
    s.app = appName(node);
    if (auto r = node.get("revision")) s.revision = tmpl(*r);
    s.prune = node.boolean("prune", false);
    return s;
  }

  RefreshStep parseRefresh(const SpecNode& node) {
    RefreshStep r;
    if (node.isNull()) return r;
    if (node.isString()) {
      r.app = node.str();
      if (r.app != "all") requireApp(node, r.app);
      if (r.app == "all") r.app.clear();
      return r;
    }
    node.allowOnly({"app"});
    r.app = appName(node);
    return r;
  }

  RollbackStep parseRollback(const SpecNode& node) {
    RollbackStep r;
    if (node.isString()) {
      r.app = node.str();
      requireApp(node, r.app);
      return r;
    }
    if (node.isNull()) {
      r.app = onlyApp(node);
      return r;
    }
    node.allowOnly({"app", "id"});
    r.app = appName(node);
    if (auto id = node.get("id")) r.id = static_cast<int>(id->integer(1, 1000000));
    return r;
  }

  // -- expectations ------------------------------------------------------------------

  Expectation parseExpectation(const SpecNode& node, bool allowWithin) {
    if (allowWithin) {
      node.allowOnly({"app", "live", "image", "git", "events", "pipeline", "converged", "within", "since"});
    } else {
      node.allowOnly({"app", "live", "image", "git", "events", "pipeline", "converged"});
    }
    Expectation e;
    e.origin = originOf(node);
    if (auto app = node.get("app")) e.app = parseAppExpect(*app);
    if (auto live = node.get("live")) e.live = parseLiveExpect(*live);
    if (auto image = node.get("image")) e.image = parseImageExpect(*image);
    if (auto git = node.get("git")) e.git = parseGitExpect(*git);
    if (auto events = node.get("events")) e.events = parseEventsExpect(*events);
    if (auto p = node.get("pipeline")) e.pipeline = parsePipelineExpect(*p);
    if (auto c = node.get("converged")) {
      if (!c->boolean()) c->fail("write converged: true (there is no converged: false; expect an app OutOfSync instead)");
      e.converged = true;
    }
    if (!e.app && !e.live && !e.image && !e.git && !e.events && !e.pipeline && !e.converged) {
      node.fail("an expectation checks something: app, live, image, git, events, pipeline or converged");
    }
    if (auto within = node.get("within")) e.within = within->duration();
    if (auto since = node.get("since")) {
      e.since = since->str();
      if (names_.steps.count(e.since) == 0) since->fail("no step with id '" + e.since + "'" + hint(e.since, names_.steps));
      if (earlierSteps_.count(e.since) == 0) since->fail("step '" + e.since + "' comes later: 'since' names an earlier step");
      if (!e.within) since->fail("'since' goes with 'within'");
    }
    return e;
  }

  AppExpect parseAppExpect(const SpecNode& node) {
    AppExpect a;
    if (node.isString()) {
      node.fail("name the checks, e.g. app: {name: " + node.str() + ", sync: Synced, health: Healthy}");
    }
    node.allowOnly({"name", "sync", "health", "healthMessage", "operation", "operationMessage", "revision", "syncedRevision", "automated",
                    "historyLength"});
    a.app = appName(node, "name");
    if (auto s = node.get("sync")) a.sync = s->oneOf({"Synced", "OutOfSync", "Unknown"});
    if (auto h = node.get("health")) a.health = h->oneOf({"Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"});
    if (auto m = node.get("healthMessage")) a.healthMessage = m->str();
    if (auto o = node.get("operation")) a.operation = o->oneOf({"Running", "Succeeded", "Failed", "Error", "None"});
    if (auto m = node.get("operationMessage")) a.operationMessage = m->str();
    if (auto r = node.get("revision")) a.revision = tmpl(*r);
    if (auto r = node.get("syncedRevision")) a.syncedRevision = tmpl(*r);
    if (auto au = node.get("automated")) a.automated = au->boolean();
    if (auto h = node.get("historyLength")) a.historyLength = static_cast<int>(h->integer(0, 1000));
    return a;
  }

  LiveExpect parseLiveExpect(const SpecNode& node) {
    node.allowOnly({"apiVersion", "kind", "name", "namespace", "exists", "fields", "absent"});
    LiveExpect l;
    l.object = parseRef(node);
    l.exists = node.boolean("exists", true);
    if (auto fields = node.get("fields")) l.fields = pointerValues(*fields, true);
    if (auto absent = node.get("absent")) {
      for (const auto& p : absent->items()) {
        const std::string pointer = p.str();
        if (pointer.empty() || pointer.front() != '/') p.fail("'" + pointer + "' is not a JSON pointer: it starts with '/'");
        l.absentFields.push_back(pointer);
      }
    }
    if (!l.exists && (!l.fields.empty() || !l.absentFields.empty())) node.fail("'fields' and 'absent' need the object to exist");
    return l;
  }

  ImageExpect parseImageExpect(const SpecNode& node) {
    ImageExpect i;
    if (node.isString()) {
      i.reference = tmpl(node);
      checkImageReference(node, i.reference);
      return i;
    }
    node.allowOnly({"reference", "exists"});
    i.reference = tmpl(node.at("reference"));
    i.exists = node.boolean("exists", true);
    checkImageReference(node.at("reference"), i.reference);
    return i;
  }

  // A reference written without templates is checked when the file is read.
  static void checkImageReference(const SpecNode& node, const std::string& reference) {
    if (reference.find('{') != std::string::npos) return;
    if (const std::string why = kube::imageReferenceError(reference); !why.empty()) {
      node.fail("'" + reference + "' is not an image reference: " + why + " (e.g. registry.example.com/team/web:v1)");
    }
  }

  GitExpect parseGitExpect(const SpecNode& node) {
    node.allowOnly({"repo", "branch", "headMessage", "headMessageContains", "headAuthor", "commits", "file", "historyKept"});
    GitExpect g;
    g.repo = repoName(node);
    g.branch = node.str("branch", repoBranches_[g.repo]);
    if (auto m = node.get("headMessage")) g.headMessage = tmpl(*m);
    if (auto m = node.get("headMessageContains")) g.headMessageContains = tmpl(*m);
    if (auto m = node.get("headAuthor")) g.headAuthor = m->str();
    if (auto c = node.get("commits")) g.commits = static_cast<int>(c->integer(0, 10000000));
    if (auto f = node.get("file")) {
      f->allowOnly({"path", "content", "contains", "exists"});
      g.filePath = f->at("path").str();
      if (auto c = f->get("content")) g.fileContent = tmpl(*c);
      if (auto c = f->get("contains")) g.fileContains = tmpl(*c);
      if (auto e = f->get("exists")) g.fileExists = e->boolean();
      if (!g.fileContent && !g.fileContains && !g.fileExists) f->fail("say what to check: content, contains or exists");
      if (g.fileExists == false && (g.fileContent || g.fileContains)) f->fail("'exists: false' cannot be checked with 'content' or 'contains'");
      if (g.fileContent && g.fileContains) f->fail("give 'content' (the whole file) or 'contains' (a part of it), not both");
    }
    g.historyKept = node.boolean("historyKept", false);
    return g;
  }

  EventsExpect parseEventsExpect(const SpecNode& node) {
    node.allowOnly({"type", "app", "actor", "count", "min", "max", "since", "where"});
    EventsExpect e;
    e.type = node.at("type").str();
    const auto types = knownEventTypes();
    if (std::none_of(types.begin(), types.end(), [&](const std::string& type) { return globMatch(e.type, type); })) {
      const std::string best = closestMatch(e.type, types);
      node.at("type").fail((e.type.find_first_of("*?[") == std::string::npos ? "unknown event type '" + e.type + "'"
                                                                               : "'" + e.type + "' matches no event type") +
                           (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; the event reference in docs/scenario-format.md lists them");
    }
    if (auto a = node.get("app")) {
      e.app = a->str();
      requireApp(*a, e.app);
    }
    e.actor = node.str("actor", "");
    if (!e.actor.empty()) checkActor(node.at("actor"), e.actor);
    if (auto c = node.get("count")) e.count = static_cast<int>(c->integer(0, 100000000));
    if (auto c = node.get("min")) e.min = static_cast<int>(c->integer(0, 100000000));
    if (auto c = node.get("max")) e.max = static_cast<int>(c->integer(0, 100000000));
    if (auto where = node.get("where")) {
      for (const auto& [key, value] : where->entries()) {
        e.where[key] = value.isString() ? Json(checkTemplate(value.str(), names_, value)) : value.json();
      }
    }
    if (e.count && (e.min || e.max)) node.fail("give 'count', or 'min'/'max', not both");
    if (e.min && e.max && *e.min > *e.max) node.at("min").fail("min " + std::to_string(*e.min) + " is above max " + std::to_string(*e.max) + ": nothing could pass");
    if (!e.count && !e.min && !e.max) e.min = 1;
    if (auto s = node.get("since")) {
      e.since = s->str();
      if (names_.steps.count(e.since) == 0) s->fail("no step with id '" + e.since + "'" + hint(e.since, names_.steps));
      if (earlierSteps_.count(e.since) == 0) s->fail("step '" + e.since + "' comes later: 'since' names an earlier step");
    }
    return e;
  }

  // An events expectation's actor: one the simulator has (git/<repo>, ci/<pipeline>,
  // app/<app>, sync/<app>, invariant/<name>, scenario, registry, argocd, cluster), kubectl,
  // or the actor of a drift step before it.
  void checkActor(const SpecNode& node, const std::string& actor) {
    if (actor.find_first_of("*?[") != std::string::npos) {  // a glob: it must match some actor this world has
      std::vector<std::string> actors{"scenario", "registry", "argocd", "cluster", "kubectl"};
      actors.insert(actors.end(), driftActors_.begin(), driftActors_.end());
      for (const auto& r : names_.repos) actors.push_back("git/" + r);
      for (const auto& p : names_.pipelines) actors.push_back("ci/" + p);
      for (const auto& a : names_.apps) actors.insert(actors.end(), {"app/" + a, "sync/" + a});
      for (auto name : kInvariantNames) actors.push_back("invariant/" + std::string(name));
      if (std::none_of(actors.begin(), actors.end(), [&](const std::string& a) { return globMatch(actor, a); })) {
        node.fail("'" + actor + "' matches no actor of this world (git/<repo>, ci/<pipeline>, app/<app>, sync/<app>, scenario, kubectl, ...)");
      }
      return;
    }
    const auto slash = actor.find('/');
    if (slash == std::string::npos) {
      static const std::set<std::string> kFixed{"scenario", "registry", "argocd", "cluster", "kubectl"};
      if (kFixed.count(actor) > 0 || driftActors_.count(actor) > 0) return;
      std::set<std::string> known = kFixed;
      known.insert(driftActors_.begin(), driftActors_.end());
      node.fail("no actor '" + actor + "'" + hint(actor, known) + ": actors are scenario, registry, argocd, cluster, kubectl (or a drift step's actor), " +
                "git/<repo>, ci/<pipeline>, app/<app>, sync/<app>");
    }
    const std::string family = actor.substr(0, slash), name = actor.substr(slash + 1);
    const std::set<std::string>* names = family == "git" ? &names_.repos
                                         : family == "ci" ? &names_.pipelines
                                         : family == "app" || family == "sync" ? &names_.apps
                                                                               : nullptr;
    if (family == "invariant") {
      if (std::find(kInvariantNames.begin(), kInvariantNames.end(), name) == kInvariantNames.end()) node.fail("no invariant '" + name + "'");
      return;
    }
    if (names == nullptr) node.fail("no actor family '" + family + "/': use git/<repo>, ci/<pipeline>, app/<app>, sync/<app> or invariant/<name>");
    if (names->count(name) == 0) node.fail("no " + family + " actor for '" + name + "'" + hint(name, *names));
  }

  PipelineExpect parsePipelineExpect(const SpecNode& node) {
    node.allowOnly({"name", "lastStatus", "runs", "succeeded", "failed"});
    PipelineExpect p;
    if (auto n = node.get("name")) {
      p.pipeline = n->str();
      if (names_.pipelines.count(p.pipeline) == 0) n->fail("no pipeline named '" + p.pipeline + "' in world.pipelines" + hint(p.pipeline, names_.pipelines));
    } else {
      if (names_.pipelines.size() != 1) node.fail("say which pipeline with 'name' (the world has " + std::to_string(names_.pipelines.size()) + ")");
      p.pipeline = *names_.pipelines.begin();
    }
    if (auto s = node.get("lastStatus")) p.lastStatus = s->oneOf({"Queued", "Running", "Succeeded", "Failed", "Superseded"});
    if (auto r = node.get("runs")) p.runs = static_cast<int>(r->integer(0, 1000000));
    if (auto r = node.get("succeeded")) p.succeeded = static_cast<int>(r->integer(0, 1000000));
    if (auto r = node.get("failed")) p.failed = static_cast<int>(r->integer(0, 1000000));
    return p;
  }

  const SpecNode& root_;
  Scenario scenario_;
  std::set<std::string> driftActors_;  // the actors of the drift steps read so far
  TemplateNames names_;
  std::map<std::string, std::string> repoBranches_;
  std::set<std::string> faultIds_;
};

}  // namespace

const char* toString(FaultType type) {
  switch (type) {
    case FaultType::ImagePullError: return "image-pull-error";
    case FaultType::CrashLoop: return "crash-loop";
    case FaultType::NeverReady: return "never-ready";
    case FaultType::RegistryOutage: return "registry-outage";
    case FaultType::GitUnavailable: return "git-unavailable";
    case FaultType::CiTestFailure: return "ci-test-failure";
    case FaultType::ApiErrors: return "api-errors";
    case FaultType::ControllerRestart: return "controller-restart";
    case FaultType::WebhookLost: return "webhook-lost";
  }
  return "?";
}

Scenario parseScenario(std::string_view text, const std::string& file) {
  YamlLoadOptions options;
  options.recordPositions = true;
  options.recordKeyPositions = true;
  options.booleans = YamlBooleans::Yaml12;
  auto docs = loadYamlDocuments(text, file, options);
  if (docs.empty()) throw Error::invalid("the file is empty: a scenario needs name, world and steps", SourceLocation{file, 1, 1});
  if (docs.size() > 1) throw Error::invalid("one scenario per file: found " + std::to_string(docs.size()) + " YAML documents", docs[1].where);
  SpecSource source{file, &docs.front().positions};
  SpecNode root(docs.front().value, source);
  if (!root.isMap()) root.fail("a scenario is a map with name, world and steps");
  return Parser(root, file).parse();
}

Scenario parseScenarioDocument(const Json& document, const std::string& file) {
  SpecSource source{file, nullptr};
  SpecNode root(document, source);
  if (!root.isMap()) root.fail("a scenario is a map with name, world and steps");
  return Parser(root, file).parse();
}

Step parseStep(const Scenario& scenario, const Json& step, const std::string& path) {
  SpecSource source{scenario.file, nullptr};
  SpecNode root(step, source, "", path);
  Parser parser(root, scenario.file);
  parser.adopt(scenario);
  return parser.parseOneStep();
}

Scenario loadScenarioFile(const std::string& path) { return parseScenario(readFile(path), path); }

}  // namespace gs::scenario
