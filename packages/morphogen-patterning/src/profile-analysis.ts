/**
 * How precisely can a measured gradient specify position? Three estimates of the positional
 * error at each measured position x_j, whose threshold is the mean intensity there, θ_j = C̄(x_j):
 *  1. direct (replicates only): the sd over embryos of the positions where each embryo's profile
 *     first crosses θ_j (from the high end), located by linear interpolation of ln C between
 *     measured positions (exact for an exponential; linear in C for an embryo with a value ≤ 0);
 *  2. propagated: σ_C(x_j)/|C̄′(x_j)|, σ_C the sd between embryos at x_j, and C̄′ from a stated
 *     smoother: local linear regression of ln C̄ on x over the window |x − x_j| ≤ b (uniform
 *     weights), C̄′(x_j) = e^{â_j}·β̂_j — exact for an exponential, so the smoother adds no bias
 *     there; b defaults to twice the median spacing (5 points on a uniform grid);
 *  3. fitted (FitEPM, Vetter & Iber 2022): σ_C(x_j) over the slope of C₀e^{−(x−x₀)/λ} fitted to C̄
 *     by least squares in linear space (the package's `fitExponentialLinear`).
 * Intervals: a bootstrap over embryos (replicates: embryos resampled with replacement, the
 * thresholds held fixed), or a parametric bootstrap for a summary (mean ~ N(C̄, σ²/n),
 * sd ~ σ·√(χ²_{n−1}/(n−1))); percentile 95% intervals.
 * A gradient that rises along x is mirrored (x → x_max − x) for the analysis and reported in the
 * original coordinates.
 */
import { ParameterError, quantileSorted, thresholdCrossing, chiSquare, type Stream } from '@snrlab/core';
import { fitExponential, fitExponentialLinear } from './sdd.js';
import type { ProfileData } from './profile.js';

export interface ProfileAnalysisOptions {
  /** Half-width b of the local-linear window (µm); default 2 × the median spacing. */
  bandwidth?: number;
  /** Range of the exponential fit (µm, original coordinates); default all positions with C̄ > 0. */
  fitRange?: [number, number];
  /** Bootstrap replicates. */
  bootstrap: number;
  stream: Stream;
  /** Embryos behind a summary profile that has no n column. */
  embryos?: number;
}

export interface Interval {
  value: number;
  ci95: [number, number];
  se: number;
}

export interface ProfilePoint {
  /** Position (µm, original coordinates). */
  position: number;
  /** θ_j = C̄(x_j). */
  threshold: number;
  sd: number;
  /** C̄′(x_j) from the smoother (original coordinates: positive for a rising gradient). */
  slope: Interval;
  /** σ_x direct (NaN for a summary). */
  direct: Interval;
  /** Embryos that never cross θ_j (their crossing would lie outside the measured range). */
  noBoundary: number;
  propagated: Interval;
  fitted: Interval;
  /** Used in pooled statistics: interior, ≥ 2 propagated σ_x from both ends, every embryo crosses, all estimates finite. */
  usable: boolean;
}

export interface ProfileAnalysis {
  layout: ProfileData['layout'];
  embryos: number;
  mirrored: boolean;
  bandwidth: number;
  fitRange: [number, number];
  /** FitEPM: C₀e^{−|x−x₀|/λ}, x₀ the fit's first position. */
  lambda: Interval;
  amplitude: Interval;
  fitOrigin: number;
  /** Log-linear decay lengths over the near and far halves of the fit range, and their ratio. */
  lambdaNear: number;
  lambdaFar: number;
  lambdaRatio: Interval;
  points: ProfilePoint[];
  /** Geometric mean over usable positions of direct/propagated (replicates only). */
  pooledRatio: Interval | null;
  /** Geometric mean over usable positions of fitted/direct (replicates only). */
  pooledFittedRatio: Interval | null;
}

interface Core {
  slope: Float64Array;
  propagated: Float64Array;
  fitted: Float64Array;
  direct: Float64Array;
  noBoundary: Int32Array;
  lambda: number;
  amplitude: number;
  lambdaNear: number;
  lambdaFar: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

function meanSd(rows: readonly (ArrayLike<number>)[], P: number): { mean: Float64Array; sd: Float64Array } {
  const E = rows.length;
  const mean = new Float64Array(P);
  const sd = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    let s = 0;
    for (let e = 0; e < E; e++) s += rows[e][j];
    const m = s / E;
    let v = 0;
    for (let e = 0; e < E; e++) v += (rows[e][j] - m) ** 2;
    mean[j] = m;
    sd[j] = Math.sqrt(v / (E - 1));
  }
  return { mean, sd };
}

