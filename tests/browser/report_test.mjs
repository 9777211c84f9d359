// Browser test of the HTML run report (issue: a visual run report). Opens reports that
// gitops-sim wrote in headless Chromium with networking off, and checks what a person
// would look at: the overview and its filter, a scenario's swimlanes and marks, the
// details shown when a mark is clicked, zooming, a failure's expected/actual and
// side-by-side diff, a fuzz campaign's counterexample. Takes screenshots.
//
// node report_test.mjs --run RUN.json --html report.html --scenario NAME
//                      --failing failing.html --campaign campaign.html --screenshots DIR
// Exit codes: 0 passed, 1 a check failed, 77 skipped (no Chromium or playwright-core).
import fs from 'node:fs';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

const SKIP = 77;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) {
  console.log(`SKIP: Chromium not found at ${executablePath} (scripts/install-deps.sh --browser installs Debian's chromium; or set CHROMIUM)`);
  process.exit(SKIP);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log('SKIP: playwright-core is not installed (scripts/install-deps.sh --browser runs npm ci in tests/browser)');
  process.exit(SKIP);
}

let failures = 0;
let checks = 0;
function check(ok, what, detail = '') {
  checks++;
  if (ok) return;
  failures++;
  console.log(`FAIL: ${what}${detail ? ': ' + detail : ''}`);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
    '--no-first-run', '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--metrics-recording-only'],
});
// Offline: the report must not need the network, and any request other than the file
// itself is counted as a failure.
const context = await browser.newContext({ offline: true, viewport: { width: 1440, height: 1000 } });
const external = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
  external.push(url);
  return route.abort();
});

async function open(file) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('file://' + path.resolve(file));
  await page.waitForSelector('#app > *');
  return { page, errors };
}

const screenshots = args.screenshots || '.';
fs.mkdirSync(screenshots, { recursive: true });

// -- a passing run -----------------------------------------------------------------------------
{
  const run = JSON.parse(fs.readFileSync(args.run, 'utf8'));
  const { page, errors } = await open(args.html);
  const model = await page.evaluate(() => JSON.parse(document.getElementById('report-data').textContent));
  const sections = await page.locator('section.scenario').count();
  check(sections === run.scenarios.length, 'one section per scenario', `${sections} sections, ${run.scenarios.length} scenarios`);
  check((await page.locator('table.overview tbody tr').count()) === run.scenarios.length, 'one overview row per scenario');

  const index = run.scenarios.findIndex((sc) => sc.name === args.scenario);
  check(index >= 0, `scenario ${args.scenario} is in the run`);
  const sc = run.scenarios[index];
  const section = page.locator(`#s-${index}`);
  if (!(await section.locator('details').evaluate((d) => d.open))) await section.locator('summary').click();
  const svg = section.locator('.timeline svg');
  await svg.waitFor();

  // lanes: one per actor, in order
  const lanes = await svg.locator('g.lane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-lane')));
  const expectedLanes = ['scenario', 'source', 'ci', 'registry', 'deploy', 'sync', 'cluster'];
  check(JSON.stringify(lanes) === JSON.stringify(expectedLanes), 'the swimlanes', lanes.join(','));

  // events: every event of the run's JSON is drawn by some mark (points and bars)
  const tl = model.scenarios[index].timeline;
  check(model.scenarios[index].events.length === sc.timeline.length, 'the report carries every event', `${model.scenarios[index].events.length} vs ${sc.timeline.length}`);
  const drawn = new Set(await svg.locator('.mark').evaluateAll((ms, marks) => ms.flatMap((m) => marks[+m.getAttribute('data-mark')].events), tl.marks));
  check(drawn.size === sc.timeline.length, 'every event is drawn', `${drawn.size} of ${sc.timeline.length} events`);
  const markCount = await svg.locator('.mark').count();
  check(markCount === tl.marks.length, 'every mark is on screen at full zoom', `${markCount} of ${tl.marks.length}`);
  const ciRuns = sc.timeline.filter((e) => e.type === 'ci.run.finished').length;
  check((await svg.locator('.mark[data-kind="ci-run"]').count()) === ciRuns, 'one CI bar per CI run', String(ciRuns));
  const syncs = sc.timeline.filter((e) => e.type === 'sync.finished').length;
  check((await svg.locator('.mark[data-kind="sync"]').count()) === syncs, 'one sync bar per sync operation', String(syncs));
  check((await svg.locator('g.strip').count()) === new Set(sc.timeline.filter((e) => e.type === 'app.status').map((e) => e.actor)).size,
    'one state strip per app');

  // click a commit: its record appears in the details panel
  const push = sc.timeline.find((e) => e.type === 'git.push');
  const commit = svg.locator(`.mark[data-event="${sc.timeline.indexOf(push)}"]`);
  await commit.click();
  const panel = section.locator('.details');
  const panelText = await panel.innerText();
  check(panelText.includes(push.details.after), 'clicking a commit shows its record', panelText.slice(0, 200));
  check(panelText.includes(push.details.summary), 'the commit message is shown');

  // hover a sync bar: tooltip; click it: its waves and events
  const bar = svg.locator('.mark[data-kind="sync"]').first();
  await bar.hover();
  check(await page.locator('#tooltip').isVisible(), 'hovering a mark shows a tooltip');
  await bar.click();
  const barText = await panel.innerText();
  check(barText.includes('sync.started') && barText.includes('sync.finished'), 'a sync bar lists its events', barText.slice(0, 200));

  // an OutOfSync refresh carries its diff
  const outOfSync = sc.timeline.findIndex((e) => e.type === 'app.status' && e.details.sync === 'OutOfSync' && e.details.diff);
  if (outOfSync >= 0) {
    await svg.locator(`.mark[data-kind="status"][data-event="${outOfSync}"]`).click();
    check((await panel.locator('pre.diff').count()) === 1, 'an OutOfSync status shows the live-vs-desired diff');
  }

  // zoom in: the axis spans less, fewer marks are drawn
  const ticksBefore = await svg.locator('text.tick').allInnerTexts();
  await section.getByRole('button', { name: 'Zoom in' }).click();
  await section.getByRole('button', { name: 'Zoom in' }).click();
  const ticksAfter = await section.locator('.timeline svg text.tick').allInnerTexts();
  check(JSON.stringify(ticksBefore) !== JSON.stringify(ticksAfter), 'zooming changes the axis');
  await section.getByRole('button', { name: 'Reset' }).click();

  await section.scrollIntoViewIfNeeded();
  await page.evaluate((i) => document.getElementById('s-' + i).scrollIntoView(), index);
  await svg.locator(`.mark[data-event="${sc.timeline.indexOf(push)}"]`).click();
  await page.screenshot({ path: path.join(screenshots, 'report-scenario.png') });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, 'report-overview.png') });

  // filter by name and by status
  await page.fill('#filter-name', args.scenario);
  const visible = await page.locator('section.scenario:not(.hidden)').count();
  check(visible === run.scenarios.filter((s) => s.name.includes(args.scenario) || (s.file || '').includes(args.scenario)).length, 'the name filter', String(visible));
  await page.fill('#filter-name', '');
  await page.selectOption('#filter-status', 'failed');
  check((await page.locator('section.scenario:not(.hidden)').count()) === run.scenarios.filter((s) => s.status === 'failed').length, 'the status filter');
  check(errors.length === 0, 'no script errors', errors.join('; '));
  await page.close();
}

