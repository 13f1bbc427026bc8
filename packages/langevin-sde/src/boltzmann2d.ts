/**
 * The Boltzmann density of a 2-D potential, exp(−U/T)/Z, normalised by 2-D quadrature on a box,
 * and the check of a sample of positions against a 2-D law (moments and a χ² test on a 2-D
 * histogram), as verdicts.
 *
 * The quadrature is core's Gauss–Legendre rule, composite (8 nodes per panel) and tensor-product
 * over the box; the histogram's cells are unions of panels, so their probabilities come from the
 * same rule. The number of panels doubles until two successive rules agree.
 *
 * The box, and why it can be trusted (the confinement check in 2-D):
 * 1. Square boxes [−R, R]², R = 1, 2, 4, … 2²⁰, are searched until U on the box's edge is at
 *    least 40·T above its smallest value inside (on a 129² grid): exp(−U/T) has fallen below
 *    e^−40 of its peak all round. None up to 2²⁰ ⇒ the density cannot be normalised (refused).
 * 2. The box shrinks to the grid cells where exp(−(U − U_min)/T) > e^−40 (refined twice), then
 *    grows by one histogram cell on every side: that outer ring of cells lies beyond the e^−40
 *    contour.
 * 3. The mass in that ring must be ≤ 10⁻⁹ of Z (`EDGE_MASS_MAX`). A density that has decayed to
 *    e^−40 at the contour holds ~e^−40 there; a tail too heavy to normalise (or to test on a box)
 *    leaves its mass in the ring. The bound: at the experiments' largest sample (10⁷ replicas)
 *    10⁻⁹ is 0.01 expected positions in the ring, and no more beyond it if the tail keeps decaying
 *    as it does across the ring: under one position, so truncating the law to the box cannot move
 *    the histogram test.
 * 4. The rule must converge: Z and every cell probability agree to 10⁻⁸ (`QUADRATURE_TOL`)
 *    between two rules of 8·C·2^k and 8·C·2^(k+1) nodes per axis (k ≤ 2); a cell probability off
 *    by 10⁻⁸ moves an expected count by ≤ 0.1 at 10⁷ positions, against a Poisson spread ≥ √5
 *    for every cell the test keeps (expected counts ≥ 5).
 * A failure of any step is a ParameterError naming the potential, with the numbers.
 */
import { chiSquareSf, chiSquareTest, gaussLegendre, Moments, ParameterError, simultaneousVerdicts, verdict, type Allowance, type Stream, type Verdict } from '@snrlab/core';
import type { Potential } from './potentials.js';
import type { InitialDistribution } from './reference.js';

/** exp(−U/T) falls below e^−MARGIN of its peak on the box's edge. */
const MARGIN = 40;
/** Largest mass allowed in the outer ring of histogram cells (see the header, step 3). */
export const EDGE_MASS_MAX = 1e-9;
/** Agreement required between two successive quadrature rules (see the header, step 4). */
export const QUADRATURE_TOL = 1e-8;
/** Gauss–Legendre nodes per panel. */
const GL = 8;
/** Largest search box half-width, 2^20 (≈ the reach of `assertConfining`'s rays). */
const R_MAX = 2 ** 20;

