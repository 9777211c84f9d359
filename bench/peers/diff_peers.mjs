// The JavaScript peers of gitops-sim's diff core: fast-json-patch, jsondiffpatch and
// microdiff timed on the corpus that `diff_bench --export-corpus=FILE` writes (the
// same desired/live pairs the C++ suite measures), objects already parsed.
//
//   node diff_peers.mjs CORPUS.json [--quick] [--out RESULT.json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function fail(message) {
  console.error(`diff_peers: ${message}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : null;
const corpusPath = args.find((a, i) => !a.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
if (!corpusPath) fail('usage: node diff_peers.mjs CORPUS.json [--quick] [--out RESULT.json]');
if (!fs.existsSync(path.join(here, 'node_modules'))) fail('the libraries are not installed: run `npm ci` in bench/peers (or scripts/install-deps.sh --bench-peers)');

let pairs;
try {
  pairs = JSON.parse(fs.readFileSync(corpusPath, 'utf8')).pairs;
} catch (e) {
  fail(`cannot read ${corpusPath}: ${e.message}`);
}
if (!Array.isArray(pairs) || pairs.some((p) => typeof p.label !== 'string' || typeof p.desired !== 'object' || typeof p.live !== 'object')) {
  fail(`${corpusPath}: expected {"pairs": [{"label", "desired", "live"}, ...]}`);
}

const fastJsonPatch = (await import('fast-json-patch')).default;
const jsondiffpatch = await import('jsondiffpatch');
const microdiff = (await import('microdiff')).default;
const differ = jsondiffpatch.create({});

// A jsondiffpatch delta: arrays are changes, objects nest them (with markers such as _t).
const countLeaves = (delta) =>
  Array.isArray(delta) ? 1 : delta !== null && typeof delta === 'object' ? Object.values(delta).reduce((n, d) => n + countLeaves(d), 0) : 0;
const libraries = {
  'fast-json-patch': { run: (live, desired) => fastJsonPatch.compare(live, desired), changes: (r) => r.length },
  jsondiffpatch: { run: (live, desired) => differ.diff(live, desired), changes: countLeaves },
  microdiff: { run: (live, desired) => microdiff(live, desired), changes: (r) => r.length },
};
const versionOf = (lib) => JSON.parse(fs.readFileSync(path.join(here, 'node_modules', lib, 'package.json'), 'utf8')).version;

let sink = 0;  // every result is consumed, so V8 cannot drop the calls
function time(run, live, desired) {
  const warmup = quick ? 2 : 20;
  for (let i = 0; i < warmup; i++) sink += run(live, desired) === undefined ? 0 : 1;
  const minimumNs = quick ? 0n : 300_000_000n;
  const minimumCalls = quick ? 5 : 10;
  let calls = 0;
  let batch = 1;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (calls < minimumCalls || elapsed < minimumNs) {
    for (let i = 0; i < batch; i++) sink += run(live, desired) === undefined ? 0 : 1;
    calls += batch;
    batch = Math.min(batch * 2, 1024);
    elapsed = process.hrtime.bigint() - start;
  }
  return { nsPerOp: Number(elapsed) / calls, calls };
}

const results = [];
const names = Object.keys(libraries);
console.log(['pair'.padEnd(30), ...names.map((n) => n.padStart(18))].join(' '));
for (const { label, desired, live } of pairs) {
  const cells = [];
  for (const name of names) {
    const lib = libraries[name];
    const changes = lib.changes(lib.run(live, desired));
    const { nsPerOp, calls } = time(lib.run, live, desired);
    results.push({ label, library: name, ns_per_op: nsPerOp, calls, changes });
    cells.push(`${(nsPerOp / 1000).toFixed(2)} us (${changes})`.padStart(18));
  }
  console.log([label.padEnd(30), ...cells].join(' '));
}
console.log('(time per call; in parentheses the differences each library reported: none of them normalizes, so server-added fields count)');
if (out) {
  const report = { node: process.version, libraries: Object.fromEntries(names.map((n) => [n, versionOf(n)])), results };
  fs.writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
}
if (sink < 0) console.log(sink);
