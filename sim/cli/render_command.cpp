#include "sim/cli/render_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/core/error.hpp"
#include "sim/core/yaml.hpp"
#include "sim/git/repository.hpp"
#include "sim/render/renderer.hpp"

namespace gs::cli {
namespace {

namespace fs = std::filesystem;

struct RenderArgs {
  std::string dir;
  std::string repo;
  std::string revision = "HEAD";
  std::string path;
  render::RenderOptions options;
  std::string output = "yaml";
};

// The folder a directory render may read from: the enclosing Git work tree (so a
// kustomization can use ../base), else the file-system root.
fs::path sourceRoot(const fs::path& dir) {
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p / ".git", ec)) return p;
    if (p == p.root_path()) break;
  }
  return dir.root_path();
}

int run(const RenderArgs& args) {
  std::vector<Json> objects;
  if (!args.repo.empty()) {
    if (!args.dir.empty()) throw Error::invalid("give either DIR or --repo with --path, not both");
    git::Repository repo = git::Repository::open(args.repo);
    render::RenderCache cache;
    objects = *cache.render(repo, args.revision, args.path.empty() ? "." : args.path, args.options);
  } else {
    if (args.dir.empty()) throw Error::invalid("give a directory to render, or --repo PATH --path APP");
    std::error_code ec;
    fs::path dir = fs::weakly_canonical(fs::absolute(args.dir), ec);
    if (ec || !fs::is_directory(dir)) throw Error::invalid(args.dir + ": not a directory");
    const fs::path root = sourceRoot(dir);
    render::DiskSource source(root);
    objects = render::render(source, fs::relative(dir, root).generic_string() == "." ? "" : fs::relative(dir, root).generic_string(),
                             args.options);
  }
  if (args.output == "json") {
    std::cout << Json(objects).dump(2) << '\n';
  } else {
    YamlEmitOptions emit;
    emit.kubernetesKeyOrder = false;  // kustomize sorts every key
    std::cout << toYamlStream(objects, emit);
  }
  return kExitOk;
}

}  // namespace

std::function<int()> addRenderCommand(CLI::App& app) {
  auto args = std::make_shared<RenderArgs>();
  CLI::App* cmd = app.add_subcommand("render", "Render an app's desired objects (kustomize or plain YAML) as kubectl kustomize prints them");
  cmd->add_option("dir", args->dir, "App directory on disk");
  cmd->add_option("--repo", args->repo, "A Git repository (bare or not) to render from instead of the disk");
  cmd->add_option("--revision", args->revision, "Branch, tag or SHA to render (with --repo)");
  cmd->add_option("--path", args->path, "App path inside the repository (with --repo)");
  cmd->add_flag("--recurse", args->options.recurse, "Plain directories: include subdirectories");
  cmd->add_option("--include", args->options.include, "Plain directories: only files matching this glob");
  cmd->add_option("--exclude", args->options.exclude, "Plain directories: leave out files matching this glob");
  cmd->add_option("-o,--output", args->output, "yaml or json")->check(CLI::IsMember({"yaml", "json"}));
  return [args] { return run(*args); };
}

}  // namespace gs::cli
