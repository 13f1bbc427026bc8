/**
 * `snrlab compare --out`: the report is one self-contained HTML file whose three figures render
 * in a real browser (headless Chromium, installed by .ci/run).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const CHROMIUM = process.env.SNRLAB_CHROMIUM ?? '/usr/bin/chromium';

describe('snrlab compare', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-compare-'));
  const r = spawnSync(process.execPath, [bin, 'compare', '--out', out, '--png', '--workers', '2'], { encoding: 'utf8', timeout: 600_000 });

  it('prints the cross-domain table and writes report.html, results.json and the figures', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\d+ verdicts: \d+ agree, \d+ disagree, \d+ inconclusive/);
    for (const f of ['report.html', 'results.json', 'variance-vs-budget.svg', 'positional-error.svg', 'temperature.svg', 'variance-vs-budget.png']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    const png = fs.readFileSync(path.join(out, 'variance-vs-budget.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.runs.length).toBeGreaterThan(0);
    for (const run of results.runs) expect(run.result?.manifest?.seed).toBe(1);
  });

  it('the report is self-contained and its three figures render in headless Chromium', async () => {
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="http/);
    expect(fs.existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt-get install chromium)`).toBe(true);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path.join(out, 'report.html')).href);
      const figures = await page.$$eval('section.figure', (sections) =>
        sections.map((s) => {
          const svg = s.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return { id: s.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg ? svg.querySelectorAll('path').length : 0 };
        }),
      );
      expect(figures.map((f) => f.id)).toEqual(['variance-vs-budget', 'positional-error', 'temperature']);
      for (const f of figures) {
        expect(f.width, f.id).toBeGreaterThan(200);
        expect(f.height, f.id).toBeGreaterThan(150);
        expect(f.marks, f.id).toBeGreaterThan(3);
      }
      expect(await page.$$eval('details pre', (pres) => pres.length)).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
