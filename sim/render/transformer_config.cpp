#include "sim/render/transformer_config.hpp"

#include <algorithm>

#include "sim/render/strict_reader.hpp"

namespace gs::render {

namespace {

// `spec` selects objects of `gvk`'s kinds at least (kyaml's Gvk.IsSelected: the
// selector's empty fields match anything).
bool selectedBy(const FieldSpec& spec, const FieldSpec& selector) {
  return (selector.group.empty() || selector.group == spec.group) && (selector.version.empty() || selector.version == spec.version) &&
         (selector.kind.empty() || selector.kind == spec.kind);
}

// kustomize's FieldSpec.effectivelyEquals as kubectl's kustomize applies it: the same
// path, and the incoming spec's kinds selected by the existing spec (a kind-less built-in
// spec covers a spec for one kind; a differing `create` is then a conflict).
const FieldSpec* covering(const std::vector<FieldSpec>& specs, const FieldSpec& incoming) {
  for (const auto& existing : specs) {
    if (existing.path == incoming.path && selectedBy(incoming, existing)) return &existing;
  }
  return nullptr;
}

}  // namespace

std::vector<FieldSpec> parseFieldSpecs(const StrictReader& r, const Json& v, const std::string& pointer) {
  std::vector<FieldSpec> out;
  if (v.is_null()) return out;
  if (!v.is_array()) r.fail(pointer, "expected a list of field specs");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string p = pointer + "/" + std::to_string(i);
    const Json& e = v[i];
    r.onlyKeys(e, p, {"group", "version", "kind", "path", "create"});
    FieldSpec spec;
    spec.group = r.optionalString(e, "group", p);
    spec.version = r.optionalString(e, "version", p);
    spec.kind = r.optionalString(e, "kind", p);
    spec.path = r.optionalString(e, "path", p);
    if (spec.path.empty()) r.fail(p, "a field spec needs a path");
    if (e.contains("create")) spec.create = r.boolean(e["create"], p + "/create");
    out.push_back(std::move(spec));
  }
  return out;
}

namespace {

FieldSpec spec(const char* kind, const char* path) { return FieldSpec{"", "", kind, path, false}; }

}  // namespace

std::vector<FieldSpec> mergeFieldSpecs(std::vector<FieldSpec> base, const std::vector<FieldSpec>& incoming) {
  for (const auto& spec : incoming) {
    if (const FieldSpec* existing = covering(base, spec)) {
      if (existing->create != spec.create) {
        throw Error::invalid("conflicting fieldspecs: " + existing->path + " (" + (existing->kind.empty() ? "any kind" : existing->kind) +
                             ") is given with create " + (existing->create ? "true" : "false") + " and with create " +
                             (spec.create ? "true" : "false"));
      }
      continue;
    }
    base.push_back(spec);
  }
  return base;
}

std::vector<FieldSpec> extraSpecs(const std::vector<FieldSpec>& builtin, const std::vector<FieldSpec>& custom) {
  std::vector<FieldSpec> merged = mergeFieldSpecs(builtin, custom);
  return std::vector<FieldSpec>(merged.begin() + static_cast<std::ptrdiff_t>(builtin.size()), merged.end());
}

void TransformerConfig::merge(const TransformerConfig& other) {
  namePrefix = mergeFieldSpecs(std::move(namePrefix), other.namePrefix);
  nameSuffix = mergeFieldSpecs(std::move(nameSuffix), other.nameSuffix);
  namespace_ = mergeFieldSpecs(std::move(namespace_), other.namespace_);
  commonLabels = mergeFieldSpecs(std::move(commonLabels), other.commonLabels);
  templateLabels = mergeFieldSpecs(std::move(templateLabels), other.templateLabels);
  commonAnnotations = mergeFieldSpecs(std::move(commonAnnotations), other.commonAnnotations);
  varReference = mergeFieldSpecs(std::move(varReference), other.varReference);
  images = mergeFieldSpecs(std::move(images), other.images);
  replicas = mergeFieldSpecs(std::move(replicas), other.replicas);
  for (const auto& ref : other.nameReference) {
    auto same = std::find_if(nameReference.begin(), nameReference.end(), [&](const NameReferenceConfig& r) {
      return r.group == ref.group && r.version == ref.version && r.kind == ref.kind;
    });
    if (same == nameReference.end()) {
      nameReference.push_back(ref);
    } else {
      same->fieldSpecs = mergeFieldSpecs(std::move(same->fieldSpecs), ref.fieldSpecs);
    }
  }
}

