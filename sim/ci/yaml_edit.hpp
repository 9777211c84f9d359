// Surgical edits of YAML text, for CI write-back (as Argo CD Image Updater and Flux
// image automation do): change one scalar and keep every other byte of the file:
// comments, key order, quoting, indentation. yaml-cpp's node marks locate the scalar;
// the file is never re-serialised. A missing key is added as new lines in the style of
// its mapping. Anything the edit cannot do safely is an InvalidInput error naming the
// file and the key path, never a silent rewrite. A flow mapping ({a: 1}) takes a new key
// inside its braces.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gs::ci {

// One step of a path into a YAML document: a mapping key or a sequence index.
struct YamlPathStep {
  std::string key;
  std::optional<std::size_t> index;
};
using YamlPath = std::vector<YamlPathStep>;

// "image.tag", "spec.containers[0].image", "a\.b.c" (a backslash escapes a dot).
YamlPath parseYamlPath(std::string_view text);
std::string formatYamlPath(const YamlPath& path);

// Returns `text` with the scalar at `path` set to the string `value` (quoted only when
// YAML would otherwise read it as something else, or when the old value was quoted).
// Missing mapping keys on the way are created. `file` names the file in errors.
std::string setYamlScalar(std::string_view text, const YamlPath& path, std::string_view value, std::string_view file);

// What to set on a kustomization's `images:` entry (unset fields are left alone).
struct KustomizeImageEdit {
  std::string name;  // the entry's `name:`, the image as the manifests spell it
  std::optional<std::string> newName;
  std::optional<std::string> newTag;
  std::optional<std::string> digest;
};

// Updates (or adds) the `images:` entry `edit.name` of a kustomization.yaml.
std::string setKustomizeImage(std::string_view text, const KustomizeImageEdit& edit, std::string_view file);

}  // namespace gs::ci
