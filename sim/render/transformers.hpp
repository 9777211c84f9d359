// The built-in kustomize transformers gitops-sim implements, each over the resources
// accumulated so far: namespace, name prefix/suffix, labels (commonLabels and labels),
// annotations, images and replicas. Name references are fixed separately
// (name_reference.hpp), once names are final.
#pragma once

#include <functional>
#include <vector>

#include "sim/render/kustomization.hpp"
#include "sim/render/resource.hpp"
#include "sim/render/transformer_config.hpp"

namespace gs::render {

using Resources = std::vector<Resource>;

// Throws InvalidInput when `config` gives a built-in field again with another `create`
// (kustomize merges its defaults first, and refuses such a configuration).
void checkAgainstBuiltins(const TransformerConfig& config);

// Each transformer also honours the extra field specs of `config` (the `configurations`
// files of the kustomization and of everything it accumulated).
void setNamespace(Resources& resources, const std::string& ns, const TransformerConfig& config);
// kustomize's notion of cluster-scoped: exact (apiVersion, kind) pairs of built-in types.
bool kustomizeClusterScoped(const std::string& apiVersion, const std::string& kind);
void addNamePrefixSuffix(Resources& resources, const std::string& prefix, const std::string& suffix, const TransformerConfig& config);
// commonLabels: every label path, selectors and templates included.
void addCommonLabels(Resources& resources, const StringMap& labels, const TransformerConfig& config);
// labels: metadata always; templates and selectors on request.
void addLabels(Resources& resources, const LabelSpec& spec, const TransformerConfig& config);
void addAnnotations(Resources& resources, const StringMap& annotations, const TransformerConfig& config);
void setImages(Resources& resources, const std::vector<ImageSpec>& images, const TransformerConfig& config);
void setReplicas(Resources& resources, const std::vector<ReplicaSpec>& replicas, const Kustomization& k, const TransformerConfig& config);

// The same transformers with exactly the field specs given (the built-in plugins of a
// `transformers` entry bring their own; the fields above merge kustomize's tables in).

// Sets every pair in the map at each spec's path (labels, annotations).
void setFieldPairs(Resources& resources, const std::vector<FieldSpec>& specs, const StringMap& pairs);

// kustomize's namespace filter: metadata.namespace of namespaced kinds always, binding
// subjects by `subjects` mode ("" or defaultOnly: those named default; allServiceAccounts;
// none), then the other specs (metadata/name only for apiVersion v1, as kustomize does).
// With unsetOnly, only empty fields are set.
struct NamespaceChange {
  std::string ns;
  std::vector<FieldSpec> specs;
  bool unsetOnly = false;
  std::string subjects;
};
void changeNamespace(Resources& resources, const NamespaceChange& change);
// Objects a namespace change gave one id (namesakes from two namespaces): kustomize's
// "namespace transformation produces ID conflict", built by `error`.
void refuseNamespaceIdConflicts(const Resources& resources, const std::function<Error(const std::string& message)>& error);

// kustomize's PrefixTransformer (isPrefix) or SuffixTransformer: a metadata/name spec
// renames the objects it selects (CRDs, Namespaces and APIServices never), every other
// spec gets the affix on its scalar values.
void addAffix(Resources& resources, const std::string& affix, bool isPrefix, const std::vector<FieldSpec>& specs);

// One image: every containers / initContainers list at any depth (CRDs aside), then each
// spec's field, as kustomize's ImageTagTransformer runs its legacy and field-spec filters.
void setImage(Resources& resources, const ImageSpec& image, const std::vector<FieldSpec>& specs);

// Sets the count at each spec's field of the objects that have had the name; false when
// none was found.
bool setReplica(Resources& resources, const ReplicaSpec& replica, const std::vector<FieldSpec>& specs);

}  // namespace gs::render