/** An axis-aligned box [x0, x1] × [y0, y1]. */
export interface Box2D {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/** A 2-D law on a box, normalised there, with what a histogram test needs. */
export interface Law2D {
  readonly box: Box2D;
  /** Histogram cells per axis (C); the box is split into C × C equal cells. */
  readonly cells: number;
  /** Probability of cell (ix, iy) at index ix·C + iy (x is the slow index); they sum to 1. */
  readonly cellProbabilities: Float64Array;
  /** Mass in the outer ring of cells (the cells that touch the box's edge). */
  readonly edgeMass: number;
  readonly mean: readonly [number, number];
  /** [Var x, Cov(x, y), Var y]. */
  readonly covariance: readonly [number, number, number];
  /** Gauss–Legendre nodes per axis of the rule that converged. */
  readonly nodes: number;
  /** Density at (x, y) (normalised on the box). */
  pdf(x: number, y: number): number;
  /** ∫∫ f p over the box, by the converged rule. */
  expectation(f: (x: number, y: number) => number): number;
  /** Draws (x, y): a cell of a 256² grid by its midpoint weight, then uniformly in it (a start law). */
  sampler(): InitialDistribution;
}

export interface Boltzmann2D extends Law2D {
  readonly temperature: number;
  /** log Z, Z = ∫∫ exp(−U/T) over the box. */
  readonly logZ: number;
}

const round = (v: number) => Number(v.toPrecision(4));

/** The law with density ∝ exp(logw) on `box`, by composite Gauss–Legendre rules that double until they agree. */
function quadratureLaw(logw: (x: number, y: number) => number, box: Box2D, cells: number, refuse: (allowed: string, note: string) => never): Law2D & { logZ: number } {
  const C = cells;
  const rule = (panels: number) => {
    const axis = (lo: number, hi: number) => {
      const n = panels * GL;
      const at = new Float64Array(n);
      const w = new Float64Array(n);
      const h = (hi - lo) / panels;
      for (let p = 0; p < panels; p++) {
        const r = gaussLegendre(GL, lo + p * h, p === panels - 1 ? hi : lo + (p + 1) * h);
        at.set(r.nodes, p * GL);
        w.set(r.weights, p * GL);
      }
      return { at, w };
    };
    const X = axis(box.x[0], box.x[1]);
    const Y = axis(box.y[0], box.y[1]);
    const n = panels * GL;
    const lw = new Float64Array(n * n);
    let top = -Infinity;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = logw(X.at[i], Y.at[j]);
        if (Number.isNaN(v)) refuse('a potential that is a real number on the box', `U is not a real number at (${round(X.at[i])}, ${round(Y.at[j])})`);
        lw[i * n + j] = v;
        if (v > top) top = v;
      }
    }
    if (!Number.isFinite(top)) refuse('a potential with a finite minimum, so that exp(−U/T) can be normalised', `the largest weight on the box is exp(${top})`);
    // w_ij = wx·wy·exp(lw − top), and the cell sums (a cell is panels/C × panels/C panels)
    const weight = new Float64Array(n * n);
    const per = (panels / C) * GL;
    const cellMass = new Float64Array(C * C);
    let Z = 0;
    for (let i = 0; i < n; i++) {
      const ci = Math.floor(i / per);
      for (let j = 0; j < n; j++) {
        const v = X.w[i] * Y.w[j] * Math.exp(lw[i * n + j] - top);
        weight[i * n + j] = v;
        cellMass[ci * C + Math.floor(j / per)] += v;
        Z += v;
      }
    }
    for (let k = 0; k < C * C; k++) cellMass[k] /= Z;
    return { n, X, Y, weight, Z, top, cellMass };
  };
  let coarse = rule(C);
  let fine = rule(2 * C);
  let gap = Infinity;
  for (let k = 0; ; k++) {
    gap = Math.abs(coarse.Z * Math.exp(coarse.top - fine.top) / fine.Z - 1);
    for (let c = 0; c < C * C; c++) gap = Math.max(gap, Math.abs(coarse.cellMass[c] - fine.cellMass[c]));
    if (gap <= QUADRATURE_TOL) break;
    if (k === 2) {
      refuse(
        'a potential whose Boltzmann density exp(−U/T) can be normalised by quadrature on its box',
        `on [${round(box.x[0])}, ${round(box.x[1])}] × [${round(box.y[0])}, ${round(box.y[1])}] Z or a cell probability still changes by ${gap.toPrecision(2)} (> ${QUADRATURE_TOL}) between ${coarse.n}² and ${fine.n}² Gauss–Legendre nodes: the density has a kink or structure far narrower than the box, or a tail too heavy to be normalised on a box`,
      );
    }
    coarse = fine;
    fine = rule(4 * C * 2 ** k);
  }
  const { n, X, Y, weight, Z, top, cellMass } = fine;
  let edgeMass = 0;
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) if (a === 0 || b === 0 || a === C - 1 || b === C - 1) edgeMass += cellMass[a * C + b];
  const expectation = (f: (x: number, y: number) => number) => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += weight[i * n + j] * f(X.at[i], Y.at[j]);
    return s / Z;
  };
  const mx = expectation((x) => x);
  const my = expectation((_x, y) => y);
  const cov: [number, number, number] = [expectation((x) => (x - mx) * (x - mx)), expectation((x, y) => (x - mx) * (y - my)), expectation((_x, y) => (y - my) * (y - my))];
  const logZ = Math.log(Z) + top;
  let table: { cum: Float64Array; S: number } | undefined;
  const S = 256;
  const sx = (box.x[1] - box.x[0]) / S;
  const sy = (box.y[1] - box.y[0]) / S;
  const sampleTable = () => {
    if (table) return table;
    const cum = new Float64Array(S * S);
    let acc = 0;
    for (let i = 0; i < S; i++) {
      for (let j = 0; j < S; j++) {
        acc += Math.exp(logw(box.x[0] + (i + 0.5) * sx, box.y[0] + (j + 0.5) * sy) - top);
        cum[i * S + j] = acc;
      }
    }
    for (let k = 0; k < cum.length; k++) cum[k] /= acc;
    table = { cum, S };
    return table;
  };
  return {
    box,
    cells: C,
    cellProbabilities: cellMass,
    edgeMass,
    mean: [mx, my],
    covariance: cov,
    nodes: n,
    logZ,
    pdf: (x, y) => Math.exp(logw(x, y) - logZ),
    expectation,
    sampler: () => {
      const { cum } = sampleTable();
      return {
        dim: 2,
        sample(stream: Stream, out: Float64Array, o: number) {
          const u = stream.uniform();
          let a = -1;
          let b = cum.length - 1;
          while (b - a > 1) {
            const m = (a + b) >> 1;
            if (cum[m] < u) a = m;
            else b = m;
          }
          const lo = b > 0 ? cum[b - 1] : 0;
          const f = cum[b] > lo ? Math.min(1, Math.max(0, (u - lo) / (cum[b] - lo))) : 0.5; // uniform in the cell, given the cell
          out[o] = box.x[0] + (Math.floor(b / S) + f) * sx;
          out[o + 1] = box.y[0] + ((b % S) + stream.uniform()) * sy;
        },
      };
    },
  };
}

