/// <reference lib="dom" />
// Node's Math first: the engines draw their random numbers with it (see node-math.ts)
import './node-math.js';
import './style.css';
import { experiment } from './engines.js';
import { append, h } from './dom.js';
import { lessonById, lessons, type Lesson } from './lessons.js';
import { PanelView } from './panel.js';
import { parseSeed } from './params.js';

const app = document.getElementById('app')!;
const url = new URL(window.location.href);
const q = url.searchParams;
const lesson: Lesson = lessonById(q.get('lesson'));
const seedParsed = parseSeed(q.get('seed'));
let seed = seedParsed.seed;
const hc = navigator.hardwareConcurrency || 2;

function writeUrl(): void {
  window.history.replaceState(null, '', `?${q.toString()}`);
}

function selection(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of lesson.selectors ?? []) {
    const v = q.get(s.key);
    out[s.key] = s.options.some(([o]) => o === v) ? (v as string) : s.options[0][0];
  }
  return out;
}

function rawFor(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q.entries()) if (k.startsWith(`${key}.`)) out[k.slice(key.length + 1)] = v;
  return out;
}

let panels: PanelView[] = [];
const panelsEl = h('div', { class: 'panels' });

function mountPanels(): void {
  for (const p of panels) p.close();
  panels = [];
  panelsEl.replaceChildren();
  const defs = lesson.panels(selection());
  // one core stays free for the page itself, so drawing never waits behind the workers
  const workers = Math.max(1, Math.floor(Math.max(1, Math.min(hc - 1, 4)) / defs.length));
  for (const def of defs) {
    let exp;
    try {
      exp = experiment(def.experiment);
    } catch (e) {
      panelsEl.append(h('p', { class: 'problem', role: 'alert' }, `${def.title}: ${(e as Error).message}`));
      continue;
    }
    const view = new PanelView(def, exp, {
      seed,
      raw: rawFor(def.key),
      workers,
      onRawChange(raw) {
        for (const k of [...q.keys()]) if (k.startsWith(`${def.key}.`)) q.delete(k);
        for (const [k, v] of Object.entries(raw)) q.set(`${def.key}.${k}`, v);
        writeUrl();
      },
    });
    panels.push(view);
    panelsEl.append(view.el);
  }
  for (const p of panels) void p.start();
}

function render(): void {
  document.title = `${lesson.number}. ${lesson.title} — snrlab atlas`;
  const nav = h('nav', { 'aria-label': 'Lessons' }, h('ol', {}, ...lessons.map((l) => h('li', {}, h('a', { href: `?lesson=${l.id}`, 'aria-current': l.id === lesson.id ? 'page' : undefined }, `${l.number}. ${l.title}`)))));
  const seedId = 'seed-input';
  const seedInput = h('input', { id: seedId, type: 'text', inputmode: 'numeric', value: String(seed), size: 8, 'data-role': 'seed' });
  const seedProblem = h('p', { class: 'problem', role: 'alert' }, seedParsed.problem ?? '');
  seedInput.addEventListener('change', () => {
    const s = parseSeed(seedInput.value.trim());
    seedProblem.textContent = s.problem ?? '';
    if (s.problem) return;
    seed = s.seed;
    q.set('seed', String(seed));
    writeUrl();
    for (const p of panels) p.setSeed(seed);
  });
  const selectors = (lesson.selectors ?? []).map((s) => {
    const id = `sel-${s.key}`;
    const select = h('select', { id, 'data-selector': s.key });
    for (const [v, label] of s.options) select.append(h('option', { value: v }, label));
    select.value = selection()[s.key];
    select.addEventListener('change', () => {
      q.set(s.key, select.value);
      writeUrl();
      mountPanels();
    });
    return h('div', { class: 'control' }, h('label', { for: id }, s.label), select);
  });
  const main = h(
    'main',
    { id: 'main', 'data-lesson': lesson.id },
    h('h2', {}, `${lesson.number}. ${lesson.title}`),
    ...lesson.explanation.map((p) => h('p', { class: 'explanation' }, p)),
    h('p', { class: 'lesson-claim' }, h('strong', {}, 'The claim: '), lesson.claim),
    h('div', { class: 'lesson-controls' }, h('div', { class: 'control' }, h('label', { for: seedId }, 'Seed'), seedInput), ...selectors),
    seedProblem,
    panelsEl,
  );
  append(
    app,
    h('a', { class: 'skip', href: '#main' }, 'Skip to the lesson'),
    h('header', {}, h('h1', {}, 'snrlab atlas'), h('p', {}, 'One mathematics of signal and noise, run live in your browser: the same experiments, the same numbers as the ', h('code', {}, 'snrlab'), ' command line.')),
    nav,
    main,
    h('footer', {}, 'Every number on this page is computed here, in Web Workers, from the seed in the address bar; nothing is fetched from a server.'),
  );
  mountPanels();
}

render();
