/* global document */
/**
 * `npm run screenshots -w @snrlab/atlas`: a PNG of each lesson for the README (docs/), taken from
 * the built atlas (dist/) in headless Chromium once every panel has finished.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CHROMIUM = process.env.SNRLAB_CHROMIUM ?? '/usr/bin/chromium';
const lessons = ['one-law', 'positional-error', 'temperature', 'saddles-wells', 'games', 'shots-gradients'];
const only = process.argv.slice(2);
const out = here('../docs/');
fs.mkdirSync(out, { recursive: true });
const { server, url } = await serveStatic(here('../dist/'));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
  for (const [i, id] of lessons.entries()) {
    if (only.length && !only.includes(id)) continue;
    const t0 = Date.now();
    await page.goto(`${url}?lesson=${id}`);
    await page.waitForFunction(() => {
      const p = [...document.querySelectorAll('section.panel')];
      return p.length > 0 && p.every((s) => s.dataset.state === 'done' || s.dataset.state === 'error');
    }, null, { timeout: 120_000 });
    await page.waitForTimeout(300);
    const file = `${out}lesson-${i + 1}-${id}.png`;
    await page.screenshot({ path: file, fullPage: true });
    const states = await page.$$eval('section.panel', (ps) => ps.map((p) => `${p.dataset.experiment}:${p.dataset.state}:${p.dataset.firstPartialMs}ms`));
    console.log(`${file} (${Date.now() - t0} ms) ${states.join(' ')}`);
  }
} finally {
  await browser.close();
  server.close();
}
