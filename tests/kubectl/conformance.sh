#!/usr/bin/env bash
# kubectl against `gitops-sim serve`: the commands people debug with, checked against
# what kubectl prints on a real cluster for the same objects (columns, status fields,
# conditions, exit codes). Skipped (exit 77) where kubectl is missing.
# Usage: conformance.sh GITOPS_SIM
set -uo pipefail
bin=$1
command -v kubectl > /dev/null || { echo "SKIP: kubectl is not installed"; exit 77; }
tmp=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
failures=0
checks=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  checks=$((checks + 1))
  if ! "$@" > "$tmp/out" 2>&1; then
    failures=$((failures + 1)); echo "FAIL: $what"; cat "$tmp/out" "$tmp/last" 2> /dev/null | sed 's/^/    /' | head -30
  fi
}
contains() { grep -Eq -- "$1" "$tmp/last" || { echo "expected /$1/ in:"; cat "$tmp/last"; return 1; }; }
k() { kubectl --kubeconfig "$tmp/kubeconfig" --request-timeout=10s "$@"; }
run() { k "$@" > "$tmp/last" 2>&1; }  # run kubectl, keep its output in $tmp/last

# The server runs virtual time 20 times faster than the wall clock from an epoch of "now",
# so the ages kubectl computes itself (describe's event ages) lie in the future: kubectl
# prints <invalid> for them, as it would for a real cluster whose clock runs ahead.
start_server() {  # start_server ARGS...
  : > "$tmp/last"
  "$bin" serve --port 0 --kubeconfig "$tmp/kubeconfig" --time-scale 20 --for 300s "$@" > "$tmp/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do grep -q '^serving' "$tmp/serve.log" 2> /dev/null && return 0; sleep 0.1; done
  echo "the server did not start:"; cat "$tmp/serve.log"; exit 1
}
start_server

cat > "$tmp/web.yaml" << 'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
YAML
cat > "$tmp/cm.yaml" << 'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {color: blue, size: large}
YAML

# discovery and version
check "version" bash -c "kubectl --kubeconfig $tmp/kubeconfig version -o json | grep -q '\"gitVersion\": \"v1.32.0+gitops-sim\"'"
check "api-resources lists short names and namespacing" bash -c "$(declare -f k run contains); tmp=$tmp; run api-resources && contains '^deployments +deploy +apps/v1 +true +Deployment' && contains '^namespaces +ns +v1 +false +Namespace'"
check "the empty cluster's clock starts now (ages kubectl computes itself read right)" bash -c "$(declare -f k run contains); tmp=$tmp; run get ns default -o jsonpath='{.metadata.creationTimestamp}' && contains \"^\$(date -u +%Y-%m-%d)T\""
check "api-versions" bash -c "$(declare -f k run contains); tmp=$tmp; run api-versions && contains '^apps/v1$' && contains '^v1$'"
check "explain reads the OpenAPI v3 schema" bash -c "$(declare -f k run contains); tmp=$tmp; run explain deployment && contains 'KIND: +Deployment' && contains 'VERSION: +v1'"
check "explain walks a built-in kind's fields" bash -c "$(declare -f k run contains); tmp=$tmp; run explain deployment.spec.template.spec.containers.livenessProbe && contains 'FIELD: +livenessProbe <Probe>' && contains 'httpGet.*<HTTPGetAction>' && run explain svc.spec.ports.targetPort && contains 'FIELD: +targetPort <IntOrString>'"

