// End-to-end test of the web UI: the real gateway on its simulator, Debian's chromium driven by
// puppeteer-core. Each step asserts what an owner would see; a failure names the step, keeps a
// screenshot of the moment, and exits 1. Screenshots of every page are saved in ARTIFACTS
// (and copied to docs/ui/ when TBGW_UPDATE_DOCS=1).
//
//   GW=build/release/app/tinybms-gw ARTIFACTS=build/release/ui-artifacts node tests/ui/e2e.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const GW = process.env.GW || 'build/release/app/tinybms-gw';
const ARTIFACTS = path.resolve(process.env.ARTIFACTS || 'build/release/ui-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DOCS = process.env.TBGW_UPDATE_DOCS === '1' ? path.resolve(new URL('../../docs/ui', import.meta.url).pathname) : null;
fs.mkdirSync(ARTIFACTS, { recursive: true });
if (DOCS) fs.mkdirSync(DOCS, { recursive: true });

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tbgw-ui-'));
// A warm afternoon that turns into an overheating pack: the simulator's fault for the alert step.
const scenario = path.join(stateDir, 'hot.scn');
fs.writeFileSync(scenario, '0, 20 A, 25\n60, 20 A, 95\n');

let gw;
let browser;
let page;
let failures = 0;
const log = [];

function fail(msg) { throw new Error(msg); }

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}: ${e.message}`);
    if (page) await page.screenshot({ path: path.join(ARTIFACTS, `failed-${name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
    throw e;
  }
}

// Long pages (the settings forms, diagnostics) are shot as the visible screen: the docs need
// what an owner sees first, not megabytes of form.
async function shot(name, fullPage = true) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  if (DOCS) fs.copyFileSync(file, path.join(DOCS, `${name}.png`));
}

