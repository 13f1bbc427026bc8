/**
 * The shared test of the experiment pipeline, for every package's experiments:
 * - at reduced sizes and a fixed seed, the inline run equals the stored golden result byte for
 *   byte (metrics, verdicts, tables, notes, and a hash of the figures), so a refactoring that
 *   moves a number fails;
 * - a pool of 1 and of 2 workers give the same bytes as the inline run;
 * - an abort stops the run with a CancelledError that says what was finished;
 * - every point verdict can fail: with theory placed 10 SE from the measured value, either way,
 *   it does not agree (an allowance that swallows that is too large to be a verdict); an
 *   equivalence verdict likewise with its margin plus 10 SE.
 *
 * Record the golden files with the current code (before a change) by running the package's
 * tests with SNRLAB_RECORD_GOLDEN=1; they are written next to the test as
 * `test/golden/<id>.json`. Never re-record to make a test pass: a moved number is a finding.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, reassess, runExperiment, WorkerPool, type Experiment, type ExperimentResult, type Verdict } from '@snrlab/core';

/** JSON with sorted keys; non-finite numbers and −0 spelled out so that they survive. */
export function canonicalJSON(value: unknown): string {
  const enc = (v: unknown): unknown => {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return '__NaN__';
      if (v === Infinity) return '__+Infinity__';
      if (v === -Infinity) return '__-Infinity__';
      if (Object.is(v, -0)) return '__-0__';
      return v;
    }
    if (Array.isArray(v)) return v.map(enc);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>).map(enc);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined) o[k] = enc(x);
      }
      return o;
    }
    return v;
  };
  return JSON.stringify(enc(value), null, 1);
}

/** What a golden file keeps of a result: every number a reader sees, and the figures' hash. */
export function goldenOf(r: ExperimentResult): Record<string, unknown> {
  return {
    id: r.id,
    params: r.params,
    metrics: r.metrics,
    verdicts: r.verdicts,
    tables: r.tables,
    notes: r.notes,
    figures: createHash('sha256').update(canonicalJSON(r.figures)).digest('hex'),
  };
}

export interface PipelineSuiteOptions {
  /** `import.meta.url` of the calling test file; golden files live in `golden/` beside it. */
  testFile: string;
  experiments: readonly Experiment<any>[];
  /** Reduced parameters per experiment id: each run should take well under a second or two. */
  reduced: Record<string, Record<string, unknown>>;
  seed?: number;
  /** Experiment ids whose golden comparison is skipped, with the reason (printed). */
  skipGolden?: Record<string, string>;
}

/**
 * Verdicts known not to fail yet (claim texts by experiment id), the open findings of the verdict
 * review: `cannot-fail-yet.json` in the package's `test/` folder. Any other verdict that cannot
 * fail fails the test.
 */
function cannotFailYet(testFile: string): Record<string, string[]> {
  let dir = path.dirname(fileURLToPath(testFile));
  for (let i = 0; i < 4; i++) {
    const f = path.join(dir, 'cannot-fail-yet.json');
    if (fs.existsSync(f)) return JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, string[]>;
    if (path.basename(dir) === 'test') break;
    dir = path.dirname(dir);
  }
  return {};
}

