/**
 * Writes docs/positional-error.svg for the README: (A) gradients of a few embryos with
 * lognormal kinetics, a threshold and the boundaries it places; (B) the positional error along
 * the axis, direct against propagated and fitted (FitEPM), from morphogen.positional-error.
 * Run: cd packages/morphogen-patterning && npx tsx scripts/positional-error-figure.ts
 */
import fs from 'node:fs';
import { runExperiment, Stream } from '@snrlab/core';
import { boundaryPositionFast, drawKinetics, finiteDomainProfile, NEURAL_TUBE_SHH as SHH, positionalErrorExperiment } from '../src/index.js';

const W = 890;
const H = 360;
const panel = { w: 360, h: 250, top: 50 };
const left = [70, 500];
const colours = ['#4477aa', '#66ccee', '#228833', '#ccbb44', '#ee6677', '#aa3377', '#bbbbbb', '#332288'];
const out: string[] = [];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const text = (x: number, y: number, s: string, opts = '') => out.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${opts}>${esc(s)}</text>`);
const line = (pts: [number, number][], style: string) => out.push(`<polyline fill="none" ${style} points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);

function axes(x0: number, xr: [number, number], yr: [number, number], logY: boolean, xt: number[], yt: number[], xl: string, yl: string, title: string) {
  const sx = (x: number) => x0 + ((x - xr[0]) / (xr[1] - xr[0])) * panel.w;
  const ty = (y: number) => (logY ? Math.log10(y) : y);
  const sy = (y: number) => panel.top + panel.h - ((ty(y) - ty(yr[0])) / (ty(yr[1]) - ty(yr[0]))) * panel.h;
  out.push(`<rect x="${x0}" y="${panel.top}" width="${panel.w}" height="${panel.h}" fill="none" stroke="#333"/>`);
  for (const t of xt) {
    out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${panel.top + panel.h}" y2="${panel.top + panel.h + 5}" stroke="#333"/>`);
    text(sx(t), panel.top + panel.h + 18, String(t), 'text-anchor="middle"');
  }
  for (const t of yt) {
    out.push(`<line x1="${x0 - 5}" x2="${x0}" y1="${sy(t)}" y2="${sy(t)}" stroke="#333"/>`);
    text(x0 - 8, sy(t) + 4, String(t), 'text-anchor="end"');
  }
  text(x0 + panel.w / 2, panel.top + panel.h + 38, xl, 'text-anchor="middle"');
  text(x0 - 48, panel.top + panel.h / 2, yl, `text-anchor="middle" transform="rotate(-90 ${x0 - 48} ${panel.top + panel.h / 2})"`);
  text(x0, panel.top - 14, title, 'font-weight="bold"');
  return { sx, sy };
}

// (A) embryo gradients and their boundaries
const geometry = { sourceLength: SHH.sourceLength, patterningLength: SHH.patterningLength };
const ref = { p: SHH.p, k: SHH.k, D: SHH.D };
const xRead = 8 * SHH.cellDiameter + SHH.cellDiameter / 2;
const theta = finiteDomainProfile({ ...ref, ...geometry }, xRead) * SHH.cellDiameter;
const A = axes(left[0], [0, 150], [1, 2000], true, [0, 50, 100, 150], [1, 10, 100, 1000], 'x (µm)', 'molecules per cell', 'A  Embryos with lognormal p, k, D (CV 0.3)');
const s = Stream.fromSeed(2024).child('figure');
colours.forEach((c, e) => {
  const q = drawKinetics(s, ref, { p: 0.3, k: 0.3, D: 0.3 });
  const pts: [number, number][] = [];
  for (let x = 0; x <= 150; x += 2) {
    const v = finiteDomainProfile({ ...q, ...geometry }, x) * SHH.cellDiameter;
    if (v >= 1 && v <= 2000) pts.push([A.sx(x), A.sy(v)]);
  }
  line(pts, `stroke="${c}" stroke-width="1.6"`);
  const xb = boundaryPositionFast(q, geometry, theta / SHH.cellDiameter);
  if (xb !== null && xb >= 0 && xb <= 150) out.push(`<circle cx="${A.sx(xb)}" cy="${A.sy(theta)}" r="4" fill="${c}" stroke="#222"/>`);
  if (e === 0) text(A.sx(152) - 4, A.sy(theta) - 6, 'threshold θ', 'text-anchor="end" font-size="11"');
});
line([[A.sx(0), A.sy(theta)], [A.sx(150), A.sy(theta)]], 'stroke="#222" stroke-dasharray="6 4"');
text(A.sx(4), A.sy(1.6), 'dots: where each embryo crosses θ — their sd is σ_x', 'font-size="11"');

// (B) positional error along the axis
const r = await runExperiment(positionalErrorExperiment, { realizations: 4000 }, { seed: 1 });
const rows = r.tables[0].rows as number[][];
const B = axes(left[1], [0, 200], [0, 200], false, [0, 50, 100, 150, 200], [0, 50, 100, 150, 200], 'boundary position x* (µm)', 'positional error σ_x (µm)', 'B  Three estimates of σ_x');
const series: [number, string, string][] = [
  [3, '#222222', 'direct: sd of crossings (DEEM)'],
  [5, '#4477aa', 'propagated σ_C/|dC̄/dx| (NumEPM)'],
  [6, '#ee6677', 'fitted exponential (FitEPM)'],
];
series.forEach(([col, c, label], i) => {
  const pts: [number, number][] = rows.filter((row) => row[col] !== null).map((row) => [B.sx(row[2]), B.sy(Math.min(200, row[col]))]);
  line(pts, `stroke="${c}" stroke-width="2" ${i ? 'stroke-dasharray="5 3"' : ''}`);
  for (const [x, y] of pts) out.push(`<circle cx="${x}" cy="${y}" r="3" fill="${c}"/>`);
  out.push(`<line x1="${left[1] + 14}" x2="${left[1] + 40}" y1="${panel.top + 18 + 18 * i}" y2="${panel.top + 18 + 18 * i}" stroke="${c}" stroke-width="2"/>`);
  text(left[1] + 46, panel.top + 22 + 18 * i, label, 'font-size="12"');
});
text(left[1] + 14, panel.top + 84, `σ_x = ${(r.metrics.sigmaXDirectNear / SHH.cellDiameter).toFixed(1)} cells near the source (λ = 19.26 µm)`, 'font-size="11"');

const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  ...out,
  `<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="11" fill="#555">Neural-tube SHH: D = 0.033 µm²/s, λ = 19.26 µm, cells 4.9 µm; generated by scripts/positional-error-figure.ts (seed 1)</text>`,
  '</svg>',
].join('\n');
fs.mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
fs.writeFileSync(new URL('../docs/positional-error.svg', import.meta.url), svg + '\n');
console.log('wrote docs/positional-error.svg');
