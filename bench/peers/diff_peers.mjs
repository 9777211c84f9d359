// The JavaScript peers of gitops-sim's diff core: fast-json-patch, jsondiffpatch and
// microdiff timed on the corpus that `diff_bench --export-corpus=FILE` writes (the
// same desired/live pairs the C++ suite measures), objects already parsed.
//
//   node diff_peers.mjs CORPUS.json [--quick] [--out RESULT.json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const usage = 'usage: node diff_peers.mjs CORPUS.json [--quick] [--out RESULT.json]';

function fail(message) {
  console.error(`diff_peers: ${message}`);
  process.exit(2);
}

// Arguments.
let corpusPath = null;
let out = null;
let quick = false;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--quick') quick = true;
  else if (args[i] === '--out') out = args[++i] ?? fail(`--out needs a file name (${usage})`);
  else if (args[i].startsWith('--') || corpusPath) fail(`unexpected argument ${args[i]} (${usage})`);
  else corpusPath = args[i];
}
if (!corpusPath) fail(usage);

// The corpus: {"pairs": [{"label", "desired", "live"}, ...]}.
const isObject = (v) => v !== null && typeof v === 'object';
let pairs;
try {
  pairs = JSON.parse(fs.readFileSync(corpusPath, 'utf8')).pairs;
} catch (e) {
  fail(`cannot read ${corpusPath}: ${e.message}`);
}
if (!Array.isArray(pairs) || pairs.length === 0 ||
    pairs.some((p) => !isObject(p) || typeof p.label !== 'string' || !isObject(p.desired) || !isObject(p.live))) {
  fail(`${corpusPath}: expected {"pairs": [{"label": "...", "desired": {...}, "live": {...}}, ...]} with at least one pair`);
}

// The libraries, from node_modules (installed from the committed package-lock.json).
const names = ['fast-json-patch', 'jsondiffpatch', 'microdiff'];
const missing = names.filter((n) => !fs.existsSync(path.join(here, 'node_modules', n, 'package.json')));
if (missing.length) fail(`not installed: ${missing.join(', ')}: run \`npm ci\` in bench/peers (or scripts/install-deps.sh --bench-peers)`);
const versionOf = (lib) => JSON.parse(fs.readFileSync(path.join(here, 'node_modules', lib, 'package.json'), 'utf8')).version;

const { default: fastJsonPatch } = await import('fast-json-patch');
const { create } = await import('jsondiffpatch');
const { default: microdiff } = await import('microdiff');
const differ = create({});

// A jsondiffpatch delta is undefined when nothing differs; arrays are changes, objects nest them.
const countLeaves = (delta) =>
  Array.isArray(delta) ? 1 : isObject(delta) ? Object.values(delta).reduce((n, d) => n + countLeaves(d), 0) : 0;

// run: the diff of live -> desired; consume: a cheap number taken from each result in the timed loop;
// changes: the differences reported, counted once per pair outside the timing.
const libraries = {
  'fast-json-patch': { run: (live, desired) => fastJsonPatch.compare(live, desired), consume: (r) => r.length, changes: (r) => r.length },
  jsondiffpatch: { run: (live, desired) => differ.diff(live, desired), consume: (r) => (r === undefined ? 0 : 1), changes: countLeaves },
  microdiff: { run: (live, desired) => microdiff(live, desired), consume: (r) => r.length, changes: (r) => r.length },
};

// Timing: warm-up, then batches (doubling up to 1024 calls) until enough calls and time.
const plan = quick
  ? { warmupCalls: 2, warmupNs: 0n, minCalls: 5, minNs: 0n }
  : { warmupCalls: 20, warmupNs: 100_000_000n, minCalls: 20, minNs: 300_000_000n };
let sink = 0; // every result feeds this, printed at the end, so V8 cannot drop the calls

function time({ run, consume }, live, desired) {
  const warmupStart = process.hrtime.bigint();
  for (let i = 0; i < plan.warmupCalls || process.hrtime.bigint() - warmupStart < plan.warmupNs; i++) {
    sink += consume(run(live, desired));
  }
  let calls = 0;
  let batch = 1;
  let elapsed = 0n;
  const start = process.hrtime.bigint();
  while (calls < plan.minCalls || elapsed < plan.minNs) {
    for (let i = 0; i < batch; i++) sink += consume(run(live, desired));
    calls += batch;
    batch = Math.min(batch * 2, 1024);
    elapsed = process.hrtime.bigint() - start;
  }
  return { nsPerOp: Number(elapsed) / calls, calls };
}

const results = [];
const notices = [];
const width = Math.max(30, ...pairs.map((p) => p.label.length));
console.log([`pair (live -> desired)${quick ? ', quick' : ''}`.padEnd(width), ...names.map((n) => n.padStart(20))].join(' '));
for (const { label, desired, live } of pairs) {
  const cells = [];
  for (const name of names) {
    const lib = libraries[name];
    const changes = lib.changes(lib.run(live, desired));
    if (changes === 0 && !label.includes('in-sync')) notices.push(`${name} reported no difference on ${label}`);
    const { nsPerOp, calls } = time(lib, live, desired);
    results.push({ label, library: name, ns_per_op: nsPerOp, calls, changes });
    cells.push(`${(nsPerOp / 1000).toFixed(2)} µs (${changes})`.padStart(20));
  }
  console.log([label.padEnd(width), ...cells].join(' '));
}
console.log('(mean time per call; in parentheses the differences each library reported: none normalizes, so server-added fields count)');
for (const n of notices) console.log(`note: ${n}`);
console.log(`sink ${sink}`);

if (out) {
  const report = { node: process.version, libraries: Object.fromEntries(names.map((n) => [n, versionOf(n)])), results };
  try {
    fs.writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
  } catch (e) {
    fail(`cannot write ${out}: ${e.message}`);
  }
  console.log(`wrote ${out}`);
}