# create / apply (client-side) / get
check "create -f" bash -c "$(declare -f k run contains); tmp=$tmp; run create -f $tmp/cm.yaml && contains '^configmap/settings created'"
check "create again: AlreadyExists" bash -c "$(declare -f k run contains); tmp=$tmp; ! run create -f $tmp/cm.yaml && contains 'AlreadyExists.*configmaps \"settings\" already exists'"
check "get cm: NAME DATA AGE" bash -c "$(declare -f k run contains); tmp=$tmp; run get cm settings && contains '^NAME +DATA +AGE' && contains '^settings +2 +[0-9]+s'"
check "get -o jsonpath" bash -c "$(declare -f k run contains); tmp=$tmp; run get cm settings -o jsonpath='{.data.color}' && contains '^blue$'"
check "apply -f (validated on the server)" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/web.yaml && contains '^deployment.apps/web created' && contains '^service/web created'"
check "rollout status on the simulated kubelet" bash -c "$(declare -f k run contains); tmp=$tmp; run rollout status deployment/web --timeout=60s && contains 'deployment \"web\" successfully rolled out'"
check "get deploy: READY UP-TO-DATE AVAILABLE" bash -c "$(declare -f k run contains); tmp=$tmp; run get deploy web && contains '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE' && contains '^web +3/3 +3 +3 +'"
check "get deploy -o wide" bash -c "$(declare -f k run contains); tmp=$tmp; run get deploy web -o wide && contains 'CONTAINERS +IMAGES +SELECTOR' && contains 'web +nginx:1.27 +app=web'"
check "deployment conditions as on a real cluster" bash -c "$(declare -f k run contains); tmp=$tmp; run get deploy web -o jsonpath='{range .status.conditions[*]}{.type}={.status}/{.reason} {end}' && contains 'Available=True/MinimumReplicasAvailable' && contains 'Progressing=True/NewReplicaSetAvailable'"
check "get pods: READY STATUS RESTARTS" bash -c "$(declare -f k run contains); tmp=$tmp; run get pods -l app=web && contains '^NAME +READY +STATUS +RESTARTS +AGE' && [ \$(grep -Ec '^web-[a-z0-9]+-[a-z0-9]{5} +1/1 +Running +0 ' $tmp/last) -eq 3 ]"
check "get pods -o wide has IP and NODE" bash -c "$(declare -f k run contains); tmp=$tmp; run get pods -o wide && contains 'IP +NODE' && contains '10\\.244\\.[0-9]+\\.[0-9]+ +node-[0-9]'"
check "get svc: TYPE CLUSTER-IP PORT(S)" bash -c "$(declare -f k run contains); tmp=$tmp; run get svc web && contains '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\\(S\\) +AGE' && contains '^web +ClusterIP +10\\.[0-9.]+ +<none> +80/TCP'"
check "describe svc lists the ready endpoints from EndpointSlices" bash -c "$(declare -f k run contains); tmp=$tmp; run describe svc web && contains '^Endpoints: +10\\.244\\.[0-9]+\\.[0-9]+:80,10\\.244\\.[0-9]+\\.[0-9]+:80,10\\.244\\.[0-9]+\\.[0-9]+:80$'"
check "get endpoints,endpointslices" bash -c "$(declare -f k run contains); tmp=$tmp; run get ep web && contains '^NAME +ENDPOINTS +AGE' && contains '^web +(10\\.244\\.[0-9.]+:80,?){3} +' && run get endpointslices -l kubernetes.io/service-name=web && contains '^NAME +ADDRESSTYPE +PORTS +ENDPOINTS +AGE' && contains '^web-[a-z0-9]{5} +IPv4 +80 +(10\\.244\\.[0-9.]+,?){3} +'"
check "the kubernetes Service's endpoints are the API server's" bash -c "$(declare -f k run contains); tmp=$tmp; run describe svc kubernetes && contains '^Endpoints: +172\\.18\\.0\\.2:6443$' && run get ep kubernetes && contains '^kubernetes +172\\.18\\.0\\.2:6443 +'"
printf '%s\n' 'apiVersion: v1' 'kind: Service' 'metadata: {name: external-db}' 'spec: {ports: [{port: 5432}]}' '---' 'apiVersion: v1' 'kind: Endpoints' 'metadata: {name: external-db}' 'subsets: [{addresses: [{ip: 192.168.10.5}], ports: [{port: 5432}]}]' > "$tmp/external.yaml"
check "a selectorless Service's own Endpoints are mirrored to an EndpointSlice" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/external.yaml && for i in \$(seq 50); do run describe svc external-db && contains '^Endpoints: +192\\.168\\.10\\.5:5432$' && break; sleep 0.2; done && contains '^Endpoints: +192\\.168\\.10\\.5:5432$' && run get endpointslices -l endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io && contains '^external-db-[a-z0-9]{5} +IPv4 +5432 +192\\.168\\.10\\.5 +' && run delete --ignore-not-found -f $tmp/external.yaml"
check "RBAC names may hold ':' (system:metrics-server)" bash -c "$(declare -f k run contains); tmp=$tmp; printf 'apiVersion: rbac.authorization.k8s.io/v1\\nkind: ClusterRole\\nmetadata: {name: \"system:metrics-server\"}\\nrules: [{apiGroups: [\"\"], resources: [pods], verbs: [get]}]\\n' > $tmp/role.yaml && run apply -f $tmp/role.yaml && contains 'clusterrole.rbac.authorization.k8s.io/system:metrics-server created'"
check "-o wide columns of nodes, jobs and a gated pod" bash -c "$(declare -f k run contains); tmp=$tmp; run get nodes -o wide && contains '^NAME +STATUS +ROLES +AGE +VERSION +INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME' && contains '^node-1 +Ready .* 172\\.18\\.0\\.2 +<none> +gitops-sim node ' && printf 'apiVersion: v1\\nkind: Pod\\nmetadata: {name: gated}\\nspec:\\n  schedulingGates: [{name: x}]\\n  containers: [{name: c, image: nginx}]\\n' > $tmp/gated.yaml && run apply -f $tmp/gated.yaml && run get pod gated -o wide && contains '^gated +0/1 +SchedulingGated +0 .* <none> +<none> +<none> +<none>$' && run delete pod gated"
check "an invalid object: The <Kind> \"name\" is invalid" bash -c "$(declare -f k run contains); tmp=$tmp; ! run create deployment bad --image=nginx --replicas=-1 && contains 'Deployment.apps \"bad\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' && printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: Bad_Name}\\n' > $tmp/bad.yaml && ! run apply -f $tmp/bad.yaml && contains '^The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value'"
printf '%s\n' 'apiVersion: v1' 'kind: PersistentVolumeClaim' 'metadata: {name: data}' 'spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}' > "$tmp/pvc.yaml"
printf '%s\n' 'apiVersion: v1' 'kind: Pod' 'metadata: {name: uses-data}' 'spec: {containers: [{name: app, image: "nginx:1.27"}], volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]}' > "$tmp/pvc-pod.yaml"
check "a claim of kind's class waits for its first consumer" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/pvc.yaml && sleep 1 && run get pvc data && contains '^data +Pending +standard ' && run describe pvc data && contains 'Normal +WaitForFirstConsumer +([0-9a-z]+|<invalid>) +persistentvolume-controller +waiting for first consumer to be created before binding'"
check "get pvc and pv: bound by the default class on the consumer's node, with kubectl's columns" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/pvc-pod.yaml && sleep 2 && run get pvc data && contains '^NAME +STATUS +VOLUME +CAPACITY +ACCESS MODES +STORAGECLASS +VOLUMEATTRIBUTESCLASS +AGE' && contains '^data +Bound +pvc-[0-9a-f-]+ +1Gi +RWO +standard +<unset> ' && run get pv && contains 'RECLAIM POLICY +STATUS +CLAIM' && contains '1Gi +RWO +Delete +Bound +default/data +standard' && run get sc && contains '^standard \\(default\\) +rancher\\.io/local-path +Delete +WaitForFirstConsumer +false '"
check "get all" bash -c "$(declare -f k run contains); tmp=$tmp; run get all && contains 'deployment.apps/web' && contains 'replicaset.apps/web-' && contains 'service/web'"
check "get -o yaml round-trips" bash -c "$(declare -f k run contains); tmp=$tmp; run get deploy web -o yaml && contains '^kind: Deployment' && contains 'observedGeneration: 1' && contains 'readyReplicas: 3'"
check "describe deployment" bash -c "$(declare -f k run contains); tmp=$tmp; run describe deployment web && contains '^Name: +web' && contains '^Replicas: +3 desired \\| 3 updated \\| 3 total \\| 3 available \\| 0 unavailable' && contains 'NewReplicaSet: +web-'"
check "describe pod" bash -c "$(declare -f k run contains); tmp=$tmp; pod=\$(k get pods -l app=web -o name | head -1); run describe \$pod && contains '^Status: +Running' && contains '^Node: +node-'"
check "a CronJob makes its Job on the virtual clock" bash -c "$(declare -f k run contains); tmp=$tmp; run create cronjob tick --image=busybox --schedule='*/1 * * * *' && sleep 4 && run get jobs -o name && contains '^job.batch/tick-[0-9]+$' && run get cronjob tick && contains '^tick +\\*/1 \\* \\* \\* \\* +<none> +False +[01] +[0-9]+s ' && run delete cronjob tick"
check "describe node: its lease, addresses and pods" bash -c "$(declare -f k run contains); tmp=$tmp; run describe node node-2 && contains '^  HolderIdentity: +node-2' && contains '^  InternalIP: +172\\.18\\.0\\.3' && contains '^Non-terminated Pods:'"
check "get events -o wide: SUBOBJECT names the container, SOURCE the kubelet and its node" bash -c "$(declare -f k run contains); tmp=$tmp; run get events -o wide --field-selector reason=Started && contains 'LAST SEEN +TYPE +REASON +OBJECT +SUBOBJECT +SOURCE +MESSAGE +FIRST SEEN +COUNT +NAME' && contains 'Normal +Started +pod/web-[a-z0-9]+-[a-z0-9]{5} +spec\\.containers\\{web\\} +kubelet, node-[0-9]+ +Started container web'"
check "describe pod lists the kubelet's events" bash -c "$(declare -f k run contains); tmp=$tmp; pod=\$(k get pods -l app=web -o name | head -1); run describe \$pod && contains '^Events:' && contains 'Normal +Started +([0-9a-z]+|<invalid>) +kubelet +Started container web'"

