/// <reference lib="dom" />
/**
 * One experiment on the page: its controls, a live run on browser workers, and everything the
 * experiment says about its measurements (verdicts, figures with data tables, tables), redrawn as
 * partial results arrive. A new control change aborts the running tasks and starts anew.
 */
import * as Comlink from 'comlink';
import type { Figure, PipelineExperiment, Table, Verdict } from '@snrlab/core';
import { createChart, figureRows, type ChartHandle } from './chart.js';
import { append, clear, fmt, h } from './dom.js';
import type { CoordinatorApi, Shown, Update } from './coordinator.js';
import type { Control, Panel } from './lessons.js';
import { cliCommand, resolveParams, toSetString, type ParamProblem } from './params.js';

const MAX_TABLE_ROWS = 200;

interface Pending {
  shown: Shown;
  final: boolean;
  run: number;
  measurements?: string;
  tasks?: number;
}

const nextFrame = () => new Promise<void>((r) => setTimeout(r, 0));

export interface PanelHost {
  seed: number | string;
  /** The URL's raw `--set` strings for this panel, by parameter. */
  raw: Record<string, string>;
  /** Called when a control changes this panel's raw parameters (the page rewrites the URL). */
  onRawChange(raw: Record<string, string>): void;
  workers: number;
}

export function statusOf(v: Verdict): 'agrees' | 'disagrees' | 'inconclusive' {
  const s = (v as { status?: string }).status;
  if (s === 'agrees' || s === 'disagrees' || s === 'inconclusive') return s;
  return v.agrees ? 'agrees' : 'disagrees';
}

let controlIds = 0;

export class PanelView {
  readonly el: HTMLElement;
  private params: Record<string, unknown> = {};
  private raw: Record<string, string>;
  private worker: Worker;
  private coordinator: Comlink.Remote<CoordinatorApi>;
  private ready: Promise<unknown>;
  private workers: number;
  private runCount = 0;
  private renderCount = 0;
  private charts = new Map<string, ChartHandle>();
  private pending: Pending | null = null;
  private rendering = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private firstPartialMs: number | null = null;

  private statusEl = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private problemsEl = h('div', { class: 'problems', role: 'alert' });
  private headlineEl = h('div', { class: 'headline', 'data-role': 'headline' });
  private verdictsEl = h('ul', { class: 'verdicts', 'data-role': 'verdicts' });
  private figuresEl = h('div', { class: 'figures' });
  private tablesEl = h('div', { class: 'tables' });
  private reproEl = h('code', { 'data-role': 'cli' });
  private measurementsEl = h('pre', { class: 'measurements', 'data-role': 'measurements' });
  private controlsEl = h('div', { class: 'controls' });

  constructor(
    readonly panel: Panel,
    readonly exp: PipelineExperiment,
    private host: PanelHost,
  ) {
    this.raw = { ...host.raw };
    this.workers = host.workers;
    this.worker = new Worker(new URL('./coordinator.ts', import.meta.url), { type: 'module', name: `snrlab-atlas-${panel.key}` });
    this.coordinator = Comlink.wrap<CoordinatorApi>(this.worker);
    this.ready = this.coordinator.init(host.workers, Comlink.proxy((u: Update) => this.onUpdate(u)));
    this.el = h(
      'section',
      { class: 'panel', 'data-panel': panel.key, 'data-experiment': exp.id, 'data-state': 'idle', 'aria-labelledby': `h-${panel.key}` },
      h('h3', { id: `h-${panel.key}` }, panel.title, ' ', h('span', { class: 'exp-id' }, `(${exp.id})`)),
      h('p', { class: 'claim' }, h('strong', {}, 'Claim tested: '), exp.claim),
      this.controlsEl,
      this.problemsEl,
      this.statusEl,
      this.headlineEl,
      h('h4', {}, 'Verdicts'),
      this.verdictsEl,
      this.figuresEl,
      h('details', { class: 'all-tables' }, h('summary', {}, 'Tables of the measurements'), this.tablesEl),
      h(
        'details',
        { class: 'repro' },
        h('summary', {}, 'Reproduce with the CLI (same numbers, byte for byte)'),
        h('p', {}, this.reproEl),
        h('p', {}, 'Measurements (as ', h('code', {}, 'snrlab run … --json'), ' prints them):'),
        this.measurementsEl,
      ),
    );
    this.resolve();
    this.buildControls();
  }

  private resolve(): ParamProblem[] {
    const r = resolveParams(this.exp.params, this.panel.base, this.raw);
    this.params = r.params;
    this.raw = r.raw;
    clear(this.problemsEl);
    for (const p of r.problems) append(this.problemsEl, h('p', { class: 'problem', 'data-parameter': p.parameter }, `URL parameter ${this.panel.key}.${p.parameter} ignored: ${p.message}`));
    const cmd = cliCommand(this.exp.id, this.exp.params, this.params, this.host.seed);
    this.reproEl.textContent = cmd.text;
    this.el.dataset.cli = JSON.stringify(cmd.argv);
    return r.problems;
  }

