// The built-in kustomize transformers gitops-sim implements, each over the resources
// accumulated so far: namespace, name prefix/suffix, labels (commonLabels and labels),
// annotations, images and replicas. Name references are fixed separately
// (name_reference.hpp), once names are final.
#pragma once

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

}  // namespace gs::render