/** The grid box: [−R, R]² with R doubling until U on its edge is 40·T above its minimum, then shrunk to the e^−40 region. */
function searchBox(U: (x: number, y: number) => number, T: number, refuse: (allowed: string, note: string) => never): { inner: Box2D; uMin: number } {
  const N = 128;
  const grid = (b: Box2D) => {
    const u = new Float64Array((N + 1) * (N + 1));
    let uMin = Infinity;
    let at: [number, number] = [0, 0];
    let edge = Infinity;
    for (let i = 0; i <= N; i++) {
      const x = b.x[0] + ((b.x[1] - b.x[0]) * i) / N;
      for (let j = 0; j <= N; j++) {
        const y = b.y[0] + ((b.y[1] - b.y[0]) * j) / N;
        const v = U(x, y);
        if (Number.isNaN(v)) refuse('a potential that is a real number everywhere', `U is not a real number at (${round(x)}, ${round(y)})`);
        if (v === -Infinity) refuse('a potential bounded below, so that exp(−U/T) can be normalised', `U = −∞ at (${round(x)}, ${round(y)})`);
        u[i * (N + 1) + j] = v;
        if (v < uMin) {
          uMin = v;
          at = [x, y];
        }
        if (i === 0 || j === 0 || i === N || j === N) edge = Math.min(edge, v);
      }
    }
    return { u, uMin, at, edge };
  };
  // the region where exp(−(U − uMin)/T) > e^−MARGIN, on b's grid, padded by one grid step
  const inside = (b: Box2D, u: Float64Array, uMin: number): Box2D => {
    let i0 = N;
    let i1 = 0;
    let j0 = N;
    let j1 = 0;
    for (let i = 0; i <= N; i++) {
      for (let j = 0; j <= N; j++) {
        if ((u[i * (N + 1) + j] - uMin) / T < MARGIN) {
          i0 = Math.min(i0, i);
          i1 = Math.max(i1, i);
          j0 = Math.min(j0, j);
          j1 = Math.max(j1, j);
        }
      }
    }
    const xs = (i: number) => b.x[0] + ((b.x[1] - b.x[0]) * Math.min(N, Math.max(0, i))) / N;
    const ys = (j: number) => b.y[0] + ((b.y[1] - b.y[0]) * Math.min(N, Math.max(0, j))) / N;
    return { x: [xs(i0 - 1), xs(i1 + 1)], y: [ys(j0 - 1), ys(j1 + 1)] };
  };
  let last = { uMin: NaN, edge: NaN, at: [0, 0] as [number, number] };
  for (let R = 1; R <= R_MAX; R *= 2) {
    const square: Box2D = { x: [-R, R], y: [-R, R] };
    const g = grid(square);
    last = g;
    if ((g.edge - g.uMin) / T < MARGIN) continue;
    // shrink to the e^−40 region, twice more on finer grids (a lower minimum found there only shrinks it)
    let box = inside(square, g.u, g.uMin);
    let uMin = g.uMin;
    for (let pass = 0; pass < 2; pass++) {
      const h = grid(box);
      uMin = Math.min(uMin, h.uMin);
      box = inside(box, h.u, uMin);
    }
    return { inner: box, uMin };
  }
  return refuse(
    'a confining potential whose Boltzmann density exp(−U/T) can be normalised',
    `exp(−U/T) does not fall below e^−${MARGIN} of its peak on the edge of any box [−R, R]², R ≤ ${R_MAX}: at R = ${R_MAX} U on the edge is only ${round(last.edge - last.uMin)} above its minimum ${round(last.uMin)} at (${round(last.at[0])}, ${round(last.at[1])}) (T = ${T}, 40·T needed)`,
  );
}