# diff
check "diff with no change exits 0" bash -c "$(declare -f k run contains); tmp=$tmp; run diff -f $tmp/web.yaml"
sed 's/replicas: 3/replicas: 4/' "$tmp/web.yaml" > "$tmp/web4.yaml"
check "diff with a change exits 1 and shows it" bash -c "$(declare -f k run contains); tmp=$tmp; run diff -f $tmp/web4.yaml; [ \$? -eq 1 ] && contains '^-  replicas: 3' && contains '^\\+  replicas: 4'"
check "diff did not change anything (dry run)" bash -c "$(declare -f k run contains); tmp=$tmp; run get deploy web -o jsonpath='{.spec.replicas}' && contains '^3$'"

# the body is decoded into the kind's Go type: kubectl validates strictly on the server by default
sed 's/^  replicas: 3$/  replicas: 3\n  replicaz: 3/' "$tmp/web.yaml" > "$tmp/typo.yaml"
check "apply with an unknown field: strict decoding error (kubectl's default)" bash -c "$(declare -f k run contains); tmp=$tmp; grep -q replicaz $tmp/typo.yaml && ! run apply -f $tmp/typo.yaml && contains 'Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicaz\"'"
check "--validate=warn: applied without the field, with kubectl's warning" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/typo.yaml --validate=warn && contains '^Warning: unknown field \"spec.replicaz\"' && run get deploy web -o jsonpath='{.spec}' && ! grep -q replicaz $tmp/last"
sed 's/^  replicas: 3$/  replicas: "3"/' "$tmp/web.yaml" > "$tmp/typed.yaml"
check "a wrongly typed value: Go's decoding error, even with --validate=false" bash -c "$(declare -f k run contains); tmp=$tmp; grep -q 'replicas: \"3\"' $tmp/typed.yaml && ! run apply -f $tmp/typed.yaml --validate=false && contains 'cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'"