TransformerConfig parseTransformerConfig(std::string_view text, const std::string& file) {
  StrictDocument doc = loadStrictDocument(text, file);
  TransformerConfig config;
  if (doc.value.is_null()) return config;
  const StrictReader& r = doc.reader;
  r.onlyKeys(doc.value, "",
             {"namePrefix", "nameSuffix", "namespace", "commonLabels", "templateLabels", "commonAnnotations", "nameReference",
              "varReference", "images", "replicas"});
  for (auto it = doc.value.begin(); it != doc.value.end(); ++it) {
    const std::string& key = it.key();
    const std::string p = "/" + key;
    if (key == "nameReference") {
      if (it->is_null()) continue;
      if (!it->is_array()) r.fail(p, "expected a list of name references");
      for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string q = p + "/" + std::to_string(i);
        const Json& e = (*it)[i];
        r.onlyKeys(e, q, {"group", "version", "kind", "fieldSpecs"});
        NameReferenceConfig ref;
        ref.group = r.optionalString(e, "group", q);
        ref.version = r.optionalString(e, "version", q);
        ref.kind = r.optionalString(e, "kind", q);
        if (e.contains("fieldSpecs")) ref.fieldSpecs = parseFieldSpecs(r, e["fieldSpecs"], q + "/fieldSpecs");
        TransformerConfig one;
        one.nameReference.push_back(std::move(ref));
        config.merge(one);
      }
      continue;
    }
    std::vector<FieldSpec> specs = parseFieldSpecs(r, *it, p);
    std::vector<FieldSpec>* into = key == "namePrefix"          ? &config.namePrefix
                                   : key == "nameSuffix"        ? &config.nameSuffix
                                   : key == "namespace"         ? &config.namespace_
                                   : key == "commonLabels"      ? &config.commonLabels
                                   : key == "templateLabels"    ? &config.templateLabels
                                   : key == "commonAnnotations" ? &config.commonAnnotations
                                   : key == "varReference"      ? &config.varReference
                                   : key == "images"            ? &config.images
                                                                : &config.replicas;
    try {
      *into = mergeFieldSpecs(std::move(*into), specs);
    } catch (const Error& e) {
      r.fail(p, e.message());
    }
  }
  return config;
}

const std::vector<FieldSpec>& varReferenceSpecs() {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> out;
    // kustomize's varreference.go, in its order.
    const std::pair<const char*, const char*> podHolders[] = {
        {"CronJob", "spec/jobTemplate/spec/template/spec/"}, {"DaemonSet", "spec/template/spec/"}, {"Deployment", "spec/template/spec/"},
        {"Ingress", nullptr},                                {"Job", "spec/template/spec/"},       {"Pod", "spec/"},
        {"ReplicaSet", "spec/template/spec/"},               {"Service", nullptr},                 {"StatefulSet", "spec/template/spec/"},
    };
    for (const auto& [kind, at] : podHolders) {
      if (at == nullptr) {
        if (std::string(kind) == "Ingress") {
          for (const char* path : {"spec/rules/host", "spec/tls/hosts", "spec/tls/secretName"}) out.push_back(spec(kind, path));
        } else {
          for (const char* path : {"spec/ports/port", "spec/ports/targetPort"}) out.push_back(spec(kind, path));
        }
        continue;
      }
      for (const char* list : {"containers", "initContainers"}) {
        for (const char* field : {"args", "command", "env/value", "volumeMounts/mountPath"}) {
          out.push_back(spec(kind, (std::string(at) + list + "/" + field).c_str()));
        }
      }
      // (kustomize's CronJob entry misses the template's "spec/": spec/jobTemplate/spec/template/volumes.)
      const std::string k = kind;
      out.push_back(spec(kind, k == "StatefulSet" ? "spec/volumeClaimTemplates/spec/nfs/server"
                               : k == "CronJob"   ? "spec/jobTemplate/spec/template/volumes/nfs/server"
                                                  : (std::string(at) + "volumes/nfs/server").c_str()));
      if (k == "Deployment") out.push_back(spec(kind, "spec/template/metadata/annotations"));
    }
    out.push_back(spec("PersistentVolume", "spec/nfs/server"));
    out.push_back(spec("", "metadata/labels"));
    out.push_back(spec("", "metadata/annotations"));
    return out;
  }();
  return specs;
}

}  // namespace gs::render