// -- a failing run: expected vs actual, the diff side by side --------------------------------
if (args.failing) {
  const { page, errors } = await open(args.failing);
  const failed = page.locator('section.scenario[data-status="failed"]').first();
  check((await failed.count()) === 1, 'the failing scenario is listed');
  check(await failed.locator('details').evaluate((d) => d.open), 'a failing scenario is open from the start');
  const block = failed.locator('.failure');
  check((await block.locator('.expected').count()) === 1 && (await block.locator('.actual').count()) === 1, 'expected and actual are shown');
  check((await block.locator('table.sbs td.del').count()) > 0 && (await block.locator('table.sbs td.add').count()) > 0, 'the diff is side by side');
  check((await failed.locator('.timeline svg line.failure-line').count()) === 1, 'the failure is marked on the timeline');
  await block.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshots, 'report-failure.png') });
  check(errors.length === 0, 'no script errors (failing report)', errors.join('; '));
  await page.close();
}

// -- a fuzz campaign ---------------------------------------------------------------------------
if (args.campaign) {
  const { page, errors } = await open(args.campaign);
  const model = await page.evaluate(() => JSON.parse(document.getElementById('report-data').textContent));
  check(model.kind === 'campaign', 'a campaign report');
  check((await page.locator('.coverage').count()) === 2, 'commands and faults coverage');
  const examples = await page.locator('section.scenario').count();
  check(examples === model.failures.length, 'one section per counterexample', `${examples} vs ${model.failures.length}`);
  if (model.failures.length) {
    const text = await page.locator('section.scenario').first().innerText();
    check(text.includes(model.failures[0].rerun), 'the re-run command is shown');
    if (model.failures[0].replay) check(text.includes(model.failures[0].replay), 'the replay command is shown');
  }
  await page.screenshot({ path: path.join(screenshots, 'report-campaign.png'), fullPage: true });
  check(errors.length === 0, 'no script errors (campaign report)', errors.join('; '));
  await page.close();
}

check(external.length === 0, 'no network requests', external.join(', '));
await browser.close();
console.log(`${checks - failures} of ${checks} checks passed; screenshots in ${screenshots}`);
process.exit(failures ? 1 : 0);