# patch, scale, label, annotate
check "patch --type=merge" bash -c "$(declare -f k run contains); tmp=$tmp; run patch cm settings --type=merge -p '{\"data\":{\"color\":\"green\"}}' && run get cm settings -o jsonpath='{.data.color}' && contains '^green$'"
check "patch --type=json" bash -c "$(declare -f k run contains); tmp=$tmp; run patch cm settings --type=json -p '[{\"op\":\"remove\",\"path\":\"/data/size\"}]' && run get cm settings -o jsonpath='{.data}' && ! grep -q size $tmp/last"
check "patch --type=strategic keyed list" bash -c "$(declare -f k run contains); tmp=$tmp; run patch deploy web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}' && run rollout status deploy/web --timeout=60s && run get deploy web -o jsonpath='{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}' && contains '^nginx:1.28 80$'"
check "rollout history/undo needs ReplicaSets: two revisions" bash -c "$(declare -f k run contains); tmp=$tmp; run get rs -l app=web && [ \$(grep -c '^web-' $tmp/last) -eq 2 ]"
check "rollout undo goes back to the first ReplicaSet: history shows revisions 2 and 3, no third set" bash -c "$(declare -f k run contains); tmp=$tmp; run rollout undo deploy/web && contains 'deployment.apps/web rolled back' && run rollout status deploy/web --timeout=60s && run rollout history deploy/web && contains '^2 ' && contains '^3 ' && ! grep -q '^1 ' $tmp/last && run get rs -l app=web && [ \$(grep -c '^web-' $tmp/last) -eq 2 ] && run get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}' && contains '^nginx:1.27$'"
check "scale" bash -c "$(declare -f k run contains); tmp=$tmp; run scale deploy web --replicas=5 && contains 'deployment.apps/web scaled' && run rollout status deploy/web --timeout=60s && run get deploy web && contains '^web +5/5 +5 +5'"
check "scale with --current-replicas (GET and PUT of the scale subresource)" bash -c "$(declare -f k run contains); tmp=$tmp; run scale deploy web --current-replicas=5 --replicas=2 && run get deploy web -o jsonpath='{.spec.replicas}' && contains '^2$'"
check "scale with a wrong --current-replicas fails" bash -c "$(declare -f k run contains); tmp=$tmp; ! run scale deploy web --current-replicas=7 --replicas=3"
check "label and --show-labels" bash -c "$(declare -f k run contains); tmp=$tmp; run label deploy web tier=front && run get deploy web --show-labels && contains 'app=web,tier=front'"
check "label selector on get" bash -c "$(declare -f k run contains); tmp=$tmp; run get deploy -l 'tier in (front,back)' -o name && contains '^deployment.apps/web$'"
check "annotate" bash -c "$(declare -f k run contains); tmp=$tmp; run annotate cm settings owner=platform && run get cm settings -o jsonpath='{.metadata.annotations.owner}' && contains '^platform$'"
# (pods of the scale-down may still be terminating for a moment: wait for them)
check "field selector" bash -c "$(declare -f k run contains); tmp=$tmp; for i in \$(seq 50); do run get pods --field-selector=status.phase=Running -o name && [ \$(grep -c '^pod/web-' $tmp/last) -eq 2 ] && exit 0; sleep 0.2; done; exit 1"

