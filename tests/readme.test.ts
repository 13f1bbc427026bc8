import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReadmeExamples } from '../tools/testing/readme';

describe('README', () => {
  it('keeps the two set-up commands', () => {
    const text = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(text).toMatch(/npm ci && npm start/);
    expect(text).toMatch(/^npm test/m);
    const ci = fs.readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
    expect(ci).toMatch(/npm ci/);
    expect(ci).toMatch(/npm test/);
  });

  it('its examples run', async () => {
    expect(await runReadmeExamples(new URL('../README.md', import.meta.url))).toBeGreaterThan(0);
  });
});
