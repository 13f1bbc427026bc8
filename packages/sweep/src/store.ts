/**
 * The results store: one SQLite file in WAL mode with synchronous=FULL, one row per finished
 * point, written the moment it finishes. A killed sweep (SIGKILL, power loss) loses only the
 * points in flight; `resume` skips every point already stored as done.
 */
import Database from 'better-sqlite3';
import type { ExperimentResult, Verdict } from '@snrlab/core';
import { canonicalJSON, type SweepPoint, type SweepSpec } from './spec.js';

export interface PointRow {
  index: number;
  point: number;
  replica: number;
  params: Record<string, unknown>;
  seed: string;
  status: 'done' | 'failed';
  /** The experiment's typed measurements (JSON; NaN and ±Infinity become null). */
  measurements: unknown;
  metrics: Record<string, number> | null;
  verdicts: Verdict[] | null;
  manifest: ExperimentResult['manifest'] | null;
  error: string | null;
  attempts: number;
  finishedAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS points (
  idx INTEGER PRIMARY KEY,
  point INTEGER NOT NULL,
  replica INTEGER NOT NULL,
  params TEXT NOT NULL,
  seed TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  measurements TEXT,
  metrics TEXT,
  verdicts TEXT,
  manifest TEXT,
  error TEXT,
  attempts INTEGER NOT NULL,
  finished_at TEXT NOT NULL
);`;

export class ResultsStore {
  readonly db: Database.Database;
  private insert: Database.Statement;

  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    // stores written before measurements were kept gain the column (null for their rows)
    const columns = (this.db.prepare(`PRAGMA table_info(points)`).all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('measurements')) this.db.exec(`ALTER TABLE points ADD COLUMN measurements TEXT`);
    this.insert = this.db.prepare(
      `INSERT OR REPLACE INTO points (idx, point, replica, params, seed, status, measurements, metrics, verdicts, manifest, error, attempts, finished_at)
       VALUES (@idx, @point, @replica, @params, @seed, @status, @measurements, @metrics, @verdicts, @manifest, @error, @attempts, @finished_at)`,
    );
  }

  /** The spec this store belongs to (canonical JSON), if any. */
  spec(): SweepSpec | null {
    const row = this.db.prepare(`SELECT value FROM sweep WHERE key = 'spec'`).get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as SweepSpec) : null;
  }

  setSpec(spec: SweepSpec): void {
    this.db.prepare(`INSERT OR REPLACE INTO sweep (key, value) VALUES ('spec', ?)`).run(canonicalJSON(spec));
  }

  /** Indices already stored as done. */
  doneIndices(): Set<number> {
    return new Set((this.db.prepare(`SELECT idx FROM points WHERE status = 'done'`).all() as { idx: number }[]).map((r) => r.idx));
  }

  count(): { done: number; failed: number } {
    const r = this.db.prepare(`SELECT SUM(status = 'done') AS done, SUM(status = 'failed') AS failed FROM points`).get() as { done: number | null; failed: number | null };
    return { done: r.done ?? 0, failed: r.failed ?? 0 };
  }

  write(p: SweepPoint, outcome: { status: 'done'; result: Pick<ExperimentResult, 'measurements' | 'metrics' | 'verdicts' | 'manifest'>; attempts: number } | { status: 'failed'; error: string; attempts: number }): void {
    this.insert.run({
      idx: p.index,
      point: p.point,
      replica: p.replica,
      params: canonicalJSON(p.params),
      seed: p.seed,
      status: outcome.status,
      measurements: outcome.status === 'done' && outcome.result.measurements !== undefined ? JSON.stringify(outcome.result.measurements) : null,
      metrics: outcome.status === 'done' ? JSON.stringify(outcome.result.metrics) : null,
      verdicts: outcome.status === 'done' ? JSON.stringify(outcome.result.verdicts) : null,
      manifest: outcome.status === 'done' ? JSON.stringify(outcome.result.manifest) : null,
      error: outcome.status === 'failed' ? outcome.error : null,
      attempts: outcome.attempts,
      finished_at: new Date().toISOString(),
    });
  }

  rows(): PointRow[] {
    const raw = this.db.prepare(`SELECT * FROM points ORDER BY idx`).all() as Record<string, unknown>[];
    return raw.map((r) => ({
      index: r.idx as number,
      point: r.point as number,
      replica: r.replica as number,
      params: JSON.parse(r.params as string),
      seed: r.seed as string,
      status: r.status as 'done' | 'failed',
      measurements: r.measurements ? JSON.parse(r.measurements as string) : null,
      metrics: r.metrics ? JSON.parse(r.metrics as string) : null,
      verdicts: r.verdicts ? JSON.parse(r.verdicts as string) : null,
      manifest: r.manifest ? JSON.parse(r.manifest as string) : null,
      error: (r.error as string | null) ?? null,
      attempts: r.attempts as number,
      finishedAt: r.finished_at as string,
    }));
  }

  close(): void {
    this.db.close();
  }
}