# server-side apply and dry runs
cat > "$tmp/ssa.yaml" << 'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: ssa}
data: {a: "1", b: "2"}
YAML
check "apply --server-side creates" bash -c "$(declare -f k run contains); tmp=$tmp; run apply --server-side -f $tmp/ssa.yaml && contains 'configmap/ssa serverside-applied'"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: "10"}\n' > "$tmp/ssa2.yaml"
check "diff --server-side shows the change" bash -c "$(declare -f k run contains); tmp=$tmp; run diff --server-side -f $tmp/ssa2.yaml; [ \$? -eq 1 ] && contains '^\\+  a: \"10\"'"
check "apply --server-side updates and drops fields no longer applied" bash -c "$(declare -f k run contains); tmp=$tmp; run apply --server-side -f $tmp/ssa2.yaml && run get cm ssa -o jsonpath='{.data}' && contains '\"a\":\"10\"' && ! grep -q '\"b\"' $tmp/last"
check "apply --server-side conflicts with another manager's change, --force-conflicts takes it" bash -c "$(declare -f k run contains); tmp=$tmp; run patch cm ssa --type=merge -p '{\"data\":{\"a\":\"20\"}}' && ! run apply --server-side -f $tmp/ssa2.yaml && contains 'conflict with \"kubectl-patch\"' && contains '\\.data\\.a' && run apply --server-side --force-conflicts -f $tmp/ssa2.yaml && run get cm ssa -o jsonpath='{.data.a}' && contains '^10$'"
check "managedFields are shown" bash -c "$(declare -f k run contains); tmp=$tmp; run get cm ssa -o yaml --show-managed-fields && contains 'manager: kubectl$' && contains 'operation: Apply'"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec:\n  selector: {app: redis}\n  ports: [{port: 6379, targetPort: 6379}]\n' > "$tmp/csa.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mig, labels: {a: "1", b: "2"}}\ndata: {k1: v1, k2: v2}\n' > "$tmp/mig.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mig, labels: {a: "1"}}\ndata: {k1: v1}\n' > "$tmp/mig2.yaml"
check "apply --server-side after a client-side apply: no conflict on defaulted keys, ownership migrated" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/csa.yaml && run apply --server-side -f $tmp/csa.yaml && contains 'service/redis serverside-applied' && ! grep -q 'rejected managed fields migration' $tmp/last && run get svc redis -o yaml --show-managed-fields && contains 'manager: kubectl-last-applied' && ! grep -q 'manager: kubectl-client-side-apply' $tmp/last && run apply -f $tmp/mig.yaml && run apply --server-side -f $tmp/mig.yaml && run apply --server-side -f $tmp/mig2.yaml && run get cm mig -o jsonpath='{.metadata.labels}/{.data}' && contains '^\\{\"a\":\"1\"\\}/\\{\"k1\":\"v1\"\\}$'"
check "apply --dry-run=server stores nothing" bash -c "$(declare -f k run contains); tmp=$tmp; sed 's/name: settings/name: dry/' $tmp/cm.yaml > $tmp/dry.yaml && run apply -f $tmp/dry.yaml --dry-run=server && contains 'configmap/dry created \\(server dry run\\)' && ! k get cm dry > /dev/null 2>&1"

