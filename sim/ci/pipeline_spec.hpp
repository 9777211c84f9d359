// What a CI pipeline is (design.md §4, world.pipelines): which repo branch it watches and
// how it is triggered, what to do with commits arriving during a run, the virtual
// duration of each step, the image it builds and how its tag is made, the rules that
// make tests fail, and where the new tag is written back in the deployment repo.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/ci/yaml_edit.hpp"
#include "sim/core/clock.hpp"
#include "sim/git/types.hpp"

namespace gs::ci {

enum class Trigger {
  Webhook,  // a push to the branch starts a run at once
  Poll,     // the branch is checked every pollInterval
};

// What happens to commits that arrive while a run is going.
enum class Concurrency {
  QueueAll,   // every commit gets its run, in order
  Supersede,  // a newer commit cancels the older pending ones (GitLab's interruptible)
};

// Tests fail for a commit whose message contains `messageContains`, or that changes a
// path matching `pathGlob` (* and ?), or both when both are set.
struct TestFailureRule {
  std::string messageContains;
  std::string pathGlob;
};

// The deployment repo edit a successful run makes.
struct WriteBackSpec {
  enum class Kind {
    KustomizeImage,  // images[] entry of a kustomization.yaml: newTag (and newName/digest)
    YamlField,       // one scalar at a YAML path (e.g. a Helm values file's image.tag)
  };
  std::string repo;
  std::string branch = "main";
  std::string file;  // path in the repo, e.g. apps/web/kustomization.yaml
  Kind kind = Kind::KustomizeImage;
  std::string imageName;     // KustomizeImage: the entry's name (default: the pipeline's image)
  bool setNewName = false;   // KustomizeImage: also write newName = the pipeline's image
  bool setDigest = false;    // KustomizeImage: also write digest
  std::string field;         // YamlField: "image.tag"
  std::string valueTemplate = "{tag}";  // YamlField: {tag}, {image}, {digest}, e.g. "{image}:{tag}"
  int maxAttempts = 5;                  // pushes tried when someone else pushed meanwhile
  Duration retryDelay = std::chrono::seconds(2);
};

struct PipelineSpec {
  std::string name;
  std::string repo;
  std::string branch = "main";
  Trigger trigger = Trigger::Webhook;
  Duration pollInterval = std::chrono::seconds(60);
  Concurrency concurrency = Concurrency::QueueAll;
  Duration checkout = std::chrono::seconds(5);
  Duration build = std::chrono::seconds(60);
  Duration test = std::chrono::seconds(30);
  Duration push = std::chrono::seconds(10);
  Duration writeBackTime = std::chrono::seconds(5);
  std::string image;  // repository to push to, e.g. registry.example.com/team/web
  std::string tagTemplate = "{sha7}";
  std::vector<TestFailureRule> failTestsWhen;
  std::optional<WriteBackSpec> writeBack;
  git::Signature identity{"gitops-sim-ci", "ci@gitops-sim.invalid", 0, 0};
};

// Throws InvalidInput for a spec that cannot run (empty names, a bad image repository or
// tag template, a write-back without a file or field, ...).
void validate(const PipelineSpec& spec);

}  // namespace gs::ci
