// UI benchmark (bench/ui_bench.sh runs it; not part of the test command): on loopback, with the
// real gateway on its simulator and Debian's chromium,
//   - time to first contentful paint and to live data (the SOC shown) of the dashboard,
//   - bytes transferred for the dashboard (compressed, as on the wire), cold and warm cache,
//   - the gateway's CPU while 5 dashboards stay open (from /proc/PID/stat), against none.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const GW = process.env.GW || 'build/release/app/tinybms-gw';
const HOLD_S = Number(process.env.HOLD_S || 60);
const RUNS = Number(process.env.RUNS || 10);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tbgw-uibench-'));
const hz = 100;  // USER_HZ on Linux

function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

const gw = spawn(GW, ['--simulate', '--state-dir', stateDir, '--http', '127.0.0.1:0', '--summary-interval-s', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
const base = await new Promise((resolve, reject) => {
  const on = (b) => { const m = /Web UI: open (http:\/\/[0-9.]+:\d+)\//.exec(b.toString()); if (m) resolve(m[1]); };
  gw.stdout.on('data', on); gw.stderr.on('data', on);
  setTimeout(() => reject(new Error('no HTTP port')), 20000);
});
const password = fs.readFileSync(path.join(stateDir, 'initial-password'), 'utf8').trim();
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

async function loggedInPage(ctx) {
  const page = await ctx.newPage();
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#password');
  await page.type('#password', password);
  await page.click('#login-submit');
  await page.waitForFunction(() => /%/.test(document.querySelector('#soc')?.textContent || ''), { timeout: 20000 });
  return page;
}

async function measureLoad(page, cold) {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  if (cold) await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto('about:blank');  // a real new document each run, not a hash change
  const t0 = Date.now();
  await page.goto(`${base}/#/dashboard`, { waitUntil: 'load' });
  await page.waitForFunction(() => /%/.test(document.querySelector('#soc')?.textContent || ''), { timeout: 20000 });
  const live = Date.now() - t0;
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  await cdp.detach();
  return { fcp, live, bytes };
}

const ctx = await browser.createBrowserContext();
const page = await loggedInPage(ctx);
const cold = []; const warm = [];
for (let i = 0; i < RUNS; i += 1) cold.push(await measureLoad(page, true));
for (let i = 0; i < RUNS; i += 1) warm.push(await measureLoad(page, false));
await page.close();

const t0 = cpuTicks(gw.pid); await sleep(HOLD_S * 1000); const idle = (cpuTicks(gw.pid) - t0) / hz / HOLD_S * 100;
const pages = [];
for (let i = 0; i < 5; i += 1) pages.push(await loggedInPage(await browser.createBrowserContext()));
await sleep(3000);
const t1 = cpuTicks(gw.pid); await sleep(HOLD_S * 1000); const five = (cpuTicks(gw.pid) - t1) / hz / HOLD_S * 100;

const row = (name, a) => `${name}: first paint p50 ${pct(a.map((x) => x.fcp), 0.5)?.toFixed(0)} ms, live data p50 ${pct(a.map((x) => x.live), 0.5)} ms p90 ${pct(a.map((x) => x.live), 0.9)} ms, transferred ${pct(a.map((x) => x.bytes), 0.5)} bytes`;
console.log(row(`cold cache (n=${RUNS})`, cold));
console.log(row(`warm cache (n=${RUNS})`, warm));
console.log(`gateway CPU over ${HOLD_S} s: ${idle.toFixed(2)} % with no browser, ${five.toFixed(2)} % with 5 dashboards open`);
await browser.close();
gw.kill('SIGTERM');
await sleep(1000);
fs.rmSync(stateDir, { recursive: true, force: true });
