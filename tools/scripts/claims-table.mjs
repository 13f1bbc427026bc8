#!/usr/bin/env node
// Writes the README's table of claims: every registered experiment's claim, grouped by domain, with
// the verdicts it returns at its defaults and seed 1, between <!-- claims:start --> and
// <!-- claims:end -->. Runs each experiment through the built CLI (`npm run build` first).
// Usage: node tools/scripts/claims-table.mjs [--workers N] [--only id,id…]
//   --only reruns those experiments and keeps the other rows as they are in README.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const START = '<!-- claims:start -->';
export const END = '<!-- claims:end -->';

/** Text as one Markdown table cell: pipes escaped, whitespace on one line. */
export function markdownCell(text) {
  return String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

/**
 * A verdict that tests a popular claim (its claim says "popular claim") is the experiment's foil:
 * when it disagrees the measurement refutes that claim, which is a finding, not a failure of the
 * experiment's own theory. Such verdicts are counted apart (`popular`, among `disagrees`).
 */
export const POPULAR = /popular claim/i;

/**
 * One experiment's status from its verdicts, popular claims refuted set apart: agrees (every own
 * verdict agrees), refuted (some disagree and none agrees), disagrees in part (some of each),
 * inconclusive (none disagrees, some cannot be decided), demonstrated (no verdict); then
 * "; N popular claim(s) refuted" when the measurement refutes popular claims.
 */
export function statusOf(counts) {
  const popular = counts.popular ?? 0;
  const agrees = counts.agrees;
  const disagrees = counts.disagrees - popular;
  const inconclusive = counts.inconclusive;
  let own;
  if (agrees + disagrees + inconclusive === 0) own = popular > 0 ? null : 'demonstrated (no verdict)';
  else if (disagrees > 0) own = agrees > 0 ? 'disagrees in part' : 'refuted';
  else if (inconclusive > 0) own = agrees > 0 ? 'inconclusive in part' : 'inconclusive';
  else own = 'agrees';
  if (popular === 0) return own;
  const refuted = `${popular} popular claim${popular > 1 ? 's' : ''} refuted`;
  return own ? `${own}; ${refuted}` : refuted;
}

export function countsText(counts) {
  const parts = [];
  if (counts.agrees) parts.push(`${counts.agrees} agree`);
  if (counts.disagrees) parts.push(`${counts.disagrees} disagree${counts.popular ? ` (${counts.popular} of them popular claim${counts.popular > 1 ? 's' : ''})` : ''}`);
  if (counts.inconclusive) parts.push(`${counts.inconclusive} inconclusive`);
  return parts.length ? parts.join(', ') : 'none';
}

/** The rows of the table in README text: id → { domain, claim, cells } (cells as written). */
export function parseTable(readme) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
  const rows = new Map();
  let domain = null;
  for (const line of readme.slice(a + START.length, b).split('\n')) {
    const h = /^#### (\S+)/.exec(line);
    if (h) domain = h[1];
    const r = /^\| `([^`]+)` \| (.*) \|$/.exec(line);
    if (!r) continue;
    // split on pipes not escaped
    const cells = r[2].split(/(?<!\\) \| /);
    rows.set(r[1], { domain, claim: cells[0], cells });
  }
  return rows;
}

function blockOf(experiments, rowOf) {
  const domains = [...new Set(experiments.map((e) => e.domain))];
  const out = [START, ''];
  for (const d of domains) {
    out.push(`#### ${d}`, '', '| experiment | claim | verdicts | status | what disagrees |', '| --- | --- | --- | --- | --- |');
    for (const e of experiments.filter((x) => x.domain === d)) out.push(rowOf(e));
    out.push('');
  }
  out.push(END);
  return out.join('\n');
}

const cli = fileURLToPath(new URL('../../apps/cli/dist/cli.js', import.meta.url));

function snrlab(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r;
}

function run(id, workers) {
  const t0 = Date.now();
  const r = snrlab(['run', id, '--seed', '1', '--workers', String(workers), '--json']);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stderr.write(`${id}: failed (exit ${r.status}) after ${seconds} s\n${r.stderr}\n`);
    return { failed: `run failed (exit ${r.status})` };
  }
  const verdicts = JSON.parse(r.stdout).verdicts;
  const counts = { agrees: 0, disagrees: 0, inconclusive: 0, popular: 0 };
  for (const v of verdicts) {
    counts[v.status]++;
    if (v.status === 'disagrees' && POPULAR.test(v.claim)) counts.popular++;
  }
  process.stderr.write(`${id}: ${countsText(counts)} (${seconds} s)\n`);
  const shorten = (t) => (t.length > 140 ? `${t.slice(0, 139)}…` : t);
  return { counts, disagree: verdicts.filter((v) => v.status === 'disagrees').map((v) => shorten(v.claim.replace(/\s+/g, ' '))) };
}

function main(argv) {
  let workers = 1;
  let only = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workers') workers = Number(argv[++i]);
    else if (argv[i] === '--only') only = new Set(argv[++i].split(','));
    else {
      console.error('usage: claims-table.mjs [--workers N] [--only id,id…]');
      return 2;
    }
  }
  if (!Number.isInteger(workers) || workers < 1) {
    console.error(`--workers: got ${workers}; expected an integer ≥ 1`);
    return 2;
  }
  if (!fs.existsSync(cli)) {
    console.error(`${cli} is missing: run npm run build first`);
    return 2;
  }
  const list = snrlab(['list', '--json']);
  if (list.status !== 0) throw new Error(`snrlab list failed: ${list.stderr}`);
  const experiments = JSON.parse(list.stdout);
  const readmeFile = fileURLToPath(new URL('../../README.md', import.meta.url));
  const readme = fs.readFileSync(readmeFile, 'utf8');
  const old = only ? parseTable(readme) : new Map();
  for (const id of only ?? []) if (!experiments.some((e) => e.id === id)) throw new Error(`--only: no experiment '${id}'`);
  const unrun = only ? experiments.filter((e) => !only.has(e.id) && !old.has(e.id)).map((e) => e.id) : [];
  if (unrun.length) throw new Error(`--only: the table has no row for ${unrun.join(', ')}; add them to --only, or run without it`);
  let failed = 0;
  const rowOf = (e) => {
    const head = `| \`${e.id}\` | ${markdownCell(e.claim)} |`;
    if (only && !only.has(e.id)) return `${head} ${old.get(e.id).cells.slice(1).join(' | ')} |`;
    const r = run(e.id, workers);
    if (r.failed) {
      failed++;
      return `${head} — | ${r.failed} | |`;
    }
    return `${head} ${countsText(r.counts)} | ${statusOf(r.counts)} | ${r.disagree.map(markdownCell).join('; ')} |`;
  };
  const block = blockOf(experiments, rowOf);
  // read again: the runs take minutes, and the rest of README.md may have changed meanwhile
  const now = fs.readFileSync(readmeFile, 'utf8');
  const a = now.indexOf(START);
  const b = now.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
  fs.writeFileSync(readmeFile, now.slice(0, a) + block + now.slice(b + END.length));
  process.stderr.write(`README.md: ${experiments.length} experiments${failed ? `, ${failed} failed` : ''}\n`);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
