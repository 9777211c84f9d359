#!/usr/bin/env bash
# gitops-sim run's exit codes and messages: 1 with expected-vs-actual for a wrong
# expectation, 2 with file:line:col and key path for a malformed file, 2 for a
# missing path; JUnit and JSON reports written either way. `gitops-sim report`: the HTML
# from a JSON report, exit 2 naming the problem for input that is not one.
set -uo pipefail
bin=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

out=$("$bin" run "$data/wrong-expectation.yaml" --junit "$tmp/j.xml" --json "$tmp/r.json" 2>&1); rc=$?
echo "$out"
[ "$rc" -eq 1 ] || fail "wrong expectation: exit $rc, expected 1"
grep -q 'wrong-expectation.yaml:19:7: steps\[1\].expect: ConfigMap default/web: /data/color is "blue", expected "green"' <<<"$out" || fail "no expected-vs-actual message"
grep -q 'replay: gitops-sim run .*wrong-expectation.yaml --seed 1 -v' <<<"$out" || fail "no replay command"
grep -q '0 passed, 1 failed' <<<"$out" || fail "no summary line"
grep -q '<failure message=' "$tmp/j.xml" || fail "no JUnit failure"
grep -q '"status": "failed"' "$tmp/r.json" || fail "no JSON failure"

out=$("$bin" run "$data/malformed.yaml" 2>&1); rc=$?
echo "$out"
[ "$rc" -eq 2 ] || fail "malformed: exit $rc, expected 2"
grep -q "malformed.yaml:11:21: world.applications.web.syncPolicy.automated.selfheal: unknown key 'selfheal' (did you mean 'selfHeal'?)" <<<"$out" || fail "no precise error"

# world input the API server refuses: 2, located, never an internal error (3)
cat > "$tmp/world-refused.yaml" <<'YAML'
name: world-refused
world:
  repos:
    deploy:
      files:
        cm.yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
  cluster:
    namespaces: [team-a, Team_B]
    objects:
      - {apiVersion: v1, kind: ConfigMap, metadata: {name: Bad_Name}, data: {a: b}}
steps:
  - wait: 1s
YAML
out=$("$bin" run "$tmp/world-refused.yaml" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "invalid namespace: exit $rc, expected 2: $out"
grep -q 'world-refused.yaml:8:26: world.cluster.namespaces\[1\]: "Team_B" is not a valid namespace name' <<<"$out" || fail "invalid namespace not located: $out"
sed -i 's/Team_B/team-b/' "$tmp/world-refused.yaml"
out=$("$bin" run "$tmp/world-refused.yaml" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "refused object: exit $rc, expected 2: $out"
grep -q 'world-refused.yaml:10:9: world.cluster.objects\[0\]: the API server refused it: ConfigMap "Bad_Name" is invalid' <<<"$out" || fail "refused object not located: $out"

# tags: --tag selects, reports keep them; report folders are made before the run
sed 's/^name: world-refused$/name: tagged\ntags: [storage, slow]/' "$tmp/world-refused.yaml" | sed '/Bad_Name/d; /objects:/d' > "$tmp/tagged.yaml"
out=$("$bin" run "$tmp/tagged.yaml" --tag nightly 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "--tag matching nothing: exit $rc, expected 2: $out"
grep -q "no scenario files have a tag given with --tag" <<<"$out" || fail "--tag matching nothing: $out"
out=$("$bin" run "$tmp/tagged.yaml" --tag slow --junit "$tmp/new/deeper/j.xml" --json "$tmp/new/r.json" 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "--tag slow: exit $rc: $out"
grep -q '<property name="tag" value="storage"/>' "$tmp/new/deeper/j.xml" || fail "JUnit lacks the tags"
grep -q '"slow"' "$tmp/new/r.json" || fail "JSON lacks the tags"
out=$("$bin" run "$tmp/tagged.yaml" --junit /proc/nowhere/j.xml 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "unwritable report: exit $rc, expected 2"
grep -q "cannot make its folder /proc/nowhere" <<<"$out" || fail "unwritable report: no reason: $out"
grep -q "passed" <<<"$out" && fail "unwritable report: the scenarios ran first"

# a broken link in a scenario folder is said, not skipped
mkdir -p "$tmp/linked" && cp "$tmp/tagged.yaml" "$tmp/linked/" && ln -s "$tmp/gone.yaml" "$tmp/linked/gone.yaml"
out=$("$bin" run "$tmp/linked" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "broken link: exit $rc, expected 2: $out"
grep -q "broken link in $tmp/linked" <<<"$out" || fail "broken link not said: $out"

out=$("$bin" run "$tmp/nothing.yaml" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "missing file: exit $rc, expected 2"

out=$("$bin" run "$data/wrong-expectation.yaml" "$data/malformed.yaml" -j 2 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "mixed: exit $rc, expected 2 (the worst)"
# the HTML report, from the run and from its JSON; bad input is refused, nothing written
"$bin" run "$data/wrong-expectation.yaml" --html "$tmp/run.html" > /dev/null 2>&1
grep -q 'id="report-data"' "$tmp/run.html" || fail "run --html wrote no report"
out=$("$bin" report "$tmp/r.json" -o "$tmp/from-json.html" 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "report from JSON: exit $rc: $out"
grep -q 'wrong-expectation' "$tmp/from-json.html" || fail "report from JSON lacks the scenario"
echo 'not json' > "$tmp/bad.json"
out=$("$bin" report "$tmp/bad.json" -o "$tmp/bad.html" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "report of non-JSON: exit $rc, expected 2"
grep -q 'bad.json: not JSON' <<<"$out" || fail "report of non-JSON: no message naming the file: $out"
echo '{"scenarios": [{"name": "x", "status": "passed", "timeline": {}}]}' > "$tmp/shape.json"
out=$("$bin" report "$tmp/shape.json" -o "$tmp/shape.html" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "report of a wrong shape: exit $rc, expected 2"
grep -q 'shape.json: scenarios\[0\].timeline: expected array, found object' <<<"$out" || fail "report of a wrong shape: no field named: $out"
[ ! -e "$tmp/shape.html" ] || fail "a refused report still wrote HTML"
out=$("$bin" report "$tmp/missing.json" -o "$tmp/m.html" 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "report of a missing file: exit $rc, expected 2"
echo "exit codes: ok"