/** Local linear regression of ln C̄ on x in |x − x_j| ≤ b: the smoothed C̄′(x_j) (NaN if fewer than 3 positive points). */
export function localLogSlope(x: ArrayLike<number>, mean: ArrayLike<number>, b: number, out = new Float64Array(x.length)): Float64Array {
  const P = x.length;
  for (let j = 0; j < P; j++) {
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < P; i++) {
      const d = x[i] - x[j];
      if (Math.abs(d) > b * (1 + 1e-12) || !(mean[i] > 0)) continue;
      const y = Math.log(mean[i]);
      n++;
      sx += d;
      sy += y;
      sxx += d * d;
      sxy += d * y;
    }
    if (n < 3) {
      out[j] = NaN;
      continue;
    }
    const beta = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const a = (sy - beta * sx) / n; // ln C̄ at d = 0
    out[j] = Math.exp(a) * beta;
  }
  return out;
}

function crossing(x: Float64Array, row: ArrayLike<number>, theta: number, logRow: Float64Array): number {
  let positive = theta > 0;
  for (let j = 0; positive && j < row.length; j++) positive = row[j] > 0;
  if (positive) {
    for (let j = 0; j < row.length; j++) logRow[j] = Math.log(row[j]);
    return thresholdCrossing(x, logRow, Math.log(theta));
  }
  return thresholdCrossing(x, row, theta);
}

