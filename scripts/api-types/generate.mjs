// Writes sim/kube/api_types_table.cpp: the typed shape of every Kubernetes v1.32 API
// struct, as the API server's Go decoder sees it, from the models @kubernetes/client-node
// 1.1.0 generates from Kubernetes v1.32.0's OpenAPI document. Run `npm ci && npm run
// generate` here after changing the version; the output is committed.
//
// Table format (one text block, parsed once by sim/kube/api_types.cpp):
//   @<Class> <GoName>          a struct; <Class> is the model's name (V1EnvVar,
//                              CoreV1Event), <GoName> what Go's errors print (v1.EnvVar)
//   <json name> <type>         one field per line; " omitzero" after the type marks a
//                              scalar Go omits when zero (omitempty, not a pointer)
// Types: string bool int32 int64 float64 intstr quantity time microtime bytes any,
// string=<GoName> (a named string type),
// another struct's <Class>, []<type> (a slice), map[<type>] (a map with string keys).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const modelsDir = path.join(path.dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist', 'gen', 'models');

// OpenAPI types every resource.Quantity field as a string (or a map of strings); these
// are the fields whose schema is io.k8s.apimachinery.pkg.api.resource.Quantity (found by
// checking which string fields kubernetes-models' validators accept numbers for).
const quantityFields = new Set([
  'V1CSIStorageCapacity.capacity', 'V1CSIStorageCapacity.maximumVolumeSize', 'V1ContainerStatus.allocatedResources',
  'V1EmptyDirVolumeSource.sizeLimit', 'V1LimitRangeItem.default', 'V1LimitRangeItem.defaultRequest', 'V1LimitRangeItem.max',
  'V1LimitRangeItem.maxLimitRequestRatio', 'V1LimitRangeItem.min', 'V1NodeStatus.allocatable', 'V1NodeStatus.capacity',
  'V1Overhead.podFixed', 'V1PersistentVolumeClaimStatus.allocatedResources', 'V1PersistentVolumeClaimStatus.capacity',
  'V1PersistentVolumeSpec.capacity', 'V1PodSpec.overhead', 'V1ResourceFieldSelector.divisor', 'V1ResourceQuotaSpec.hard',
  'V1ResourceQuotaStatus.hard', 'V1ResourceQuotaStatus.used', 'V1ResourceRequirements.limits', 'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits', 'V1VolumeResourceRequirements.requests', 'V2MetricTarget.averageValue',
  'V2MetricTarget.value', 'V2MetricValueStatus.averageValue', 'V2MetricValueStatus.value',
]);

