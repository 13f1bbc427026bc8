/** Straight-line fits with standard errors, and the log–log slope used for every scaling law. */

export interface LinearFit {
  slope: number;
  intercept: number;
  slopeSE: number;
  interceptSE: number;
  /** Covariance of the intercept and slope estimates (for ratios of the two). */
  covariance: number;
  /** Reduced chi-square (weighted) or residual variance (unweighted). */
  chi2Reduced: number;
  n: number;
  r2: number;
}

/**
 * Least squares y = intercept + slope·x. With `sigma` (per-point standard errors) the fit is
 * weighted and the SEs come from those errors; if the scatter exceeds them (χ²_red > 1) the
 * SEs are inflated by √χ²_red (the Birge ratio), so a misfitting model never looks precise.
 * Without `sigma`, the SEs come from the residuals (needs n ≥ 3).
 */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>, sigma?: ArrayLike<number>): LinearFit {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`invalid y.length: got ${y.length}; expected ${n} (= x.length)`);
  if (n < 2) throw new RangeError(`invalid x.length: got ${n}; expected at least 2 points`);
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const w = sigma ? 1 / (sigma[i] * sigma[i]) : 1;
    sw += w;
    sx += w * x[i];
    sy += w * y[i];
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const w = sigma ? 1 / (sigma[i] * sigma[i]) : 1;
    sxx += w * (x[i] - mx) * (x[i] - mx);
    sxy += w * (x[i] - mx) * (y[i] - my);
    syy += w * (y[i] - my) * (y[i] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) {
    const w = sigma ? 1 / (sigma[i] * sigma[i]) : 1;
    const r = y[i] - intercept - slope * x[i];
    rss += w * r * r;
  }
  const dof = n - 2;
  const chi2Reduced = dof > 0 ? rss / dof : NaN;
  let scale: number;
  if (sigma) scale = dof > 0 ? Math.max(1, chi2Reduced) : 1;
  else scale = chi2Reduced;
  const slopeSE = Math.sqrt(scale / sxx);
  const interceptSE = Math.sqrt(scale * (1 / sw + (mx * mx) / sxx));
  return { slope, intercept, slopeSE, interceptSE, covariance: (-mx * scale) / sxx, chi2Reduced, n, r2: syy > 0 ? 1 - rss / syy : 1 };
}

export interface LogLogFit extends LinearFit {
  /** The fitted law y ≈ prefactor · x^slope. */
  prefactor: number;
}

/**
 * Fit log y = log A + slope·log x. `ySE` (standard errors of y) become errors of log y by
 * the delta method, SE(log y) = SE(y)/y.
 */
export function loglogSlope(x: ArrayLike<number>, y: ArrayLike<number>, ySE?: ArrayLike<number>): LogLogFit {
  const n = x.length;
  const lx = new Float64Array(n);
  const ly = new Float64Array(n);
  const ls = ySE ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    if (!(x[i] > 0) || !(y[i] > 0)) {
      throw new RangeError(`invalid point ${i}: (${x[i]}, ${y[i]}); a log-log fit needs positive x and y`);
    }
    lx[i] = Math.log(x[i]);
    ly[i] = Math.log(y[i]);
    if (ls && ySE) ls[i] = ySE[i] / y[i];
  }
  const fit = linearFit(lx, ly, ls);
  return { ...fit, prefactor: Math.exp(fit.intercept) };
}

/**
 * Inverse-variance weighted mean of measurements of one quantity: Σwᵢxᵢ/Σwᵢ with wᵢ = 1/sᵢ²
 * (a point whose SE is not positive gets weight 0), and χ²_red = Σ((xᵢ − mean)/sᵢ)²/(k − 1) over
 * the k weighted points (1 when k = 1). Core's one pooling routine, with two conventions for the SE:
 * - `birge: true` (default): (Σwᵢ)^(−1/2)·√max(1, χ²_red), inflated by the Birge ratio when the
 *   scatter exceeds the stated errors, so that unexplained scatter is never hidden. Right unless
 *   the stated SEs are known to be complete.
 * - `birge: false`: (Σwᵢ)^(−1/2), the SE if every sᵢ is the whole error of its point. Right only
 *   when that is established; with overdispersed points (χ²_red > 1) it is too small by √χ²_red.
 * With no weighted point the mean is the plain mean, χ²_red is NaN, and the SE is 0 without the
 * Birge factor and NaN with it (the scatter cannot be judged).
 */
export function weightedMean(values: ArrayLike<number>, ses: ArrayLike<number>, opts: { birge?: boolean } = {}): { mean: number; se: number; chi2Reduced: number } {
  if (ses.length !== values.length) throw new RangeError(`invalid ses.length: got ${ses.length}; expected ${values.length} (= values.length)`);
  const birge = opts.birge ?? true;
  let sw = 0;
  let s = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    if (!(ses[i] > 0)) continue;
    const w = 1 / (ses[i] * ses[i]);
    sw += w;
    s += w * values[i];
    k++;
  }
  if (sw === 0) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    return { mean: sum / values.length, se: birge ? NaN : 0, chi2Reduced: NaN };
  }
  const mean = s / sw;
  let chi = 0;
  for (let i = 0; i < values.length; i++) if (ses[i] > 0) chi += ((values[i] - mean) / ses[i]) ** 2;
  const red = k > 1 ? chi / (k - 1) : 1;
  return { mean, se: Math.sqrt((birge ? Math.max(1, red) : 1) / sw), chi2Reduced: red };
}

/** Weighted fit y = c·x through the origin, with the Birge-inflated SE of c. */
export function proportionalFit(x: ArrayLike<number>, y: ArrayLike<number>, se: ArrayLike<number>): { c: number; se: number; chi2Reduced: number } {
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    const w = 1 / (se[i] * se[i]);
    sxy += w * x[i] * y[i];
    sxx += w * x[i] * x[i];
  }
  const c = sxy / sxx;
  let chi2 = 0;
  for (let i = 0; i < x.length; i++) chi2 += ((y[i] - c * x[i]) / se[i]) ** 2;
  const dof = x.length - 1;
  const chi2Reduced = dof > 0 ? chi2 / dof : NaN;
  const inflate = dof > 0 ? Math.sqrt(Math.max(1, chi2Reduced)) : 1;
  return { c, se: inflate / Math.sqrt(sxx), chi2Reduced };
}
