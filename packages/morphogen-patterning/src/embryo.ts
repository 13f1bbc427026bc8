/**
 * Embryo-to-embryo variability: each embryo draws its production p, decay k and diffusion D
 * from lognormal laws with the reference values as means and a given coefficient of variation
 * (as in the cell-based studies of the Iber lab, e.g. Vetter & Iber 2022), and forms its own
 * deterministic finite-domain gradient. A fixed threshold then places a different boundary in
 * every embryo.
 */
import { assertInRange, gaussHermite, lognormalMeanCV, type Stream } from '@snrlab/core';
import { finiteDomainProfile, type FiniteGeometry } from './sdd.js';

export interface Kinetics {
  p: number;
  k: number;
  D: number;
}

export interface KineticCV {
  p: number;
  k: number;
  D: number;
}

function checkCV(cv: KineticCV): void {
  assertInRange('cv.p', cv.p, 0, 10);
  assertInRange('cv.k', cv.k, 0, 10);
  assertInRange('cv.D', cv.D, 0, 10);
}

/** One embryo's kinetics: p, k and D lognormal with means `mean` and CVs `cv` (independent). */
export function drawKinetics(stream: Stream, mean: Kinetics, cv: KineticCV): Kinetics {
  checkCV(cv);
  return {
    p: lognormalMeanCV(stream, mean.p, cv.p),
    k: lognormalMeanCV(stream, mean.k, cv.k),
    D: lognormalMeanCV(stream, mean.D, cv.D),
  };
}

export interface Geometry {
  sourceLength: number;
  patterningLength: number;
}

const withKinetics = (g: Geometry, q: Kinetics): FiniteGeometry => ({ ...q, sourceLength: g.sourceLength, patterningLength: g.patterningLength });

/**
 * Boundary of one embryo: the x in [−L_S, L_P] where its finite-domain profile equals θ
 * (the profile decreases monotonically, so bisection is safe). Null when θ lies outside the
 * profile's range: no boundary in this embryo.
 */