/** Registers the vitest suite described at the top of this file. */
export function pipelineSuite(o: PipelineSuiteOptions): void {
  const seed = o.seed ?? 7;
  const dir = path.join(path.dirname(fileURLToPath(o.testFile)), 'golden');
  const record = process.env.SNRLAB_RECORD_GOLDEN === '1';
  const inline = new Map<string, string>();
  const inlineResults = new Map<string, ExperimentResult>();
  const known_ = cannotFailYet(o.testFile);
  let pool1: WorkerPool;
  let pool2: WorkerPool;

  describe('pipeline: reduced sizes, fixed seed', () => {
    beforeAll(() => {
      pool1 = new WorkerPool({ workers: 1 });
      pool2 = new WorkerPool({ workers: 2 });
    });
    afterAll(async () => {
      await pool1?.close();
      await pool2?.close();
    });

    it('every experiment has reduced parameters', () => {
      const missing = o.experiments.map((e) => e.id).filter((id) => !(id in o.reduced));
      expect(missing).toEqual([]);
    });

    for (const exp of o.experiments) {
      const params = o.reduced[exp.id] ?? {};
      it(`${exp.id}: inline run equals its golden result`, async () => {
        const r = await runExperiment(exp, params, { seed });
        const got = canonicalJSON(goldenOf(r));
        inline.set(exp.id, got);
        inlineResults.set(exp.id, r);
        const file = path.join(dir, `${exp.id}.json`);
        if (record) {
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(file, got + '\n');
          return;
        }
        if (o.skipGolden?.[exp.id]) {
          console.warn(`${exp.id}: golden comparison skipped: ${o.skipGolden[exp.id]}`);
          return;
        }
        expect(fs.existsSync(file), `${file} is missing: record it with SNRLAB_RECORD_GOLDEN=1 before changing the experiment`).toBe(true);
        expect(got).toBe(fs.readFileSync(file, 'utf8').trimEnd());
      });
    }

    if (record) return;

    for (const exp of o.experiments) {
      const params = o.reduced[exp.id] ?? {};
      it(`${exp.id}: 1 and 2 workers give the inline bytes`, async () => {
        const want = inline.get(exp.id) ?? canonicalJSON(goldenOf(await runExperiment(exp, params, { seed })));
        for (const pool of [pool1, pool2]) {
          const r = await runExperiment(exp, params, { seed, executor: pool });
          expect(canonicalJSON(goldenOf(r))).toBe(want);
          expect(r.manifest.executor).toEqual({ kind: 'pool', workers: pool.workers });
        }
      }, 240_000); // two pool runs of the experiment: generous on a loaded machine
    }

    for (const exp of o.experiments) {
      const params = o.reduced[exp.id] ?? {};
      it(`${exp.id}: its verdicts can fail (theory 10 SE from the measurement)`, async () => {
        const r = inlineResults.get(exp.id) ?? (await runExperiment(exp, params, { seed }));
        const known = new Set(known_[exp.id] ?? []);
        const stuck = r.verdicts.filter((v) => !canFail(v) && !known.has(v.claim)).map((v) => v.claim);
        expect(stuck, 'verdicts that still agree with theory moved by 10 SE (fix them, or list them as open findings in test/cannot-fail-yet.json)').toEqual([]);
      });
    }

    for (const exp of o.experiments) {
      const params = o.reduced[exp.id] ?? {};
      it(`${exp.id}: an abort stops the run and says what was finished`, async () => {
        const ac = new AbortController();
        // the runner reports each stage's start after its tasks are handed out, so this abort
        // lands while the first tasks are in flight (and kills them)
        const run = runExperiment(exp, params, { seed, executor: pool1, signal: ac.signal, onProgress: () => ac.abort() });
        const err = await run.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CancelledError);
        expect((err as CancelledError).message).toMatch(/finished/);
      });
    }
  });
}

/**
 * Can the verdict fail? With theory placed 10 SE from the measured value (plus the margin, for an
 * equivalence claim), on either side, it must not agree: an acceptance region wider than that is an
 * allowance that swallows the effect.
 */
export function canFail(v: Verdict): boolean {
  if (v.kind === 'directional') return true; // one-sided: decided by the side of the bound, not a distance
  const [lo, hi] = v.ci95;
  const se = v.se ?? (Number.isFinite(lo) && Number.isFinite(hi) ? (hi - lo) / (2 * 1.959963984540054) : NaN);
  if (!Number.isFinite(se) || !Number.isFinite(v.measured)) return v.status !== 'agrees';
  const shift = 10 * se + (v.kind === 'equivalence' ? (v.margin ?? 0) : 0);
  return reassess(v, v.measured + shift) !== 'agrees' && reassess(v, v.measured - shift) !== 'agrees';
}
