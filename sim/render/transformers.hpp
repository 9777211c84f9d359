// The built-in kustomize transformers gitops-sim implements, each over the resources
// accumulated so far: namespace, name prefix/suffix, labels (commonLabels and labels),
// annotations, images and replicas. Name references are fixed separately
// (name_reference.hpp), once names are final.
#pragma once

#include <vector>

#include "sim/render/kustomization.hpp"
#include "sim/render/resource.hpp"

namespace gs::render {

using Resources = std::vector<Resource>;

void setNamespace(Resources& resources, const std::string& ns);
// kustomize's notion of cluster-scoped: exact (apiVersion, kind) pairs of built-in types.
bool kustomizeClusterScoped(const std::string& apiVersion, const std::string& kind);
void addNamePrefixSuffix(Resources& resources, const std::string& prefix, const std::string& suffix);
// commonLabels: every label path, selectors and templates included.
void addCommonLabels(Resources& resources, const StringMap& labels);
// labels: metadata always; templates and selectors on request.
void addLabels(Resources& resources, const LabelSpec& spec);
void addAnnotations(Resources& resources, const StringMap& annotations);
void setImages(Resources& resources, const std::vector<ImageSpec>& images);
void setReplicas(Resources& resources, const std::vector<ReplicaSpec>& replicas, const Kustomization& k);

}  // namespace gs::render