const laws = new WeakMap<Potential, Map<string, Boltzmann2D>>();

/**
 * The Boltzmann density exp(−U/T)/Z of a 2-D potential, normalised by 2-D Gauss–Legendre
 * quadrature on a box found from U (see this file's header), with the probabilities of a
 * `cells` × `cells` histogram on that box. Refuses, with a ParameterError naming `name`, a density
 * that cannot be normalised there. Cached per potential object, temperature, cells and box.
 */
export function boltzmann2D(potential: Potential, temperature: number, opts: { name?: string; cells?: number; box?: Box2D } = {}): Boltzmann2D {
  const name = opts.name ?? 'potential';
  const cells = opts.cells ?? 20;
  if (!potential || potential.dim !== 2) throw new ParameterError(`${name}.dim`, potential?.dim, '2 (a potential in x and y)');
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new ParameterError('temperature', temperature, 'a positive number');
  if (!Number.isInteger(cells) || cells < 4 || cells > 200) throw new ParameterError('cells', cells, 'an integer in [4, 200]');
  const key = `${temperature}|${cells}|${opts.box ? `${opts.box.x.join(',')};${opts.box.y.join(',')}` : ''}`;
  let byKey = laws.get(potential);
  const hit = byKey?.get(key);
  if (hit) return hit;
  const shown = (potential as { expression?: string }).expression ?? potential.name;
  const refuse = (allowed: string, note: string): never => {
    throw new ParameterError(name, shown, allowed, note);
  };
  const xy = new Float64Array(2);
  const U = (x: number, y: number) => {
    xy[0] = x;
    xy[1] = y;
    const v = potential.value(xy, 0);
    return typeof v === 'number' ? v : NaN;
  };
  let box = opts.box;
  let uMin: number;
  if (!box) {
    const s = searchBox(U, temperature, refuse);
    uMin = s.uMin;
    // one histogram cell beyond the e^−40 region on every side: the ring the edge check weighs
    const px = (s.inner.x[1] - s.inner.x[0]) / (cells - 2);
    const py = (s.inner.y[1] - s.inner.y[0]) / (cells - 2);
    box = { x: [s.inner.x[0] - px, s.inner.x[1] + px], y: [s.inner.y[0] - py, s.inner.y[1] + py] };
  } else {
    // a reference value only: the rule rescales by its largest weight
    uMin = U(0.5 * (box.x[0] + box.x[1]), 0.5 * (box.y[0] + box.y[1]));
    if (!Number.isFinite(uMin)) uMin = 0;
  }
  const T = temperature;
  const law = quadratureLaw((x, y) => -(U(x, y) - uMin) / T, box, cells, refuse);
  if (!opts.box && !(law.edgeMass <= EDGE_MASS_MAX)) {
    refuse(
      'a potential whose Boltzmann density exp(−U/T) can be normalised: U must rise fast enough that exp(−U/T) leaves no mass near the edge of its integration box',
      `${law.edgeMass.toPrecision(3)} of the mass lies in the outer ring of cells of [${round(box.x[0])}, ${round(box.x[1])}] × [${round(box.y[0])}, ${round(box.y[1])}], beyond the e^−${MARGIN} contour (at most ${EDGE_MASS_MAX} allowed): the tail is too heavy to normalise (T = ${T})`,
    );
  }
  const out: Boltzmann2D = { ...law, temperature: T, logZ: law.logZ - uMin / T };
  if (!byKey) laws.set(potential, (byKey = new Map()));
  byKey.set(key, out);
  return out;
}

