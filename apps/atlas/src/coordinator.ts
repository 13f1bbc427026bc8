/// <reference lib="dom" />
/**
 * The coordinator: a worker that runs `runExperiment` for one panel, with its tasks on a pool of
 * task workers (BrowserWorkerExecutor), live progress, and cancellation. Planning, the live
 * reduces, `judge` and `present` all happen here, so the page's main thread only draws: it never
 * blocks while the experiment computes, whatever an experiment's reduce costs.
 */
import './node-math.js';
import * as Comlink from 'comlink';
import { runExperiment, type Figure, type Table, type Verdict } from '@snrlab/core';
import { experiment } from './engines.js';
import { BrowserWorkerExecutor } from './executor.js';

export interface Shown {
  verdicts: Verdict[];
  figures: Figure[];
  tables: Table[];
}

export type Update =
  | { kind: 'progress'; run: number; done: number; total: number; stage: string; stageIndex: number; stages: number; shown?: Shown }
  | { kind: 'final'; run: number; shown: Shown; measurements: string; tasks: number }
  | { kind: 'error'; run: number; message: string };

export interface CoordinatorApi {
  init(workers: number, onUpdate: (u: Update) => void): Promise<number>;
  run(run: number, id: string, params: Record<string, unknown>, seed: number | string): Promise<void>;
  abort(): void;
  close(): Promise<void>;
}

let executor: BrowserWorkerExecutor | undefined;
let notify: (u: Update) => void = () => {};
let controller: AbortController | undefined;

const api: CoordinatorApi = {
  async init(workers, onUpdate) {
    notify = onUpdate;
    executor = new BrowserWorkerExecutor({ workers });
    await executor.warm();
    return executor.workers;
  },
  abort() {
    controller?.abort();
  },
  async run(run, id, params, seed) {
    controller?.abort();
    const ac = new AbortController();
    controller = ac;
    const exp = experiment(id);
    try {
      const result = await runExperiment(exp, params, {
        seed,
        executor,
        live: true,
        liveIntervalMs: 250,
        signal: ac.signal,
        onProgress: (ev) => {
          if (ac.signal.aborted) return;
          let shown: Shown | undefined;
          if (ev.measurements !== undefined) {
            try {
              const p = exp.present(ev.measurements, params as never);
              // tables follow the final result only: live updates carry what is redrawn
              shown = { verdicts: exp.judge(ev.measurements, params as never), figures: p.figures ?? [], tables: [] };
            } catch {
              shown = undefined; // too few partials to judge yet
            }
          }
          notify({ kind: 'progress', run, done: ev.done, total: ev.total, stage: ev.stage, stageIndex: ev.stageIndex, stages: ev.stages, shown });
        },
      });
      if (ac.signal.aborted) return;
      const tasks = Object.values(result.manifest.tasks ?? {}).reduce((a, b) => a + b, 0);
      notify({ kind: 'final', run, shown: { verdicts: result.verdicts, figures: result.figures, tables: result.tables }, measurements: JSON.stringify(result.measurements), tasks });
    } catch (e) {
      if (ac.signal.aborted) return;
      notify({ kind: 'error', run, message: (e as Error).message });
    }
  },
  async close() {
    controller?.abort();
    await executor?.close();
  },
};

Comlink.expose(api);
