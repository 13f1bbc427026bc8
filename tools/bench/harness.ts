/**
 * Benchmark harness shared by every package's bench/*.bench.ts. Benchmarks print ratios
 * against a baseline measured in the same run (NumPy via python3, or an npm package), so a
 * number always comes with the yardstick it was measured against. Never used in tests.
 */
import { spawnSync } from 'node:child_process';

/** Median seconds per call of `fn`, over repeats of at least `minSeconds` each. */
export function timeIt(fn: () => void, opts: { minSeconds?: number; repeats?: number; warmup?: number } = {}): number {
  const minS = opts.minSeconds ?? 0.3;
  const repeats = opts.repeats ?? 5;
  for (let i = 0; i < (opts.warmup ?? 2); i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let calls = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      fn();
      calls++;
      t = performance.now();
    } while (t - t0 < minS * 1000);
    samples.push((t - t0) / 1000 / calls);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** Async variant of timeIt (for pools and async backends). */
export async function timeItAsync(fn: () => Promise<void>, opts: { repeats?: number; warmup?: number } = {}): Promise<number> {
  for (let i = 0; i < (opts.warmup ?? 1); i++) await fn();
  const samples: number[] = [];
  for (let r = 0; r < (opts.repeats ?? 3); r++) {
    const t0 = performance.now();
    await fn();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Time several contenders in alternating rounds and keep each one's fastest round (seconds).
 * On a shared machine load comes and goes; alternating exposes every contender to it alike,
 * and the minimum is each one's least disturbed run (the advice of Python's timeit). A
 * contender returns its seconds for one round, or null when it cannot run here.
 */
export async function interleaved(
  rounds: number,
  contenders: Record<string, () => number | null | Promise<number | null>>,
): Promise<Record<string, number | undefined>> {
  const best: Record<string, number | undefined> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) {
      const t = await run();
      if (t !== null && (best[name] === undefined || t < best[name]!)) best[name] = t;
    }
  }
  return best;
}

/** Seconds for one call of `fn`, after `warmup` unmeasured calls. */
export function once(fn: () => void, warmup = 0): number {
  for (let i = 0; i < warmup; i++) fn();
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/**
 * Run a Python/NumPy snippet that prints one JSON object on its last line, and return it.
 * Returns null (and says why) when python3 or NumPy is missing, so benches still run.
 */
export function python(code: string, timeoutSeconds = 600): Record<string, number> | null {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: timeoutSeconds * 1000, env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    console.log(`  (python baseline unavailable: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()})`);
    return null;
  }
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Python prelude: a best-of-repeats timer named `best(fn, repeats)` returning seconds per call. */
export const PY_TIMER = `
import json, time
import numpy as np
def best(fn, repeats=5, warmup=1):
    for _ in range(warmup): fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts)//2]
`;

export interface Row {
  benchmark: string;
  value: number;
  unit: string;
  /** value of the baseline in the same unit, measured in this run. */
  baseline?: number;
  baselineName?: string;
  /** 'higher' if bigger values are better (throughput), 'lower' for times. */
  better: 'higher' | 'lower';
  target?: string;
}

const fmt = (v: number) => (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-2 ? v.toExponential(3) : v.toPrecision(4));

/** Print rows with speed-up ratios against their baselines (>1 means faster than the baseline). */
export function report(title: string, rows: Row[]): void {
  console.log(`\n## ${title}`);
  console.log(`node ${process.version}, ${process.platform}-${process.arch}`);
  const table = rows.map((r) => {
    const ratio = r.baseline === undefined ? undefined : r.better === 'higher' ? r.value / r.baseline : r.baseline / r.value;
    return {
      benchmark: r.benchmark,
      value: `${fmt(r.value)} ${r.unit}`,
      baseline: r.baseline === undefined ? '-' : `${fmt(r.baseline)} ${r.unit} (${r.baselineName ?? 'baseline'})`,
      'speed-up': ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      target: r.target ?? '',
    };
  });
  console.table(table);
}