/**
 * The Gaussian law N(mean, Σ) (Σ = [Var x, Cov, Var y]) on a box, normalised there, with its
 * histogram cells (e.g. the stationary law of a discretised chain on a 2-D harmonic potential).
 * `mean` and `covariance` are the exact ones.
 */
export function gaussianLaw2D(mean: readonly [number, number], covariance: readonly [number, number, number], box: Box2D, cells = 20): Law2D {
  const [a, b, c] = covariance;
  const det = a * c - b * b;
  if (!(a > 0 && c > 0 && det > 0)) throw new ParameterError('covariance', covariance, 'a positive-definite 2 × 2 covariance [Var x, Cov, Var y]');
  const refuse = (allowed: string, note: string): never => {
    throw new ParameterError('covariance', covariance, allowed, note);
  };
  const law = quadratureLaw(
    (x, y) => {
      const dx = x - mean[0];
      const dy = y - mean[1];
      return (-0.5 * (c * dx * dx - 2 * b * dx * dy + a * dy * dy)) / det;
    },
    box,
    cells,
    refuse,
  );
  return { ...law, mean: [mean[0], mean[1]], covariance: [a, b, c] };
}

/** The smallest box holding the Gaussian's e^−40 contour, padded like `boltzmann2D`'s box. */
export function gaussianBox(mean: readonly [number, number], covariance: readonly [number, number, number], cells = 20): Box2D {
  const hx = Math.sqrt(2 * MARGIN * covariance[0]);
  const hy = Math.sqrt(2 * MARGIN * covariance[2]);
  const px = (2 * hx) / (cells - 2);
  const py = (2 * hy) / (cells - 2);
  return { x: [mean[0] - hx - px, mean[0] + hx + px], y: [mean[1] - hy - py, mean[1] + hy + py] };
}

/** The smallest box holding both. */
export function unionBox(a: Box2D, b: Box2D): Box2D {
  return { x: [Math.min(a.x[0], b.x[0]), Math.max(a.x[1], b.x[1])], y: [Math.min(a.y[0], b.y[0]), Math.max(a.y[1], b.y[1])] };
}