# kubectl's generators send protobuf bodies
check "create namespace / deployment / configmap / secret (protobuf bodies)" bash -c "$(declare -f k run contains); tmp=$tmp; run create namespace team-a && run create deployment api --image=nginx:1.27 --replicas=2 --port=80 -n team-a && run create configmap cfg --from-literal=a=1 -n team-a && run create secret generic pw --from-literal=p=s3 -n team-a && run get secret pw -n team-a -o jsonpath='{.data.p}' && contains '^czM=$'"
check "run, expose, create job and cronjob" bash -c "$(declare -f k run contains); tmp=$tmp; run run one --image=busybox:1.36 -n team-a -- sleep 3600 && run expose deployment api --port=8080 --target-port=80 -n team-a && run create job j1 --image=busybox -n team-a -- echo hi && run create cronjob cj --image=busybox --schedule='*/5 * * * *' -n team-a && run get svc api -n team-a -o jsonpath='{.spec.ports[0].port}/{.spec.ports[0].targetPort}' && contains '^8080/80$' && run get cronjob cj -n team-a && contains '^NAME +SCHEDULE +TIMEZONE +SUSPEND +ACTIVE +LAST SCHEDULE +AGE'"
check "a generated deployment rolls out" bash -c "$(declare -f k run contains); tmp=$tmp; run rollout status deployment/api -n team-a --timeout=60s && run get deploy api -n team-a && contains '^api +2/2 +2 +2 +'"
check "create deployment --replicas=0 keeps the zero" bash -c "$(declare -f k run contains); tmp=$tmp; run create deployment zero --image=nginx --replicas=0 -n team-a && run get deploy zero -n team-a -o jsonpath='{.spec.replicas}' && contains '^0$'"