export function analyzeProfile(data: ProfileData, o: ProfileAnalysisOptions): ProfileAnalysis {
  const P = data.positions.length;
  const x0 = data.positions;
  // orientation from a log-linear fit of the positive means
  const rawMean = data.layout === 'replicates' ? meanSd(data.replicates, P).mean : Float64Array.from(data.mean);
  const xs: number[] = [];
  const cs: number[] = [];
  for (let j = 0; j < P; j++) {
    if (rawMean[j] > 0) {
      xs.push(x0[j]);
      cs.push(rawMean[j]);
    }
  }
  if (xs.length < 3) throw new ParameterError('profile', `${xs.length} positive mean intensities`, 'at least 3 positions with a positive mean intensity (the exponential fit and the log-slope smoother need them)');
  const mirrored = fitExponential(xs, cs).decayLength < 0;
  const xEnd = x0[P - 1];
  const order = Array.from({ length: P }, (_, j) => (mirrored ? P - 1 - j : j));
  const x = Float64Array.from(order, (j) => (mirrored ? xEnd - x0[j] : x0[j]));
  const back = (xi: number) => (mirrored ? xEnd - xi : xi);
  const spacings = Array.from({ length: P - 1 }, (_, j) => x[j + 1] - x[j]);
  const b = o.bandwidth ?? 2 * median(spacings);
  const range: [number, number] = o.fitRange ? [mirrored ? xEnd - o.fitRange[1] : o.fitRange[0], mirrored ? xEnd - o.fitRange[0] : o.fitRange[1]] : [x[0], x[P - 1]];
  const inFit = Array.from(x, (xi) => xi >= range[0] - 1e-12 && xi <= range[1] + 1e-12);
  if (inFit.filter(Boolean).length < 3) throw new ParameterError('fitRange', o.fitRange, `a range holding at least 3 measured positions`);

  const rows: Float64Array[] = data.layout === 'replicates' ? data.replicates.map((r) => Float64Array.from(order, (j) => r[j])) : [];
  const E = data.layout === 'replicates' ? rows.length : 0;
  const summaryN = data.layout === 'summary' ? Float64Array.from(order, (j) => (data.n ? data.n[j] : (o.embryos ?? NaN))) : undefined;
  if (summaryN && summaryN.some((n) => !(n >= 2))) throw new ParameterError('embryos', o.embryos, 'the number of embryos (≥ 2) behind a summary profile that has no n column');

  const base = data.layout === 'replicates' ? meanSd(rows, P) : { mean: Float64Array.from(order, (j) => data.mean[j]), sd: Float64Array.from(order, (j) => data.sd[j]) };
  const thresholds = base.mean.slice();
  const logRow = new Float64Array(P);
  const crossings = new Float64Array(Math.max(E, 1));

  const compute = (mean: Float64Array, sd: Float64Array, embryoRows: Float64Array[] | null): Core => {
    const slope = localLogSlope(x, mean, b);
    const propagated = Float64Array.from(sd, (s, j) => s / Math.abs(slope[j]));
    // FitEPM over the fit range
    const fx: number[] = [];
    const fc: number[] = [];
    for (let j = 0; j < P; j++) {
      if (inFit[j]) {
        fx.push(x[j]);
        fc.push(mean[j]);
      }
    }
    let lambda = NaN;
    let amplitude = NaN;
    const pos = fx.map((_, i) => i).filter((i) => fc[i] > 0);
    if (pos.length >= 2) {
      const guess = fitExponential(pos.map((i) => fx[i]), pos.map((i) => fc[i])).decayLength;
      const f = fitExponentialLinear(fx, fc, guess > 0 && Number.isFinite(guess) ? guess : fx[fx.length - 1] - fx[0]);
      lambda = f.decayLength;
      amplitude = f.C0;
    }
    const fitted = Float64Array.from(sd, (s, j) => s / Math.abs((amplitude / lambda) * Math.exp(-(x[j] - fx[0]) / lambda)));
    // near and far halves (log-linear)
    const half = Math.floor(pos.length / 2);
    const nearIdx = pos.slice(0, Math.max(2, half));
    const farIdx = pos.slice(Math.min(half, pos.length - 2));
    const ll = (idx: number[]) => fitExponential(idx.map((i) => fx[i]), idx.map((i) => fc[i])).decayLength;
    const lambdaNear = pos.length >= 4 ? ll(nearIdx) : NaN;
    const lambdaFar = pos.length >= 4 ? ll(farIdx) : NaN;
    const direct = new Float64Array(P).fill(NaN);
    const noBoundary = new Int32Array(P);
    if (embryoRows) {
      for (let j = 0; j < P; j++) {
        let n = 0;
        for (let e = 0; e < embryoRows.length; e++) {
          const c = crossing(x, embryoRows[e], thresholds[j], logRow);
          if (c === c) crossings[n++] = c;
          else noBoundary[j]++;
        }
        if (n >= 3) {
          let m = 0;
          for (let i = 0; i < n; i++) m += crossings[i];
          m /= n;
          let v = 0;
          for (let i = 0; i < n; i++) v += (crossings[i] - m) ** 2;
          direct[j] = Math.sqrt(v / (n - 1));
        }
      }
    }
    return { slope, propagated, fitted, direct, noBoundary, lambda, amplitude, lambdaNear, lambdaFar };
  };

  const est = compute(base.mean, base.sd, E ? rows : null);
  // usable: interior, at least 2 propagated σ_x from both ends (so that a truncated spread of
  // crossings does not pass for a small one), every embryo crossing, every estimate finite
  const usable = Array.from({ length: P }, (_, j) =>
    j > 0 && j < P - 1 && x[j] - x[0] >= 2 * est.propagated[j] && x[P - 1] - x[j] >= 2 * est.propagated[j] && base.mean[j] > 0 && Number.isFinite(est.propagated[j]) && Number.isFinite(est.fitted[j]) && (E === 0 || (est.noBoundary[j] === 0 && Number.isFinite(est.direct[j]) && est.direct[j] > 0)),
  );
  const pooled = (c: Core, num: 'direct' | 'fitted', den: 'propagated' | 'direct') => {
    let s = 0;
    let n = 0;
    for (let j = 0; j < P; j++) {
      if (!usable[j]) continue;
      s += Math.log(c[num][j] / c[den][j]);
      n++;
    }
    return n ? Math.exp(s / n) : NaN;
  };

  // bootstrap
  const B = o.bootstrap;
  const boot = {
    slope: Array.from({ length: P }, () => new Float64Array(B)),
    direct: Array.from({ length: P }, () => new Float64Array(B)),
    propagated: Array.from({ length: P }, () => new Float64Array(B)),
    fitted: Array.from({ length: P }, () => new Float64Array(B)),
    lambda: new Float64Array(B),
    amplitude: new Float64Array(B),
    lambdaRatio: new Float64Array(B),
    pooledRatio: new Float64Array(B),
    pooledFitted: new Float64Array(B),
  };
  const pick: Float64Array[] = new Array(E);
  const mb = new Float64Array(P);
  const sb = new Float64Array(P);
  for (let r = 0; r < B; r++) {
    let c: Core;
    if (E) {
      for (let e = 0; e < E; e++) pick[e] = rows[o.stream.integer(E)];
      const ms = meanSd(pick, P);
      c = compute(ms.mean, ms.sd, pick);
    } else {
      for (let j = 0; j < P; j++) {
        const n = (summaryN as Float64Array)[j];
        mb[j] = base.mean[j] + (base.sd[j] / Math.sqrt(n)) * o.stream.normal();
        sb[j] = base.sd[j] * Math.sqrt(chiSquare(o.stream, n - 1) / (n - 1));
      }
      c = compute(mb, sb, null);
    }
    for (let j = 0; j < P; j++) {
      boot.slope[j][r] = c.slope[j];
      boot.direct[j][r] = c.direct[j];
      boot.propagated[j][r] = c.propagated[j];
      boot.fitted[j][r] = c.fitted[j];
    }
    boot.lambda[r] = c.lambda;
    boot.amplitude[r] = c.amplitude;
    boot.lambdaRatio[r] = c.lambdaFar / c.lambdaNear;
    boot.pooledRatio[r] = E ? pooled(c, 'direct', 'propagated') : NaN;
    boot.pooledFitted[r] = E ? pooled(c, 'fitted', 'direct') : NaN;
  }
  const interval = (value: number, reps: Float64Array): Interval => {
    const ok = Array.from(reps).filter(Number.isFinite);
    // an interval needs nearly every replicate: a statistic undefined in many resamples has none
    if (!Number.isFinite(value) || ok.length < 0.95 * reps.length || ok.length < 20) return { value, ci95: [NaN, NaN], se: NaN };
    const s = Float64Array.from(ok).sort();
    let m = 0;
    for (const v of ok) m += v;
    m /= ok.length;
    let v2 = 0;
    for (const v of ok) v2 += (v - m) ** 2;
    return { value, ci95: [quantileSorted(s, 0.025), quantileSorted(s, 0.975)], se: Math.sqrt(v2 / (ok.length - 1)) };
  };
  const flip = (iv: Interval): Interval => (mirrored ? { value: -iv.value, ci95: [-iv.ci95[1], -iv.ci95[0]], se: iv.se } : iv);
  const points: ProfilePoint[] = [];
  for (let k = 0; k < P; k++) {
    // report in the original order
    const j = mirrored ? P - 1 - k : k;
    points.push({
      position: back(x[j]),
      threshold: thresholds[j],
      sd: base.sd[j],
      slope: flip(interval(est.slope[j], boot.slope[j])),
      direct: E ? interval(est.direct[j], boot.direct[j]) : { value: NaN, ci95: [NaN, NaN], se: NaN },
      noBoundary: est.noBoundary[j],
      propagated: interval(est.propagated[j], boot.propagated[j]),
      fitted: interval(est.fitted[j], boot.fitted[j]),
      usable: usable[j],
    });
  }
  return {
    layout: data.layout,
    embryos: E || median(Array.from(summaryN as Float64Array)),
    mirrored,
    bandwidth: b,
    fitRange: mirrored ? [xEnd - range[1], xEnd - range[0]] : range,
    lambda: interval(est.lambda, boot.lambda),
    amplitude: interval(est.amplitude, boot.amplitude),
    fitOrigin: back(x[inFit.indexOf(true)]),
    lambdaNear: est.lambdaNear,
    lambdaFar: est.lambdaFar,
    lambdaRatio: interval(est.lambdaFar / est.lambdaNear, boot.lambdaRatio),
    points,
    pooledRatio: E ? interval(pooled(est, 'direct', 'propagated'), boot.pooledRatio) : null,
    pooledFittedRatio: E ? interval(pooled(est, 'fitted', 'direct'), boot.pooledFitted) : null,
  };
}