  private setParam(param: string, value: unknown): void {
    this.raw = { ...this.raw, [param]: toSetString(value) };
    this.resolve();
    this.host.onRawChange(this.raw);
    this.syncControls();
    // a burst of key presses starts one run; every change aborts the run in flight at once
    void this.coordinator.abort();
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.start(), 80);
  }

  private controlUpdaters: (() => void)[] = [];

  private syncControls(): void {
    for (const u of this.controlUpdaters) u();
  }

  private buildControls(): void {
    clear(this.controlsEl);
    this.controlUpdaters = [];
    for (const c of this.panel.controls) this.controlsEl.append(this.control(c));
  }

  private control(c: Control): HTMLElement {
    const id = `c${++controlIds}-${this.panel.key}-${c.param}`;
    const wrap = h('div', { class: `control control-${c.kind}` });
    if (c.kind === 'range' || c.kind === 'sweep') {
      const values = c.kind === 'range' ? c.values : c.maxes;
      const current = () => {
        const v = this.params[c.param];
        if (c.kind === 'range') return values.indexOf(v as number);
        const list = v as number[];
        return values.findIndex((m) => JSON.stringify(c.sweep(m)) === JSON.stringify(list));
      };
      const input = h('input', { type: 'range', id, min: 0, max: values.length - 1, step: 1, 'data-param': c.param });
      const out = h('output', { for: id });
      const update = () => {
        const i = current();
        const v = this.params[c.param];
        const text = c.kind === 'range' ? fmt(v) : `up to ${fmt((v as number[])[(v as number[]).length - 1])} (${(v as number[]).map(fmt).join(', ')})`;
        input.value = String(i < 0 ? 0 : i);
        input.setAttribute('aria-valuetext', i < 0 ? `custom: ${text}` : text);
        out.textContent = i < 0 ? `custom (from the URL): ${text}` : text;
      };
      input.addEventListener('input', () => {
        const m = values[Number(input.value)];
        this.setParam(c.param, c.kind === 'range' ? m : c.sweep(m));
      });
      this.controlUpdaters.push(update);
      update();
      append(wrap, h('label', { for: id }, c.label), input, out);
    } else if (c.kind === 'select') {
      const select = h('select', { id, 'data-param': c.param });
      for (const [value, label] of c.options) select.append(h('option', { value }, label));
      const update = () => {
        const v = this.params[c.param];
        select.value = String(c.list ? (v as string[])[0] : v);
      };
      select.addEventListener('change', () => this.setParam(c.param, c.list ? [select.value] : select.value));
      this.controlUpdaters.push(update);
      update();
      append(wrap, h('label', { for: id }, c.label), select);
    } else {
      const box = h('input', { type: 'checkbox', id, 'data-param': c.param });
      const update = () => {
        box.checked = JSON.stringify(this.params[c.param]) === JSON.stringify(c.on);
      };
      box.addEventListener('change', () => this.setParam(c.param, box.checked ? c.on : c.off));
      this.controlUpdaters.push(update);
      update();
      append(wrap, box, h('label', { for: id }, c.label));
    }
    return wrap;
  }

  setSeed(seed: number | string): void {
    this.host.seed = seed;
    this.resolve();
    void this.start();
  }

  /** Start a run (aborting the one in flight). */
  async start(): Promise<void> {
    const run = ++this.runCount;
    this.el.dataset.state = 'running';
    this.el.dataset.run = String(run);
    this.startedAt = performance.now();
    this.firstPartialMs = null;
    this.measurementsEl.textContent = '';
    this.statusEl.textContent = 'Starting…';
    await this.ready;
    if (run !== this.runCount) return;
    void this.coordinator.run(run, this.exp.id, this.params, this.host.seed);
  }

  private onUpdate(u: Update): void {
    if (u.run !== this.runCount) return;
    if (u.kind === 'error') {
      this.el.dataset.state = 'error';
      this.statusEl.textContent = `The run failed: ${u.message}`;
      return;
    }
    if (u.kind === 'progress') {
      this.progress(u);
      if (u.shown) this.schedule({ shown: u.shown, final: false, run: u.run });
      return;
    }
    this.schedule({ shown: u.shown, final: true, run: u.run, measurements: u.measurements, tasks: u.tasks });
  }

  private progress(ev: Extract<Update, { kind: 'progress' }>): void {
    if (ev.done > 0 && this.firstPartialMs === null) {
      this.firstPartialMs = performance.now() - this.startedAt;
      this.el.dataset.firstPartialMs = String(Math.round(this.firstPartialMs));
    }
    const stage = ev.stages > 1 ? ` (stage ${ev.stageIndex + 1} of ${ev.stages}: ${ev.stage})` : '';
    this.statusEl.textContent = `Running: ${ev.done} of ${ev.total} tasks${stage}, on ${this.workers} browser worker${this.workers > 1 ? 's' : ''}.`;
  }

  private schedule(p: Pending): void {
    this.pending = p;
    if (!this.rendering) void this.drain();
  }

  private async drain(): Promise<void> {
    this.rendering = true;
    try {
      while (this.pending) {
        const p = this.pending;
        this.pending = null;
        await this.render(p);
      }
    } finally {
      this.rendering = false;
    }
  }

  private async render(p: Pending): Promise<void> {
    this.renderVerdicts(p.shown.verdicts, p.final);
    await nextFrame();
    for (const f of p.shown.figures) {
      if (p.run !== this.runCount) return;
      await this.renderFigure(f, p.final);
      await nextFrame();
    }
    if (p.run !== this.runCount) return;
    if (p.final) this.renderTables(p.shown.tables);
    this.renderCount++;
    this.el.dataset.renders = String(this.renderCount);
    if (p.final) {
      this.measurementsEl.textContent = p.measurements ?? '';
      const secs = ((performance.now() - this.startedAt) / 1000).toFixed(1);
      this.statusEl.textContent = `Done: ${p.tasks} tasks in ${secs} s on ${this.workers} browser worker${this.workers > 1 ? 's' : ''} (seed ${String(this.host.seed)}).`;
      this.el.dataset.state = 'done';
    }
  }

  private renderVerdicts(verdicts: Verdict[], final: boolean): void {
    clear(this.headlineEl);
    clear(this.verdictsEl);
    const head = verdicts[this.panel.headline ?? 0] ?? verdicts[0];
    if (head) {
      const s = statusOf(head);
      append(
        this.headlineEl,
        h('p', { class: 'headline-claim' }, head.claim),
        h(
          'dl',
          {},
          h('dt', {}, 'Measured'),
          h('dd', { 'data-role': 'measured' }, fmt(head.measured), ' ', h('span', { class: 'ci' }, `(95% interval ${fmt(head.ci95[0])} to ${fmt(head.ci95[1])})`)),
          h('dt', {}, 'Theory'),
          h('dd', { 'data-role': 'theory' }, fmt(head.theory)),
          h('dt', {}, 'Verdict'),
          h('dd', {}, h('span', { class: `badge badge-${s}`, 'data-role': 'verdict', 'data-status': s }, final ? s : `${s} (so far)`)),
        ),
      );
    }
    for (const v of verdicts) {
      const s = statusOf(v);
      this.verdictsEl.append(
        h(
          'li',
          { 'data-status': s },
          h('span', { class: `badge badge-${s}` }, s),
          ' ',
          v.claim,
          ': measured ',
          fmt(v.measured),
          ` [${fmt(v.ci95[0])}, ${fmt(v.ci95[1])}], theory `,
          fmt(v.theory),
          v.note ? h('span', { class: 'note' }, ` — ${v.note}`) : null,
        ),
      );
    }
  }

  private async renderFigure(f: Figure, final: boolean): Promise<void> {
    let fig = this.figuresEl.querySelector<HTMLElement>(`figure[data-figure="${CSS.escape(f.name)}"]`);
    if (!fig) {
      const chart = h('div', { class: 'chart' });
      fig = h('figure', { 'data-figure': f.name }, chart, h('figcaption', {}, f.title), h('details', { class: 'data-table' }, h('summary', {}, `Data table: ${f.title}`), h('div', { class: 'table-host' })));
      this.figuresEl.append(fig);
      this.charts.set(f.name, createChart(chart));
    }
    await this.charts.get(f.name)!.update(f);
    // the data table follows the final result (live updates redraw only the chart)
    if (!final) return;
    const { columns, rows } = figureRows(f);
    const host = fig.querySelector('.table-host')!;
    clear(host);
    host.append(table(columns, rows));
    fig.dataset.points = String(rows.length);
  }

  private renderTables(tables: Table[]): void {
    clear(this.tablesEl);
    for (const t of tables) {
      append(this.tablesEl, h('h5', {}, t.title ?? t.name), table(t.columns, t.rows));
    }
  }

  close(): void {
    clearTimeout(this.restartTimer);
    for (const c of this.charts.values()) c.destroy();
    void this.coordinator.close().finally(() => this.worker.terminate());
  }
}

function table(columns: string[], rows: unknown[][]): HTMLElement {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  return h(
    'div',
    { class: 'table-scroll' },
    h('table', {}, h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...shown.map((r) => h('tr', {}, ...r.map((v) => h('td', {}, fmt(v))))))),
    rows.length > shown.length ? h('p', { class: 'note' }, `First ${shown.length} of ${rows.length} rows.`) : null,
  );
}
