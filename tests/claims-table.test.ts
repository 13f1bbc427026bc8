/**
 * The README's table of the essay's claims (tools/scripts/claims-table.mjs writes it by running every
 * experiment): it lists every registered experiment, under its domain, with its claim as the
 * experiment states it, and each status follows from the verdict counts beside it. Runs nothing.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listExperiments } from '@snrlab/core';
import '@snrlab/core/register';
import '@snrlab/langevin-sde/register';
import '@snrlab/sgd-noise/register';
import '@snrlab/morphogen-patterning/register';
import '@snrlab/quantum-vqe-shots/register';
import '@snrlab/gan-dynamics/register';
import { countsText, markdownCell, parseTable, statusOf, type VerdictCounts } from '../tools/scripts/claims-table.mjs';

const HOW = 'regenerate it: npm run build && node tools/scripts/claims-table.mjs (--only <ids> for a few)';
const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** "3 agree, 1 disagree" → counts. */
function countsOf(text: string): VerdictCounts {
  const c = { agrees: 0, disagrees: 0, inconclusive: 0, popular: 0 };
  for (const m of text.matchAll(/(\d+) (agree|disagree|inconclusive)\b/g)) c[m[2] === 'inconclusive' ? 'inconclusive' : (`${m[2]}s` as 'agrees' | 'disagrees')] = Number(m[1]);
  const p = /\((\d+) of them popular claims?\)/.exec(text);
  if (p) c.popular = Number(p[1]);
  return c;
}

describe("README: the table of the essay's claims", () => {
  const rows = parseTable(readme);
  const experiments = listExperiments();

  it('lists every registered experiment once, and nothing else', () => {
    expect(experiments.length).toBeGreaterThan(40);
    const missing = experiments.map((e) => e.id).filter((id) => !rows.has(id));
    const stale = [...rows.keys()].filter((id) => !experiments.some((e) => e.id === id));
    expect(missing, `rows missing from the table: ${HOW}`).toEqual([]);
    expect(stale, `rows of experiments that no longer exist: ${HOW}`).toEqual([]);
    const lines = readme.split('\n').filter((l) => /^\| `[^`]+` \|/.test(l));
    expect(lines.length).toBe(rows.size);
  });

  it("shows each experiment's claim as it states it, under its domain", () => {
    for (const e of experiments) {
      const row = rows.get(e.id);
      if (!row) continue;
      expect(row.claim, `${e.id}: the claim changed; ${HOW}`).toBe(markdownCell(e.claim));
      expect(row.domain, e.id).toBe(e.domain);
    }
  });

  it('each status is the one its verdict counts give', () => {
    for (const [id, row] of rows) {
      const [, verdicts, status] = row.cells;
      expect(status, `${id}: a run failed; ${HOW}`).not.toMatch(/run failed/);
      const counts = countsOf(verdicts);
      expect(countsText(counts), id).toBe(verdicts);
      expect(status, id).toBe(statusOf(counts));
      // the popular claims counted as refuted are the disagreeing verdicts that name one
      const named = (row.cells[3] ?? '').match(/popular claim/gi)?.length ?? 0;
      expect(counts.popular, `${id}: popular claims among what disagrees`).toBe(named);
    }
  });

  it('statuses: every verdict agrees, some disagree, none agrees, undecided, none at all', () => {
    expect(statusOf({ agrees: 3, disagrees: 0, inconclusive: 0 })).toBe('agrees');
    expect(statusOf({ agrees: 3, disagrees: 1, inconclusive: 0 })).toBe('disagrees in part');
    expect(statusOf({ agrees: 0, disagrees: 2, inconclusive: 1 })).toBe('refuted');
    expect(statusOf({ agrees: 2, disagrees: 0, inconclusive: 1 })).toBe('inconclusive in part');
    expect(statusOf({ agrees: 0, disagrees: 0, inconclusive: 2 })).toBe('inconclusive');
    expect(statusOf({ agrees: 0, disagrees: 0, inconclusive: 0 })).toBe('demonstrated (no verdict)');
    // popular claims the measurement refutes are findings, reported as refuted, apart from the experiment's own verdicts
    expect(statusOf({ agrees: 8, disagrees: 3, inconclusive: 0, popular: 3 })).toBe('agrees; 3 popular claims refuted');
    expect(statusOf({ agrees: 1, disagrees: 2, inconclusive: 1, popular: 1 })).toBe('disagrees in part; 1 popular claim refuted');
    expect(statusOf({ agrees: 0, disagrees: 1, inconclusive: 0, popular: 1 })).toBe('1 popular claim refuted');
    expect(countsText({ agrees: 8, disagrees: 3, inconclusive: 0, popular: 3 })).toBe('8 agree, 3 disagree (3 of them popular claims)');
    expect(markdownCell('σ_x = σ_F/|F′|\n and more')).toBe('σ_x = σ_F/\\|F′\\| and more');
  });
});