/** Pearson χ² of positions against a law's cells, with the critical value at level alpha. */
export interface ChiSquare2D {
  statistic: number;
  df: number;
  pValue: number;
  n: number;
  /** χ² critical value at the level the verdict uses (0.05/family). */
  critical: number;
}

/** The χ² value exceeded with probability alpha (df degrees of freedom). */
export function chiSquareCritical(df: number, alpha: number): number {
  let lo = 0;
  let hi = df + 40 * Math.sqrt(2 * df) + 200;
  for (let k = 0; k < 200; k++) {
    const m = 0.5 * (lo + hi);
    if (chiSquareSf(m, df) > alpha) lo = m;
    else hi = m;
  }
  return 0.5 * (lo + hi);
}

/**
 * Pearson χ² of positions (x, y interleaved) binned on the law's cells, one more cell for
 * positions outside the box; cells whose expected count is under 5 are pooled with their
 * neighbours in index order (`chiSquareTest`). `critical` is taken at level alpha.
 */
export function chiSquare2D(xy: ArrayLike<number>, law: Law2D, alpha = 0.05): ChiSquare2D & { counts: number[]; outside: number } {
  const C = law.cells;
  const { x, y } = law.box;
  const counts = new Array<number>(C * C).fill(0);
  let outside = 0;
  const n = xy.length / 2;
  for (let k = 0; k < n; k++) {
    const u = ((xy[2 * k] - x[0]) / (x[1] - x[0])) * C;
    const v = ((xy[2 * k + 1] - y[0]) / (y[1] - y[0])) * C;
    if (u >= 0 && u < C && v >= 0 && v < C) counts[Math.floor(u) * C + Math.floor(v)]++;
    else outside++;
  }
  const t = chiSquareTest([...counts, outside], [...law.cellProbabilities, 0]);
  const df = t.df ?? 0;
  return { statistic: t.statistic, df, pValue: t.pValue, n: t.n, critical: df > 0 ? chiSquareCritical(df, alpha) : NaN, counts, outside };
}

/**
 * A χ² test as a verdict (like `ksVerdict`): theory 0 (the positions follow the law), measured the
 * χ² divergence χ²/n, interval χ²/n ± χ²_crit/n, which holds 0 exactly when the test accepts.
 */
export function chiSquareVerdict(t: ChiSquare2D, claim: string, alpha: number): Verdict {
  const m = t.statistic / t.n;
  const c = t.critical / t.n;
  return verdict({
    claim,
    theory: 0,
    measured: m,
    ci95: [m - c, m + c],
    note: `Pearson χ² = ${t.statistic.toPrecision(4)} on ${t.df} degrees of freedom (cells with expected count < 5 pooled) against the critical ${t.critical.toPrecision(4)} at level ${alpha.toPrecision(2)} (p = ${t.pValue.toPrecision(3)}, n = ${t.n}); shown as χ²/n.`,
  });
}

/** Sample moments of 2-D positions. */
export interface Moments2D {
  n: number;
  mean: [number, number];
  meanSE: [number, number];
  /** [Var x, Var y] and their SEs (from the fourth moments). */
  variance: [number, number];
  varianceSE: [number, number];
  covariance: number;
  /** SE of the covariance: the standard error of the mean of (x − x̄)(y − ȳ). */
  covarianceSE: number;
}