// String fields whose Go type is a named string type: Go's decode errors print that name
// ("... Container.spec.containers.imagePullPolicy of type v1.PullPolicy"). The fields
// manifests set, from k8s.io/api v1.32's types.go files (pointers and slice elements
// print their element's name).
const namedStrings = {
  'V1Container.imagePullPolicy': 'v1.PullPolicy', 'V1Container.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'V1Container.restartPolicy': 'v1.ContainerRestartPolicy', 'V1EphemeralContainer.imagePullPolicy': 'v1.PullPolicy',
  'V1EphemeralContainer.terminationMessagePolicy': 'v1.TerminationMessagePolicy', 'V1EphemeralContainer.restartPolicy': 'v1.ContainerRestartPolicy',
  'V1ContainerPort.protocol': 'v1.Protocol', 'V1ServicePort.protocol': 'v1.Protocol', 'CoreV1EndpointPort.protocol': 'v1.Protocol',
  'DiscoveryV1EndpointPort.protocol': 'v1.Protocol', 'V1NetworkPolicyPort.protocol': 'v1.Protocol',
  'V1PodSpec.restartPolicy': 'v1.RestartPolicy', 'V1PodSpec.dnsPolicy': 'v1.DNSPolicy', 'V1PodSpec.preemptionPolicy': 'v1.PreemptionPolicy',
  'V1ServiceSpec.type': 'v1.ServiceType', 'V1ServiceSpec.sessionAffinity': 'v1.ServiceAffinity',
  'V1ServiceSpec.externalTrafficPolicy': 'v1.ServiceExternalTrafficPolicy', 'V1ServiceSpec.internalTrafficPolicy': 'v1.ServiceInternalTrafficPolicy',
  'V1ServiceSpec.ipFamilies': 'v1.IPFamily', 'V1ServiceSpec.ipFamilyPolicy': 'v1.IPFamilyPolicy', 'V1Secret.type': 'v1.SecretType',
  'V1PersistentVolumeClaimSpec.accessModes': 'v1.PersistentVolumeAccessMode', 'V1PersistentVolumeClaimSpec.volumeMode': 'v1.PersistentVolumeMode',
  'V1PersistentVolumeSpec.accessModes': 'v1.PersistentVolumeAccessMode', 'V1PersistentVolumeSpec.volumeMode': 'v1.PersistentVolumeMode',
  'V1PersistentVolumeSpec.persistentVolumeReclaimPolicy': 'v1.PersistentVolumeReclaimPolicy',
  'V1Taint.effect': 'v1.TaintEffect', 'V1Toleration.effect': 'v1.TaintEffect', 'V1Toleration.operator': 'v1.TolerationOperator',
  'V1NodeSelectorRequirement.operator': 'v1.NodeSelectorOperator', 'V1HTTPGetAction.scheme': 'v1.URIScheme',
  'V1VolumeMount.mountPropagation': 'v1.MountPropagationMode', 'V1HostPathVolumeSource.type': 'v1.HostPathType',
  'V1EmptyDirVolumeSource.medium': 'v1.StorageMedium', 'V1Capabilities.add': 'v1.Capability', 'V1Capabilities.drop': 'v1.Capability',
  'V1SeccompProfile.type': 'v1.SeccompProfileType', 'V1TopologySpreadConstraint.whenUnsatisfiable': 'v1.UnsatisfiableConstraintAction',
  'V1LimitRangeItem.type': 'v1.LimitType', 'V1ResourceQuotaSpec.scopes': 'v1.ResourceQuotaScope',
  'V1DeploymentStrategy.type': 'v1.DeploymentStrategyType', 'V1StatefulSetSpec.podManagementPolicy': 'v1.PodManagementPolicyType',
  'V1StatefulSetUpdateStrategy.type': 'v1.StatefulSetUpdateStrategyType', 'V1DaemonSetUpdateStrategy.type': 'v1.DaemonSetUpdateStrategyType',
  'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted': 'v1.PersistentVolumeClaimRetentionPolicyType',
  'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled': 'v1.PersistentVolumeClaimRetentionPolicyType',
  'V1CronJobSpec.concurrencyPolicy': 'v1.ConcurrencyPolicy', 'V1JobSpec.completionMode': 'v1.CompletionMode',
  'V1JobSpec.podReplacementPolicy': 'v1.PodReplacementPolicy', 'V1LabelSelectorRequirement.operator': 'v1.LabelSelectorOperator',
  'V1HTTPIngressPath.pathType': 'v1.PathType', 'V1NetworkPolicySpec.policyTypes': 'v1.PolicyType',
  'V1StorageClass.reclaimPolicy': 'v1.PersistentVolumeReclaimPolicy', 'V1StorageClass.volumeBindingMode': 'v1.VolumeBindingMode',
  'V1PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy': 'v1.UnhealthyPodEvictionPolicyType', 'V1EndpointSlice.addressType': 'v1.AddressType',
};

// Scalar fields Go's encoder omits when they hold their zero value (0, false, ""):
// omitempty and not a pointer (go-scalar-fields.tsv, from k8s.io/api v0.32.1). The API
// server decodes each write into its Go struct and encodes it again, so such a field
// never comes back zero: `hostNetwork: false` or `minReadySeconds: 0` is not stored.
const omittedWhenZero = new Set();
for (const line of fs.readFileSync(new URL('go-scalar-fields.tsv', import.meta.url), 'utf8').split('\n')) {
  if (line === '' || line.startsWith('#') || line.startsWith('class\t')) continue;
  const [cls, field, , pointer, omitempty] = line.split('\t');
  if (pointer === 'no' && omitempty === 'yes') omittedWhenZero.add(`${cls}.${field}`);
}

