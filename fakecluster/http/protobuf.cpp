#include "fakecluster/http/protobuf.hpp"

#include <cstdint>
#include <map>
#include <string>

#include "fakecluster/api_error.hpp"
#include "sim/core/base64.hpp"
#include "sim/core/clock.hpp"

namespace gs::fake::http {

namespace {

constexpr std::string_view kMagic{"k8s\0", 4};

ApiError malformed(const std::string& why) { return ApiError::badRequest("malformed protobuf body: " + why); }

// -- the wire format -------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return at_ >= data_.size(); }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) throw malformed("truncated varint");
      const auto byte = static_cast<unsigned char>(data_[at_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw malformed("varint longer than 10 bytes");
  }
  std::string_view bytes() {
    const std::uint64_t size = varint();
    if (size > data_.size() - at_) throw malformed("length past the end");
    const std::string_view out = data_.substr(at_, size);
    at_ += size;
    return out;
  }
  void skip(int wireType) {
    switch (wireType) {
      case 0: varint(); break;
      case 1: advance(8); break;
      case 2: bytes(); break;
      case 5: advance(4); break;
      default: throw malformed("unsupported wire type " + std::to_string(wireType));
    }
  }

 private:
  void advance(std::size_t n) {
    if (n > data_.size() - at_) throw malformed("truncated fixed-width field");
    at_ += n;
  }
  std::string_view data_;
  std::size_t at_ = 0;
};

// -- schemas ---------------------------------------------------------------------------

enum class Type { String, Bytes, Int32, Int64, Bool, Message, MapString, MapBytes, MapQuantity, Quantity, Time, IntOrString };

struct Message;
struct Field {
  int number;
  const char* name;
  Type type;
  const Message* message = nullptr;  // for Type::Message
  bool repeated = false;
  // A pointer field in Go: written only when set, so a zero is meant. Other scalars are
  // written even when empty or zero, which JSON (omitempty) would leave out.
  bool keepZero = false;
};
struct Message {
  std::vector<Field> fields;
  const Field* find(int number) const {
    for (const auto& f : fields) {
      if (f.number == number) return &f;
    }
    return nullptr;
  }
};

Json decode(std::string_view data, const Message& schema);

std::string timeText(std::string_view data) {
  if (data.empty()) return {};  // the zero Time: left out
  Reader r(data);
  std::int64_t seconds = 0;
  while (!r.done()) {
    const std::uint64_t key = r.varint();
    if ((key >> 3) == 1 && (key & 7) == 0) seconds = static_cast<std::int64_t>(r.varint());
    else r.skip(static_cast<int>(key & 7));
  }
  return formatRfc3339(seconds);
}

// resource.Quantity: {string=1}; IntOrString: {type=1, intVal=2, strVal=3}.
Json quantity(std::string_view data) {
  Reader r(data);
  std::string text;
  while (!r.done()) {
    const std::uint64_t key = r.varint();
    if ((key >> 3) == 1 && (key & 7) == 2) text = std::string(r.bytes());
    else r.skip(static_cast<int>(key & 7));
  }
  return text;
}

Json intOrString(std::string_view data) {
  Reader r(data);
  std::int64_t type = 0, intVal = 0;
  std::string strVal;
  while (!r.done()) {
    const std::uint64_t key = r.varint();
    const int number = static_cast<int>(key >> 3);
    if (number == 1 && (key & 7) == 0) type = static_cast<std::int64_t>(r.varint());
    else if (number == 2 && (key & 7) == 0) intVal = static_cast<std::int32_t>(r.varint());
    else if (number == 3 && (key & 7) == 2) strVal = std::string(r.bytes());
    else r.skip(static_cast<int>(key & 7));
  }
  return type == 1 ? Json(strVal) : Json(intVal);
}

std::pair<std::string, std::string_view> mapEntry(std::string_view data) {
  Reader r(data);
  std::string key;
  std::string_view value;
  while (!r.done()) {
    const std::uint64_t tag = r.varint();
    if ((tag >> 3) == 1 && (tag & 7) == 2) key = std::string(r.bytes());
    else if ((tag >> 3) == 2 && (tag & 7) == 2) value = r.bytes();
    else r.skip(static_cast<int>(tag & 7));
  }
  return {key, value};
}

Json scalar(const Field& f, Reader& r, int wireType) {
  switch (f.type) {
    case Type::Int32:
      if (wireType != 0) throw malformed(std::string(f.name) + ": expected a varint");
      return static_cast<std::int32_t>(r.varint());
    case Type::Int64:
      if (wireType != 0) throw malformed(std::string(f.name) + ": expected a varint");
      return static_cast<std::int64_t>(r.varint());
    case Type::Bool:
      if (wireType != 0) throw malformed(std::string(f.name) + ": expected a varint");
      return r.varint() != 0;
    default: break;
  }
  if (wireType != 2) throw malformed(std::string(f.name) + ": expected length-delimited data");
  const std::string_view bytes = r.bytes();
  switch (f.type) {
    case Type::String: return std::string(bytes);
    case Type::Bytes: return base64Encode(bytes);
    case Type::Message: return decode(bytes, *f.message);
    case Type::Quantity: return quantity(bytes);
    case Type::Time: return timeText(bytes);
    case Type::IntOrString: return intOrString(bytes);
    default: throw malformed(std::string(f.name) + ": unexpected type");
  }
}

Json decode(std::string_view data, const Message& schema) {
  Json out = Json::object();
  Reader r(data);
  while (!r.done()) {
    const std::uint64_t key = r.varint();
    const int number = static_cast<int>(key >> 3);
    const int wireType = static_cast<int>(key & 7);
    const Field* f = schema.find(number);
    if (f == nullptr) {
      r.skip(wireType);  // a field this server does not know: left out, as a strict decoder would warn
      continue;
    }
    if (f->type == Type::MapString || f->type == Type::MapBytes || f->type == Type::MapQuantity) {
      if (wireType != 2) throw malformed(std::string(f->name) + ": expected a map entry");
      auto [k, v] = mapEntry(r.bytes());
      Json& map = out[f->name];
      if (!map.is_object()) map = Json::object();
      map[k] = f->type == Type::MapString ? Json(std::string(v)) : f->type == Type::MapBytes ? Json(base64Encode(v)) : quantity(v);
      continue;
    }
    Json value = scalar(*f, r, wireType);
    if (*f->name == '\0') {  // a Go struct embedded inline (`json:",inline"`): its members are the parent's
      for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = it.value();
      continue;
    }
    const bool zero = (value.is_string() && value.get_ref<const std::string&>().empty()) || value == Json(0) || value == Json(false);
    if (zero && !f->keepZero && !f->repeated) continue;
    if (f->repeated) out[f->name].push_back(std::move(value));
    else out[f->name] = std::move(value);
  }
  return out;
}

// The messages of the kinds kubectl's generators create (`kubectl autoscale`'s
// autoscaling/v1 HorizontalPodAutoscaler, `create role|clusterrole|rolebinding|
// clusterrolebinding|ingress|pdb`, `auth can-i|whoami` too), and the DeleteOptions and Eviction bodies
// of `kubectl drain` (field numbers from the Kubernetes generated.proto
// files).
struct Schemas {
  Message ownerReference{{{1, "kind", Type::String}, {3, "name", Type::String}, {4, "uid", Type::String}, {5, "apiVersion", Type::String},
                          {6, "controller", Type::Bool}, {7, "blockOwnerDeletion", Type::Bool}}};
  Message objectMeta{{{1, "name", Type::String}, {2, "generateName", Type::String}, {3, "namespace", Type::String}, {5, "uid", Type::String},
                      {6, "resourceVersion", Type::String}, {7, "generation", Type::Int64}, {8, "creationTimestamp", Type::Time},
                      {11, "labels", Type::MapString}, {12, "annotations", Type::MapString}, {13, "ownerReferences", Type::Message, &ownerReference, true},
                      {14, "finalizers", Type::String, nullptr, true}}};
  Message selectorRequirement{{{1, "key", Type::String}, {2, "operator", Type::String}, {3, "values", Type::String, nullptr, true}}};
  Message labelSelector{{{1, "matchLabels", Type::MapString}, {2, "matchExpressions", Type::Message, &selectorRequirement, true}}};
  Message containerPort{{{1, "name", Type::String}, {2, "hostPort", Type::Int32}, {3, "containerPort", Type::Int32}, {4, "protocol", Type::String},
                         {5, "hostIP", Type::String}}};
  Message envVar{{{1, "name", Type::String}, {2, "value", Type::String}}};
  Message resources{{{1, "limits", Type::MapQuantity}, {2, "requests", Type::MapQuantity}}};
  Message container{{{1, "name", Type::String}, {2, "image", Type::String}, {3, "command", Type::String, nullptr, true},
                     {4, "args", Type::String, nullptr, true}, {5, "workingDir", Type::String}, {6, "ports", Type::Message, &containerPort, true},
                     {7, "env", Type::Message, &envVar, true}, {8, "resources", Type::Message, &resources}, {13, "terminationMessagePath", Type::String},
                     {14, "imagePullPolicy", Type::String}, {16, "stdin", Type::Bool}, {17, "stdinOnce", Type::Bool}, {18, "tty", Type::Bool},
                     {20, "terminationMessagePolicy", Type::String}}};
  Message podSpec{{{2, "containers", Type::Message, &container, true}, {3, "restartPolicy", Type::String},
                   {4, "terminationGracePeriodSeconds", Type::Int64, nullptr, false, true}, {5, "activeDeadlineSeconds", Type::Int64, nullptr, false, true}, {6, "dnsPolicy", Type::String},
                   {7, "nodeSelector", Type::MapString}, {8, "serviceAccountName", Type::String}, {10, "nodeName", Type::String},
                   {16, "hostname", Type::String}, {17, "subdomain", Type::String}, {19, "schedulerName", Type::String},
                   {20, "initContainers", Type::Message, &container, true}, {25, "priority", Type::Int32, nullptr, false, true}, {30, "enableServiceLinks", Type::Bool, nullptr, false, true}}};
  Message podTemplateSpec{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &podSpec}}};
  Message empty{{}};
  Message pod{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &podSpec}, {3, "status", Type::Message, &empty}}};
  Message namespaceSpec{{{1, "finalizers", Type::String, nullptr, true}}};
  Message namespace_{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &namespaceSpec}, {3, "status", Type::Message, &empty}}};
  Message configMap{{{1, "metadata", Type::Message, &objectMeta}, {2, "data", Type::MapString}, {3, "binaryData", Type::MapBytes},
                     {4, "immutable", Type::Bool, nullptr, false, true}}};
  Message secret{{{1, "metadata", Type::Message, &objectMeta}, {2, "data", Type::MapBytes}, {3, "type", Type::String}, {4, "stringData", Type::MapString},
                  {5, "immutable", Type::Bool, nullptr, false, true}}};
  Message serviceAccount{{{1, "metadata", Type::Message, &objectMeta}}};
  Message servicePort{{{1, "name", Type::String}, {2, "protocol", Type::String}, {3, "port", Type::Int32}, {4, "targetPort", Type::IntOrString},
                       {5, "nodePort", Type::Int32}, {6, "appProtocol", Type::String}}};
  Message serviceSpec{{{1, "ports", Type::Message, &servicePort, true}, {2, "selector", Type::MapString}, {3, "clusterIP", Type::String},
                       {4, "type", Type::String}, {5, "externalIPs", Type::String, nullptr, true}, {7, "sessionAffinity", Type::String},
                       {10, "externalName", Type::String}}};
  Message service{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &serviceSpec}, {3, "status", Type::Message, &empty}}};
  Message rollingUpdate{{{1, "maxUnavailable", Type::IntOrString}, {2, "maxSurge", Type::IntOrString}}};
  Message strategy{{{1, "type", Type::String}, {2, "rollingUpdate", Type::Message, &rollingUpdate}}};
  Message deploymentSpec{{{1, "replicas", Type::Int32, nullptr, false, true}, {2, "selector", Type::Message, &labelSelector}, {3, "template", Type::Message, &podTemplateSpec},
                          {4, "strategy", Type::Message, &strategy}, {5, "minReadySeconds", Type::Int32}, {6, "revisionHistoryLimit", Type::Int32, nullptr, false, true},
                          {7, "paused", Type::Bool}, {9, "progressDeadlineSeconds", Type::Int32, nullptr, false, true}}};
  Message deployment{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &deploymentSpec}, {3, "status", Type::Message, &empty}}};
  Message jobSpec{{{1, "parallelism", Type::Int32, nullptr, false, true}, {2, "completions", Type::Int32, nullptr, false, true}, {3, "activeDeadlineSeconds", Type::Int64, nullptr, false, true},
                   {4, "selector", Type::Message, &labelSelector}, {5, "manualSelector", Type::Bool, nullptr, false, true}, {6, "template", Type::Message, &podTemplateSpec},
                   {7, "backoffLimit", Type::Int32, nullptr, false, true}, {8, "ttlSecondsAfterFinished", Type::Int32, nullptr, false, true}}};
  Message job{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &jobSpec}, {3, "status", Type::Message, &empty}}};
  Message jobTemplate{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &jobSpec}}};
  Message cronJobSpec{{{1, "schedule", Type::String}, {2, "startingDeadlineSeconds", Type::Int64, nullptr, false, true}, {3, "concurrencyPolicy", Type::String},
                       {4, "suspend", Type::Bool, nullptr, false, true}, {5, "jobTemplate", Type::Message, &jobTemplate}, {6, "successfulJobsHistoryLimit", Type::Int32, nullptr, false, true},
                       {7, "failedJobsHistoryLimit", Type::Int32, nullptr, false, true}, {8, "timeZone", Type::String, nullptr, false, true}}};
  Message cronJob{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &cronJobSpec}, {3, "status", Type::Message, &empty}}};

  Message policyRule{{{1, "verbs", Type::String, nullptr, true}, {2, "apiGroups", Type::String, nullptr, true},
                      {3, "resources", Type::String, nullptr, true}, {4, "resourceNames", Type::String, nullptr, true},
                      {5, "nonResourceURLs", Type::String, nullptr, true}}};
  Message aggregationRule{{{1, "clusterRoleSelectors", Type::Message, &labelSelector, true}}};
  Message role{{{1, "metadata", Type::Message, &objectMeta}, {2, "rules", Type::Message, &policyRule, true}}};
  Message clusterRole{{{1, "metadata", Type::Message, &objectMeta}, {2, "rules", Type::Message, &policyRule, true},
                       {3, "aggregationRule", Type::Message, &aggregationRule}}};
  Message subject{{{1, "kind", Type::String}, {2, "apiGroup", Type::String}, {3, "name", Type::String}, {4, "namespace", Type::String}}};
  Message roleRef{{{1, "apiGroup", Type::String}, {2, "kind", Type::String}, {3, "name", Type::String}}};
  Message roleBinding{{{1, "metadata", Type::Message, &objectMeta}, {2, "subjects", Type::Message, &subject, true}, {3, "roleRef", Type::Message, &roleRef}}};
  Message serviceBackendPort{{{1, "name", Type::String}, {2, "number", Type::Int32}}};
  Message ingressServiceBackend{{{1, "name", Type::String}, {2, "port", Type::Message, &serviceBackendPort}}};
  Message typedLocalObjectReference{{{1, "apiGroup", Type::String, nullptr, false, true}, {2, "kind", Type::String}, {3, "name", Type::String}}};
  Message ingressBackend{{{3, "resource", Type::Message, &typedLocalObjectReference}, {4, "service", Type::Message, &ingressServiceBackend}}};
  Message httpIngressPath{{{1, "path", Type::String}, {2, "backend", Type::Message, &ingressBackend}, {3, "pathType", Type::String}}};
  Message httpIngressRuleValue{{{1, "paths", Type::Message, &httpIngressPath, true}}};
  Message ingressRuleValue{{{1, "http", Type::Message, &httpIngressRuleValue}}};
  Message ingressRule{{{1, "host", Type::String}, {2, "", Type::Message, &ingressRuleValue}}};
  Message ingressTls{{{1, "hosts", Type::String, nullptr, true}, {2, "secretName", Type::String}}};
  Message ingressSpec{{{1, "defaultBackend", Type::Message, &ingressBackend}, {2, "tls", Type::Message, &ingressTls, true},
                       {3, "rules", Type::Message, &ingressRule, true}, {4, "ingressClassName", Type::String, nullptr, false, true}}};
  Message ingress{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &ingressSpec}, {3, "status", Type::Message, &empty}}};
  Message pdbSpec{{{1, "minAvailable", Type::IntOrString}, {2, "selector", Type::Message, &labelSelector}, {3, "maxUnavailable", Type::IntOrString},
                   {4, "unhealthyPodEvictionPolicy", Type::String, nullptr, false, true}}};
  Message podDisruptionBudget{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &pdbSpec}, {3, "status", Type::Message, &empty}}};
  Message resourceAttributes{{{1, "namespace", Type::String}, {2, "verb", Type::String}, {3, "group", Type::String}, {4, "version", Type::String},
                              {5, "resource", Type::String}, {6, "subresource", Type::String}, {7, "name", Type::String}}};
  Message nonResourceAttributes{{{1, "path", Type::String}, {2, "verb", Type::String}}};
  Message accessReviewSpec{{{1, "resourceAttributes", Type::Message, &resourceAttributes}, {2, "nonResourceAttributes", Type::Message, &nonResourceAttributes}}};
  Message accessReview{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &accessReviewSpec}, {3, "status", Type::Message, &empty}}};
  Message rulesReviewSpec{{{1, "namespace", Type::String}}};
  Message rulesReview{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &rulesReviewSpec}, {3, "status", Type::Message, &empty}}};
  Message subjectReview{{{1, "metadata", Type::Message, &objectMeta}, {2, "status", Type::Message, &empty}}};
  Message crossVersionObjectReference{{{1, "kind", Type::String}, {2, "name", Type::String}, {3, "apiVersion", Type::String}}};
  Message hpaSpecV1{{{1, "scaleTargetRef", Type::Message, &crossVersionObjectReference}, {2, "minReplicas", Type::Int32, nullptr, false, true},
                     {3, "maxReplicas", Type::Int32, nullptr, false, true}, {4, "targetCPUUtilizationPercentage", Type::Int32, nullptr, false, true}}};
  Message hpaV1{{{1, "metadata", Type::Message, &objectMeta}, {2, "spec", Type::Message, &hpaSpecV1}, {3, "status", Type::Message, &empty}}};
  Message preconditions{{{1, "uid", Type::String}, {2, "resourceVersion", Type::String}}};
  Message deleteOptions{{{1, "gracePeriodSeconds", Type::Int64, nullptr, false, true}, {2, "preconditions", Type::Message, &preconditions},
                         {3, "orphanDependents", Type::Bool, nullptr, false, true}, {4, "propagationPolicy", Type::String},
                         {5, "dryRun", Type::String, nullptr, true}}};
  Message eviction{{{1, "metadata", Type::Message, &objectMeta}, {2, "deleteOptions", Type::Message, &deleteOptions}}};

  // "apiVersion/Kind" -> message
  const Message* forKind(const std::string& apiVersion, const std::string& kind) const {
    static const std::map<std::string, const Message Schemas::*> kinds = {
        {"v1/Namespace", &Schemas::namespace_}, {"v1/ConfigMap", &Schemas::configMap},     {"v1/Secret", &Schemas::secret},
        {"v1/ServiceAccount", &Schemas::serviceAccount}, {"v1/Pod", &Schemas::pod},       {"v1/Service", &Schemas::service},
        {"apps/v1/Deployment", &Schemas::deployment},    {"batch/v1/Job", &Schemas::job}, {"batch/v1/CronJob", &Schemas::cronJob},
        {"v1/DeleteOptions", &Schemas::deleteOptions},   {"meta.k8s.io/v1/DeleteOptions", &Schemas::deleteOptions},
        {"policy/v1/Eviction", &Schemas::eviction},      {"policy/v1beta1/Eviction", &Schemas::eviction},
        {"autoscaling/v1/HorizontalPodAutoscaler", &Schemas::hpaV1},
        {"rbac.authorization.k8s.io/v1/Role", &Schemas::role},             {"rbac.authorization.k8s.io/v1/ClusterRole", &Schemas::clusterRole},
        {"rbac.authorization.k8s.io/v1/RoleBinding", &Schemas::roleBinding}, {"rbac.authorization.k8s.io/v1/ClusterRoleBinding", &Schemas::roleBinding},
        {"networking.k8s.io/v1/Ingress", &Schemas::ingress},
        {"policy/v1/PodDisruptionBudget", &Schemas::podDisruptionBudget},
        {"authorization.k8s.io/v1/SelfSubjectAccessReview", &Schemas::accessReview},
        {"authorization.k8s.io/v1/SelfSubjectRulesReview", &Schemas::rulesReview},
        {"authentication.k8s.io/v1/SelfSubjectReview", &Schemas::subjectReview},
    };
    auto it = kinds.find(apiVersion + "/" + kind);
    return it == kinds.end() ? nullptr : &(this->*(it->second));
  }
};