# DaemonSet history: ControllerRevisions, rollout history and undo
cat > "$tmp/ds.yaml" << 'YAML'
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: "busybox:1.36"}]
YAML
check "DaemonSet rollout history and undo (ControllerRevisions)" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/ds.yaml && run rollout status ds/agent --timeout=60s && run set image ds/agent a=busybox:1.37 && run rollout status ds/agent --timeout=60s && run rollout history ds/agent && contains '^1 ' && contains '^2 ' && run rollout undo ds/agent && contains 'daemonset.apps/agent rolled back' && run rollout status ds/agent --timeout=60s && run rollout history ds/agent && contains '^2 ' && contains '^3 ' && ! grep -q '^1 ' $tmp/last && run get ds agent -o jsonpath='{.spec.template.spec.containers[0].image}' && contains '^busybox:1.36$'"

# autoscale: kubectl creates an autoscaling/v1 HorizontalPodAutoscaler (protobuf); v2 is stored
check "autoscale (autoscaling/v1) and get hpa's columns" bash -c "$(declare -f k run contains); tmp=$tmp; run autoscale deploy web --min=2 --max=5 --cpu-percent=70 && contains 'horizontalpodautoscaler.autoscaling/web autoscaled' && run get hpa web && contains '^NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE' && contains '^web +Deployment/web +cpu: <unknown>/70% +2 +5 ' && run get horizontalpodautoscalers.v1.autoscaling web -o jsonpath='{.spec.targetCPUUtilizationPercentage}' && contains '^70$' && run delete hpa web && printf 'apiVersion: autoscaling/v1\\nkind: HorizontalPodAutoscaler\\nmetadata: {name: h1}\\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 60}\\n' > $tmp/hpa1.yaml && run apply -f $tmp/hpa1.yaml && contains 'created' && run apply -f $tmp/hpa1.yaml && contains 'unchanged' && run delete -f $tmp/hpa1.yaml"

check "create role, rolebinding, ingress (protobuf) and their columns" bash -c "$(declare -f k run contains); tmp=$tmp; run create role r1 --verb=get,list --resource=pods -n team-a && run create rolebinding rb1 --role=r1 --user=bob --serviceaccount=team-a:sa1 -n team-a && run create ingress ing1 --class=nginx --rule='foo.com/bar*=api:8080,tls=my-cert' -n team-a && run get role -n team-a && contains '^NAME +CREATED AT' && run get rolebinding rb1 -n team-a -o wide && contains '^rb1 +Role/r1 +[0-9]+s +bob +team-a/sa1' && run get ingress -n team-a && contains '^NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE' && contains '^ing1 +nginx +foo.com +80, 443 '"

check "auth can-i (no RBAC: yes) and auth whoami" bash -c "$(declare -f k run contains); tmp=$tmp; run auth can-i create pods -n team-a && contains '^yes$' && run auth can-i --list && contains '^\\*\\.\\* ' && run auth whoami && contains '^Username +admin'"

# logs: simulated containers print nothing; refusals as the kubelet words them
check "logs of a running pod (empty), --previous without a restart is refused" bash -c "$(declare -f k run contains); tmp=$tmp; run logs deploy/web && [ ! -s $tmp/last ] || { grep -q '^Found' $tmp/last && [ \$(grep -vc '^Found' $tmp/last) -eq 0 ]; } && pod=\$(k get pods -l app=web -o name | head -1) && ! run logs \$pod --previous && contains 'previous terminated container \"web\" in pod'"

# cordon and drain: evictions through the Eviction API; the DaemonSet's pod stays
check "cordon shows SchedulingDisabled, drain evicts, DaemonSet pods stay, uncordon" bash -c "$(declare -f k run contains); tmp=$tmp; run cordon node-1 && run get nodes && contains '^node-1 +Ready,SchedulingDisabled ' && run drain node-1 --ignore-daemonsets --force --timeout=60s && contains 'node/node-1 drained' && run get pods -A --field-selector=spec.nodeName=node-1 -o name && ! grep -v '^pod/agent-' $tmp/last | grep -q pod/ && grep -q '^pod/agent-' $tmp/last && run uncordon node-1 && run get nodes && contains '^node-1 +Ready '"