async function waitText(selector, predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await page.$eval(selector, (e) => e.textContent).catch(() => '');
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${what}: "${selector}" still reads "${last}" after ${timeoutMs} ms`);
}

function startGateway() {
  return new Promise((resolve, reject) => {
    gw = spawn(GW, ['--simulate', '--state-dir', stateDir, '--http', '127.0.0.1:0', '--poll-interval-ms', '300',
      '--sim-scenario', scenario, '--sim-time-factor', '20', '--summary-interval-s', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error('the gateway did not report its HTTP port in 20 s')), 20000);
    const onData = (buf) => {
      const text = buf.toString();
      log.push(text);
      const m = /Web UI: open (https?:\/\/[0-9.]+:\d+)\//.exec(text);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    gw.stdout.on('data', onData);
    gw.stderr.on('data', onData);
    gw.on('exit', (code) => reject(new Error(`the gateway exited (${code}): ${log.join('')}`)));
  });
}

async function run() {
  const base = await startGateway();
  const password = fs.readFileSync(path.join(stateDir, 'initial-password'), 'utf8').trim();
  browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url()); });
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await step('login page is shown and refuses a wrong password', async () => {
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.waitForSelector('#password');
    await shot('login');
    await page.type('#password', 'not-the-password');
    await page.click('#login-submit');
    await waitText('#login-error', (t) => /wrong/i.test(t), 10000, 'wrong password');
  });

  await step('login with the initial password shows the dashboard', async () => {
    await page.$eval('#password', (e) => { e.value = ''; });
    await page.type('#password', password);
    await page.click('#login-submit');
    await page.waitForSelector('#dash', { timeout: 10000 });
    await waitText('#soc', (t) => /%/.test(t), 15000, 'SOC shown');
  });

  await step('live values change with the simulator', async () => {
    const first = await page.$eval('#cellsum', (e) => e.textContent);
    const soc = await page.$eval('#soc', (e) => e.textContent);
    await waitText('#soc', (t) => t !== soc, 30000, 'SOC changes while charging at 20 A x20');
    const cells = await page.$$eval('#cells .cell', (n) => n.length);
    if (cells !== 16) fail(`expected 16 cells, got ${cells}`);
    const stale = await page.$eval('#stale', (e) => e.hidden);
    if (!stale) fail('the stale banner is shown on live data');
    if (!first) fail('no cell summary');
    await shot('dashboard');
  });

  await step('a simulator fault (overheating) becomes an alert on the dashboard', async () => {
    await waitText('#active-alerts', (t) => /temperature/i.test(t), 90000, 'temperature alert');
    await shot('dashboard-alert');
  });

  await step('the alert is in the alert log and can be acknowledged', async () => {
    await page.goto(`${base}/#/alerts`);
    await page.waitForSelector('#active-table', { timeout: 10000 });
    await waitText('#log', (t) => /temperature/i.test(t), 15000, 'alert log entry');
    const before = await page.$$eval('#active-table button', (b) => b.length);
    if (before < 1) fail('no acknowledge button');
    await page.click('#active-table button');
    await page.waitForFunction((n) => document.querySelectorAll('#active-table button').length < n, { timeout: 10000 }, before);
    await shot('alerts');
  });

  await step('a gateway setting: a validation error at the field, then a valid value', async () => {
    await page.goto(`${base}/#/settings`);
    const sel = '#cfg-poll-live_interval_ms';
    await page.waitForSelector(sel, { timeout: 10000 });
    await page.$eval(sel, (e) => { e.value = ''; });
    await page.type(sel, '50');
    await page.click('#settings-save');
    await waitText('[data-key="poll.live_interval_ms"] .err', (t) => t.length > 0, 10000, 'error at the field');
    const invalid = await page.$eval(sel, (e) => e.getAttribute('aria-invalid'));
    if (invalid !== 'true') fail('the field is not marked invalid');
    await shot('settings-error', false);
    await page.$eval(sel, (e) => { e.value = ''; });
    await page.type(sel, '500');
    await page.click('#settings-save');
    await waitText('#settings-status', (t) => /Saved 1/.test(t), 10000, 'saved');
    const saved = JSON.parse(fs.readFileSync(path.join(stateDir, 'config.json'), 'utf8'));
    if (saved.settings['poll.live_interval_ms'] !== 500) fail(`config.json does not hold the new value: ${JSON.stringify(saved)}`);
    await shot('settings', false);
  });

  await step('a TinyBMS setting is written and read back', async () => {
    await page.goto(`${base}/#/battery`);
    const sel = '#bms-early_balancing_threshold_per_cell';
    await page.waitForSelector(sel, { timeout: 10000 });
    const old = Number(await page.$eval(sel, (e) => e.value));
    const next = old === 3400 ? 3450 : 3400;
    await page.$eval(sel, (e) => { e.value = ''; });
    await page.type(sel, String(next));
    await page.click('#bms-review-button');
    await page.waitForSelector('#bms-confirm', { timeout: 5000 });
    await shot('battery-review', false);
    await page.click('#bms-write');
    await waitText('#bms-review', (t) => /verified/i.test(t), 20000, 'read-back');
    const shown = Number(await page.$eval(sel, (e) => e.value));
    if (shown !== next) fail(`the form shows ${shown} after the write, expected ${next}`);
    await shot('battery', false);
  });

  await step('the history page draws charts from stored data', async () => {
    await page.goto(`${base}/#/history`);
    await waitText('#history-status', (t) => /points/.test(t), 20000, 'history loaded');
    const status = await page.$eval('#history-status', (e) => e.textContent);
    if (/^0 points/.test(status)) fail(`no history: ${status}`);
    const paths = await page.$$eval('#history-charts svg path', (p) => p.length);
    if (paths < 3) fail(`only ${paths} series drawn`);
    await shot('history');
  });

  await step('diagnostics shows CAN frames and the live log', async () => {
    await page.goto(`${base}/#/diagnostics`);
    await page.waitForSelector('#can-frames', { timeout: 10000 });
    const rows = await page.$$eval('#can-frames tbody tr', (r) => r.map((x) => x.textContent));
    if (!rows.some((r) => r.includes('0x351'))) fail(`no 0x351 frame: ${rows.join(' | ')}`);
    await waitText('#diag', (t) => /requests/.test(t), 10000, 'diagnostics figures');
    await shot('diagnostics', false);
  });

  await step('every page fits a 360 px phone screen, in dark mode too', async () => {
    await page.setViewport({ width: 360, height: 740, isMobile: true, hasTouch: true });
    for (const [name, hash] of [['dashboard', 'dashboard'], ['history', 'history'], ['alerts', 'alerts'], ['battery', 'battery'], ['settings', 'settings'], ['diagnostics', 'diagnostics']]) {
      await page.goto(`${base}/#/${hash}`);
      await new Promise((r) => setTimeout(r, 1500));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) fail(`${name} is ${overflow} px wider than the screen`);
      if (name === 'dashboard') await shot('phone-dashboard');
    }
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.goto(`${base}/#/dashboard`);
    await waitText('#soc', (t) => /%/.test(t), 10000, 'dark dashboard');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (bg === 'rgb(246, 247, 249)') fail('dark mode not applied');
    await shot('phone-dashboard-dark');
  });

  await step('logout returns to the login page and the API refuses the old session', async () => {
    await page.setViewport({ width: 1280, height: 900 });
    await page.click('#logout');
    await page.waitForSelector('#password', { timeout: 5000 });
    const status = await page.evaluate(async () => (await fetch('/api/status')).status);
    if (status !== 401) fail(`GET /api/status after logout: ${status}`);
  });

  await step('no request left the gateway and no script error', async () => {
    if (external.length) fail(`requests outside the gateway: ${external.join(', ')}`);
    if (consoleErrors.length) fail(`page errors: ${consoleErrors.join(' | ')}`);
  });
}

let code = 0;
try {
  await run();
} catch (e) {
  code = 1;
  if (!failures) console.log(`FAIL setup: ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (gw && gw.exitCode === null) {
    gw.kill('SIGTERM');
    await new Promise((r) => { gw.on('exit', r); setTimeout(r, 5000); });
  }
  fs.writeFileSync(path.join(ARTIFACTS, 'gateway.log'), log.join(''));
  fs.rmSync(stateDir, { recursive: true, force: true });
}
console.log(code === 0 ? 'e2e: all steps passed' : 'e2e: FAILED');
process.exit(code);