const Schemas& schemas() {
  static const Schemas s;
  return s;
}

// Empty messages decode to {}; drop those the JSON form leaves out (status, and empty
// selectors a generator never set), so admission sees what a JSON client would send.
void dropEmpty(Json& object) {
  if (!object.is_object()) return;
  for (auto it = object.begin(); it != object.end();) {
    dropEmpty(it.value());
    if (it.value().is_object() && it.value().empty() && it.key() != "spec" && it.key() != "resources" && it.key() != "metadata") it = object.erase(it);
    else ++it;
  }
}

}  // namespace

bool isKubernetesProtobuf(std::string_view body) { return body.substr(0, kMagic.size()) == kMagic; }

Json decodeKubernetesProtobuf(std::string_view body) {
  if (!isKubernetesProtobuf(body)) throw malformed("it does not start with the \"k8s\\0\" prefix");
  // runtime.Unknown: typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4.
  Reader r(body.substr(kMagic.size()));
  std::string apiVersion, kind;
  std::string_view raw;
  while (!r.done()) {
    const std::uint64_t key = r.varint();
    const int number = static_cast<int>(key >> 3);
    if (number == 1 && (key & 7) == 2) {
      Reader meta(r.bytes());
      while (!meta.done()) {
        const std::uint64_t k = meta.varint();
        if ((k >> 3) == 1 && (k & 7) == 2) apiVersion = std::string(meta.bytes());
        else if ((k >> 3) == 2 && (k & 7) == 2) kind = std::string(meta.bytes());
        else meta.skip(static_cast<int>(k & 7));
      }
    } else if (number == 2 && (key & 7) == 2) {
      raw = r.bytes();
    } else if (number == 3 && (key & 7) == 2) {
      if (!r.bytes().empty()) throw ApiError(415, "UnsupportedMediaType", "compressed protobuf bodies are not supported; send JSON");
    } else {
      r.skip(static_cast<int>(key & 7));
    }
  }
  const Message* schema = schemas().forKind(apiVersion, kind);
  if (schema == nullptr) {
    throw ApiError(415, "UnsupportedMediaType",
                   "this server decodes protobuf bodies only for the kinds kubectl's generators create and for DeleteOptions and Eviction (" + (apiVersion + "/" + kind) +
                       " is not one); send it as JSON (e.g. kubectl create -f / apply -f)");
  }
  Json object = decode(raw, *schema);
  dropEmpty(object);
  Json out{{"apiVersion", apiVersion}, {"kind", kind}};
  for (auto& [k, v] : object.items()) out[k] = std::move(v);
  return out;
}

}  // namespace gs::fake::http