/** Mean, variances and covariance of positions (x, y interleaved), with their SEs. */
export function moments2D(xy: ArrayLike<number>): Moments2D {
  const n = xy.length / 2;
  if (!Number.isInteger(n) || n < 2) throw new ParameterError('positions.length', xy.length, 'an even number ≥ 4 (x, y interleaved)');
  const mx = new Moments();
  const my = new Moments();
  for (let k = 0; k < n; k++) {
    mx.push(xy[2 * k]);
    my.push(xy[2 * k + 1]);
  }
  const cxy = new Moments();
  for (let k = 0; k < n; k++) cxy.push((xy[2 * k] - mx.mean) * (xy[2 * k + 1] - my.mean));
  return {
    n,
    mean: [mx.mean, my.mean],
    meanSE: [mx.sem, my.sem],
    variance: [mx.variance, my.variance],
    varianceSE: [mx.varianceSE, my.varianceSE],
    covariance: (cxy.mean * n) / (n - 1),
    covarianceSE: cxy.sem,
  };
}

/**
 * The verdicts of a 2-D stationarity check, from its numbers: Var x, Var y and Cov(x, y) against
 * the theory's (simultaneous over `family`, default 4) and the χ² test (its critical value taken at
 * 0.05/family). `allowance(scale)`: a stated systematic allowance for a second moment of that size
 * (e.g. float32 rounding), or undefined.
 */
export function stationaryVerdicts2D(
  m: Pick<Moments2D, 'variance' | 'varianceSE' | 'covariance' | 'covarianceSE'> & { chiSquare: ChiSquare2D },
  theory: { covariance: readonly [number, number, number] },
  opts: { label?: string; family?: number; cells?: number; allowance?: (scale: number) => Allowance | undefined } = {},
): Verdict[] {
  const label = opts.label ?? 'the stationary law';
  const family = opts.family ?? 4;
  const [vx, cv, vy] = theory.covariance;
  const f = (v: number) => v.toPrecision(6);
  const ax = opts.allowance?.(vx);
  const ay = opts.allowance?.(vy);
  const scale = Math.sqrt(vx * vy);
  const ac = opts.allowance?.(scale);
  return [
    ...simultaneousVerdicts(
      [
        { claim: `Var(x) is the variance of ${label} (${f(vx)})`, theory: vx, measured: m.variance[0], se: m.varianceSE[0], ...(ax ? { allowance: ax } : {}) },
        { claim: `Var(y) is the variance of ${label} (${f(vy)})`, theory: vy, measured: m.variance[1], se: m.varianceSE[1], ...(ay ? { allowance: ay } : {}) },
        // an allowance on a covariance is judged against the size of the second moments, √(Var x·Var y)
        { claim: `Cov(x, y) is the covariance of ${label} (${f(cv)})`, theory: cv, measured: m.covariance, se: m.covarianceSE, ...(ac ? { allowance: ac, effect: scale } : {}) },
      ],
      family,
    ),
    chiSquareVerdict(m.chiSquare, `The positions follow ${label} on a ${opts.cells ?? 20}×${opts.cells ?? 20} histogram (χ² divergence 0)`, 0.05 / family),
  ];
}

export interface StationaryCheck2D extends Moments2D {
  chiSquare: ChiSquare2D;
  /** Counts per cell (index ix·C + iy), and positions outside the box. */
  counts: number[];
  outside: number;
  /** [Var x, Var y, Cov(x, y), χ²], simultaneous over `family` (default 4) checks. */
  verdicts: Verdict[];
}

/**
 * Check independent 2-D positions (x, y interleaved) against a 2-D law: Var x, Var y and
 * Cov(x, y) against the law's (SEs from the sample) and a χ² test on the law's histogram cells,
 * simultaneous over the four (Bonferroni).
 */
export function checkStationary2D(xy: ArrayLike<number>, law: Law2D, opts: { label?: string; family?: number } = {}): StationaryCheck2D {
  const m = moments2D(xy);
  const family = opts.family ?? 4;
  const chi = chiSquare2D(xy, law, 0.05 / family);
  const chiSquare: ChiSquare2D = { statistic: chi.statistic, df: chi.df, pValue: chi.pValue, n: chi.n, critical: chi.critical };
  return { ...m, chiSquare, counts: chi.counts, outside: chi.outside, verdicts: stationaryVerdicts2D({ ...m, chiSquare }, law, { label: opts.label, family, cells: law.cells }) };
}