function goName(cls) {
  const m = /^(?:[A-Z][a-z]+)*?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/.exec(cls);
  if (!m) throw new Error(`cannot split model name ${cls}`);
  return `${m[1].toLowerCase()}.${m[2]}`;
}

function typeOf(cls, attr, classes) {
  const quantity = quantityFields.has(`${cls}.${attr.baseName}`);
  const named = namedStrings[`${cls}.${attr.baseName}`];
  const scalar = (t, format) => {
    switch (t) {
      case 'string': return quantity ? 'quantity' : format === 'byte' ? 'bytes' : named ? `string=${named}` : 'string';
      case 'number': return format === 'int32' ? 'int32' : format === 'int64' ? 'int64' : 'float64';
      case 'boolean': return 'bool';
      case 'Date': return 'time';
      case 'V1MicroTime': return 'microtime';
      case 'IntOrString': return 'intstr';
      case 'any': return 'any';
      default:
        if (!classes.has(t)) throw new Error(`${cls}.${attr.baseName}: unknown type ${t}`);
        return t;
    }
  };
  const parse = (t) => {
    let m = /^Array<(.*)>$/.exec(t);
    if (m) return '[]' + parse(m[1]);
    m = /^\{ \[key: string\]: (.*); \}$/.exec(t);
    if (m) return `map[${parse(m[1])}]`;
    return scalar(t, attr.format);
  };
  return parse(attr.type);
}

const classes = new Map();
for (const file of fs.readdirSync(modelsDir).sort()) {
  if (!/^[A-Z]\w*\.js$/.test(file) || file === 'ObjectSerializer.js') continue;
  const mod = await import(path.join(modelsDir, file));
  for (const value of Object.values(mod)) {
    if (typeof value === 'function' && Array.isArray(value.attributeTypeMap)) classes.set(value.name, value.attributeTypeMap);
  }
}
classes.delete('V1MicroTime');
classes.delete('VersionInfo');  // /version's answer, not an API object

for (const field of Object.keys(namedStrings)) {
  const [cls, name] = field.split('.');
  const attr = classes.get(cls)?.find((a) => a.baseName === name);
  if (!attr || !/^(Array<)?string>?$/.test(attr.type)) throw new Error(`namedStrings: ${field} is not a string field`);
}

const lines = [];
for (const [cls, attrs] of [...classes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  lines.push(`@${cls} ${goName(cls)}`);
  for (const attr of attrs) {
    const type = typeOf(cls, attr, classes);
    const scalar = ['string', 'bool', 'int32', 'int64', 'float64'].includes(type) || type.startsWith('string=');
    lines.push(`${attr.baseName} ${type}${scalar && omittedWhenZero.has(`${cls}.${attr.baseName}`) ? ' omitzero' : ''}`);
  }
}

const text = lines.join('\n') + '\n';
const chunks = [];
// Raw string literals are kept well under compilers' per-literal limits.
for (let i = 0; i < text.length;) {
  let end = Math.min(text.length, i + 60000);
  while (end < text.length && text[end - 1] !== '\n') ++end;
  chunks.push(text.slice(i, end));
  i = end;
}
process.stdout.write(`// Generated by scripts/api-types/generate.mjs from @kubernetes/client-node 1.1.0
// (Kubernetes v1.32.0's OpenAPI models). Do not edit; regenerate instead.
#include "sim/kube/api_types_table.hpp"

namespace gs::kube {

const std::vector<std::string_view>& apiTypesTable() {
  static const std::vector<std::string_view> chunks = {
${chunks.map((c) => `      R"TABLE(${c})TABLE"`).join(',\n')}};
  return chunks;
}

}  // namespace gs::kube
`);