check "a PodDisruptionBudget holds drain back (429, retried) until it allows the eviction" bash -c "$(declare -f k run contains); tmp=$tmp; run create pdb web-pdb --selector=app=web --min-available=2 && run get pdb web-pdb && contains '^NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE' && contains '^web-pdb +2 +N/A +0 ' && node=\$(k get pods -l app=web -o jsonpath='{.items[0].spec.nodeName}') && ! run drain \$node --ignore-daemonsets --force --timeout=4s && contains \"Cannot evict pod as it would violate the pod's disruption budget\" && run patch pdb web-pdb --type=merge -p '{\"spec\":{\"minAvailable\":1}}' && run drain \$node --ignore-daemonsets --force --timeout=60s && contains \"node/\$node drained\" && run uncordon \$node && run delete pdb web-pdb"

# watch
check "get -w sees a new object" bash -c "$(declare -f k run contains); tmp=$tmp; (timeout 4 kubectl --kubeconfig $tmp/kubeconfig get cm -w > $tmp/watch 2>&1 &); sleep 1.5; sed 's/name: settings/name: watched/' $tmp/cm.yaml | k apply -f - > /dev/null; sleep 3; grep -q '^watched ' $tmp/watch || { cat $tmp/watch; exit 1; }"

# delete with cascade modes
check "delete --cascade=orphan leaves the ReplicaSets" bash -c "$(declare -f k run contains); tmp=$tmp; run delete deploy web --cascade=orphan && sleep 1 && run get rs -l app=web -o name && [ \$(grep -c replicaset $tmp/last) -eq 2 ]"
check "delete ReplicaSets with foreground cascade removes their pods" bash -c "$(declare -f k run contains); tmp=$tmp; run delete rs -l app=web --cascade=foreground --wait=true --timeout=60s && run get pods -l app=web -o name && ! grep -q pod/ $tmp/last"
check "delete cm" bash -c "$(declare -f k run contains); tmp=$tmp; run delete cm settings && contains 'configmap \"settings\" deleted'"
check "get a deleted object: NotFound" bash -c "$(declare -f k run contains); tmp=$tmp; ! run get cm settings && contains 'NotFound.*configmaps \"settings\" not found'"
check "unknown resource type" bash -c "$(declare -f k run contains); tmp=$tmp; ! run get frobnicators && contains \"the server doesn't have a resource type \\\"frobnicators\\\"\""

# custom resources
cat > "$tmp/crd.yaml" << 'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer}}}
      additionalPrinterColumns:
        - {name: Size, type: integer, jsonPath: .spec.size}
YAML
check "CRD then a custom resource, printed with its columns" bash -c "$(declare -f k run contains); tmp=$tmp; run apply -f $tmp/crd.yaml && printf 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n' | k apply -f - > /dev/null && run get wd && contains '^NAME +SIZE +AGE' && contains '^w1 +3 +'"

kill "$server_pid" 2> /dev/null; wait "$server_pid" 2> /dev/null; server_pid=
# a scenario's world, paused, with a token
start_server --token s3cret "$(dirname "$0")/../../scenarios/01-happy-path.yaml"
check "serving a scenario: its app's objects are there" bash -c "$(declare -f k run contains); tmp=$tmp; run get deploy -A && contains '^web +web +'"
check "with a wrong token: Unauthorized" bash -c "tmp=$tmp; sed 's/token: s3cret/token: wrong/' $tmp/kubeconfig > $tmp/wrong && ! kubectl --kubeconfig $tmp/wrong get ns > $tmp/last 2>&1 && grep -Eq 'Unauthorized|provide credentials' $tmp/last || { cat $tmp/last; exit 1; }"
check "the server speaks TLS with the kubeconfig's CA" bash -c "tmp=$tmp; grep -q 'server: https://127.0.0.1:' $tmp/kubeconfig && grep -q 'certificate-authority-data: ' $tmp/kubeconfig"

echo "$((checks - failures)) of $checks kubectl checks passed"
[ "$failures" -eq 0 ]