export function boundaryPosition(q: Kinetics, g: Geometry, threshold: number): number | null {
  const G = withKinetics(g, q);
  let lo = -g.sourceLength;
  let hi = g.patterningLength;
  const top = finiteDomainProfile(G, lo);
  const bottom = finiteDomainProfile(G, hi);
  if (threshold > top || threshold < bottom) return null;
  const lt = Math.log(threshold);
  for (let i = 0; i < 100 && hi - lo > 1e-12 * (g.sourceLength + g.patterningLength); i++) {
    const mid = 0.5 * (lo + hi);
    if (Math.log(finiteDomainProfile(G, mid)) > lt) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

export interface PropagatedSpread {
  /** First-order (delta-method) sd of the boundary: √(gᵀΣg). */
  firstOrder: number;
  /** ∂x⋆/∂ln p, ∂x⋆/∂ln k, ∂x⋆/∂ln D at the median kinetics. */
  gradient: [number, number, number];
}

const logSd = (cv: KineticCV) => [cv.p, cv.k, cv.D].map((c) => Math.sqrt(Math.log1p(c * c)));
const logCentre = (mean: Kinetics, s: number[]) => [Math.log(mean.p) - (s[0] * s[0]) / 2, Math.log(mean.k) - (s[1] * s[1]) / 2, Math.log(mean.D) - (s[2] * s[2]) / 2];
const boundaryAt = (u: number[], g: Geometry, threshold: number) => boundaryPosition({ p: Math.exp(u[0]), k: Math.exp(u[1]), D: Math.exp(u[2]) }, g, threshold);

/**
 * Linear propagation (delta method) of lognormal kinetic variability to the boundary position:
 * x* is a function of u = (ln p, ln k, ln D), Gaussian with sd s_j = √ln(1 + CV_j²) about
 * ln(mean_j) − s_j²/2. Derivatives by central differences in u.
 */
export function propagatedBoundarySpread(mean: Kinetics, cv: KineticCV, g: Geometry, threshold: number): PropagatedSpread | null {
  checkCV(cv);
  const s = logSd(cv);
  const u0 = logCentre(mean, s);
  const e = 1e-4;
  const grad = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const up = u0.slice();
    const um = u0.slice();
    up[i] += e;
    um[i] -= e;
    const xp = boundaryAt(up, g, threshold);
    const xm = boundaryAt(um, g, threshold);
    if (xp === null || xm === null) return null;
    grad[i] = (xp - xm) / (2 * e);
  }
  let v = 0;
  for (let i = 0; i < 3; i++) v += grad[i] * grad[i] * s[i] * s[i];
  return { firstOrder: Math.sqrt(v), gradient: grad as [number, number, number] };
}

export interface BoundaryMoments {
  mean: number;
  sd: number;
  /** Probability mass (by quadrature) of embryos with no boundary, left out of mean and sd. */
  noBoundary: number;
}

/**
 * Mean and sd of the boundary position over lognormal kinetics by tensor Gauss–Hermite
 * quadrature in (ln p, ln k, ln D): a deterministic reference for the Monte-Carlo spread.
 * Embryos without a boundary are left out (conditional moments, as the Monte Carlo does);
 * null when more than half of the mass has no boundary.
 */
export function boundaryMomentsQuadrature(mean: Kinetics, cv: KineticCV, g: Geometry, threshold: number, points = 12): BoundaryMoments | null {
  checkCV(cv);
  const s = logSd(cv);
  const u0 = logCentre(mean, s);
  const { nodes, weights } = gaussHermite(points);
  const np = s[0] > 0 ? points : 1;
  const nk = s[1] > 0 ? points : 1;
  const nD = s[2] > 0 ? points : 1;
  const node = (n: number, i: number) => (n === 1 ? 0 : nodes[i]);
  const weight = (n: number, i: number) => (n === 1 ? 1 : weights[i]);
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let lost = 0;
  for (let a = 0; a < np; a++) {
    for (let b = 0; b < nk; b++) {
      for (let c = 0; c < nD; c++) {
        const u = [u0[0] + s[0] * node(np, a), u0[1] + s[1] * node(nk, b), u0[2] + s[2] * node(nD, c)];
        const x = boundaryPositionFast({ p: Math.exp(u[0]), k: Math.exp(u[1]), D: Math.exp(u[2]) }, g, threshold);
        const w = weight(np, a) * weight(nk, b) * weight(nD, c);
        if (x === null) {
          lost += w;
          continue;
        }
        m0 += w;
        m1 += w * x;
        m2 += w * x * x;
      }
    }
  }
  if (m0 < 0.5) return null;
  const avg = m1 / m0;
  return { mean: avg, sd: Math.sqrt(Math.max(0, m2 / m0 - avg * avg)), noBoundary: lost };
}

/**
 * One embryo's zero-flux finite-domain profile on an increasing uniform grid inside the
 * patterning domain (x ≥ 0), times `scale`: C(x) = K·(e^{−x/λ} + e^{(x−2L_P)/λ}) with
 * K = (p/k)(1 − e^{−2L_S/λ})/(2(1 − e^{−2(L_S+L_P)/λ})) — the cosh profile without overflow,
 * by multiplicative recurrences (two exponentials per call, none per point).
 */
export function profileOnGrid(q: Kinetics, g: Geometry, grid: Float64Array, out: Float64Array, scale = 1): Float64Array {
  const lambda = Math.sqrt(q.D / q.k);
  const LS = g.sourceLength;
  const LP = g.patterningLength;
  const K = ((q.p / q.k) * -Math.expm1((-2 * LS) / lambda)) / (2 * -Math.expm1((-2 * (LS + LP)) / lambda)) * scale;
  const n = grid.length;
  const step = n > 1 ? grid[1] - grid[0] : 0;
  const r = Math.exp(-step / lambda);
  let down = Math.exp(-grid[0] / lambda);
  let up = Math.exp((grid[0] - 2 * LP) / lambda);
  for (let i = 0; i < n; i++) {
    out[i] = K * (down + up);
    down *= r;
    up /= r;
  }
  return out;
}

/**
 * `boundaryPosition` with the patterning-domain case in closed form:
 * C(x) = 2K·e^{−L_P/λ}·cosh((L_P − x)/λ), so x = L_P − λ·arccosh(θ·e^{L_P/λ}/(2K)) (in logs, so
 * long domains do not overflow); boundaries inside the source fall back to bisection.
 */
export function boundaryPositionFast(q: Kinetics, g: Geometry, threshold: number): number | null {
  const lambda = Math.sqrt(q.D / q.k);
  const LS = g.sourceLength;
  const LP = g.patterningLength;
  const K = ((q.p / q.k) * -Math.expm1((-2 * LS) / lambda)) / (2 * -Math.expm1((-2 * (LS + LP)) / lambda));
  const c0 = K * (1 + Math.exp((-2 * LP) / lambda));
  if (threshold > c0) return boundaryPosition(q, g, threshold);
  // ln y with y = θe^{L_P/λ}/(2K) ≥ 1 ⇔ θ ≥ C(L_P)
  const lnY = Math.log(threshold / (2 * K)) + LP / lambda;
  if (lnY < 0) return null;
  // arccosh(y) = ln y + ln(1 + √(1 − y^{−2}))
  const acosh = lnY + Math.log1p(Math.sqrt(-Math.expm1(-2 * lnY)));
  return LP - lambda * acosh;
}
