import { describe, expect, it } from 'vitest';
import { loglogSlope } from '@snrlab/core';
import {
  createProblem,
  explicitStabilityLimit,
  ReactionDiffusionStepper,
  sddProblem1D,
  simulate,
  solveSteadyState,
} from '../src/pde.js';
import { finiteDomainProfile, fitDecayLength, latticeDecayLength, powerLawSlope } from '../src/sdd.js';

const base = { D: 1, k: 0.04, p: 1, h: 1, sourceLength: 5, patterningLength: 40 };

function patterning(problemX: Float64Array, C: Float64Array, offset = 0) {
  const xs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < problemX.length; i++) {
    if (problemX[i] > 0) {
      xs.push(problemX[i]);
      cs.push(C[offset + i]);
    }
  }
  return { xs, cs };
}

describe('finite-volume solver', () => {
  it('explicit and implicit 1-D steady states decay with the exact lattice length λ_h (5.008 voxels at D/h² = 1, k = 0.04)', () => {
    const lh = latticeDecayLength(1, 0.04, 1);
    for (const method of ['explicit', 'implicit'] as const) {
      const pr = sddProblem1D(base);
      const r = solveSteadyState(pr, { method });
      expect(r.converged).toBe(true);
      const { xs, cs } = patterning(pr.x, r.C);
      const fit = fitDecayLength(xs, cs, 5);
      expect(Math.abs(fit.decayLength - lh)).toBeLessThan(1e-7);
      expect(fit.decayLength).toBeCloseTo(5.008, 3);
    }
  });

  it('2-D strip source: every row has the 1-D profile, explicit and implicit (CG)', () => {
    const lh = latticeDecayLength(1, 0.04, 1);
    const pr = createProblem({ dim: 2, D: 1, k: 0.04, h: 1, length: 45, width: 4, x0: -5, source: (x) => (x < 0 ? 1 : 0) });
    const ref = solveSteadyState(sddProblem1D(base), { tol: 1e-12 }).C;
    for (const method of ['explicit', 'implicit'] as const) {
      const r = solveSteadyState(pr, { method, tol: 1e-12 });
      for (let j = 0; j < pr.ny; j++) {
        for (let i = 0; i < pr.nx; i++) expect(Math.abs(r.C[j * pr.nx + i] / ref[i] - 1)).toBeLessThan(1e-7);
      }
      const { xs, cs } = patterning(pr.x, r.C, 2 * pr.nx);
      expect(Math.abs(fitDecayLength(xs, cs, 5).decayLength - lh)).toBeLessThan(1e-7);
    }
  });

  it('the steady state converges to the finite-domain cosh profile at second order in h', () => {
    const hs = [1, 0.5, 0.25, 0.125];
    const errs = hs.map((h) => {
      const pr = sddProblem1D({ ...base, h });
      const r = solveSteadyState(pr, { method: 'implicit', tol: 1e-11 });
      let e = 0;
      for (let i = 0; i < pr.nx; i++) e = Math.max(e, Math.abs(r.C[i] / finiteDomainProfile(base, pr.x[i]) - 1));
      return e;
    });
    const fit = loglogSlope(hs, errs);
    expect(fit.slope).toBeGreaterThan(1.9);
    expect(fit.slope).toBeLessThan(2.1);
    expect(errs[3]).toBeLessThan(1e-3);
  });

  it('absorbing and fixed far boundaries converge to their closed forms', () => {
    for (const far of [{ type: 'absorbing' as const }, { type: 'fixed' as const, value: 2 }]) {
      const pr = sddProblem1D({ ...base, h: 0.125, farBoundary: far });
      const r = solveSteadyState(pr, { tol: 1e-11 });
      let e = 0;
      for (let i = 0; i < pr.nx; i++) e = Math.max(e, Math.abs(r.C[i] - finiteDomainProfile(base, pr.x[i], far)));
      // second-order error, relative to the source scale p/k = 25
      expect(e / 25).toBeLessThan(2e-3);
    }
  });

  it('nonlinear decay k·C² gives the half-line power law near the source', () => {
    const pr = sddProblem1D({ ...base, h: 0.25, patterningLength: 400, decayOrder: 2 });
    const r = solveSteadyState(pr);
    expect(r.converged).toBe(true);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < pr.nx; i++) {
      if (pr.x[i] > 2 && pr.x[i] < 60) {
        xs.push(pr.x[i]);
        ys.push(1 / Math.sqrt(r.C[i]));
      }
    }
    const n = xs.length;
    const slope = (ys[n - 1] - ys[0]) / (xs[n - 1] - xs[0]);
    expect(Math.abs(slope / powerLawSlope(1, 0.04, 2) - 1)).toBeLessThan(2e-3);
    // explicit reaches the same state
    const e = solveSteadyState(sddProblem1D({ ...base, h: 1, patterningLength: 60, decayOrder: 2 }), { method: 'explicit' });
    const i = solveSteadyState(sddProblem1D({ ...base, h: 1, patterningLength: 60, decayOrder: 2 }), { method: 'implicit' });
    // both stop at a steady-state residual of 1e-10, a relative state error of about 1e-7
    for (let c = 0; c < e.C.length; c++) expect(Math.abs(e.C[c] / i.C[c] - 1)).toBeLessThan(1e-6);
  });

  it('transients: pure decay follows (1 − k dt)ⁿ explicitly and (1 + k dt)⁻ⁿ implicitly', () => {
    const pr = createProblem({ D: 1, k: 0.1, h: 1, length: 10, source: 0 });
    const init = new Float64Array(10).fill(3);
    const ex = simulate(pr, 10, { method: 'explicit', dt: 0.25, initial: init });
    const im = simulate(pr, 10, { method: 'implicit', dt: 0.25, initial: init });
    for (let c = 0; c < 10; c++) {
      expect(ex.C[c]).toBeCloseTo(3 * Math.pow(1 - 0.025, 40), 12);
      expect(im.C[c]).toBeCloseTo(3 * Math.pow(1 + 0.025, -40), 12);
    }
  });

  it('diffusion alone conserves mass with zero-flux walls (explicit and implicit)', () => {
    const pr = createProblem({ D: 2, k: 1e-300, h: 0.5, length: 10, source: 0 });
    const init = Float64Array.from({ length: 20 }, (_, i) => (i === 3 ? 10 : 0));
    for (const method of ['explicit', 'implicit'] as const) {
      const r = simulate(pr, 5, { method, dt: 0.01, initial: init });
      expect(r.C.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 9);
    }
  });

  it('refuses an explicit dt above the stability limit, stating the limit', () => {
    const pr = sddProblem1D(base);
    const limit = explicitStabilityLimit(pr);
    expect(limit).toBeCloseTo(2 / (4 + 0.04), 12);
    expect(() => new ReactionDiffusionStepper(pr, { method: 'explicit', dt: 1.01 * limit })).toThrow(/invalid dt: got .*explicit stability limit/);
    expect(() => new ReactionDiffusionStepper(pr, { method: 'explicit', dt: limit })).not.toThrow();
    // 2-D halves the diffusive limit
    const p2 = createProblem({ dim: 2, D: 1, k: 0.04, h: 1, length: 4, width: 4, source: 1 });
    expect(explicitStabilityLimit(p2)).toBeCloseTo(2 / (8 + 0.04), 12);
  });

  it('refuses D, k, h ≤ 0, a domain shorter than one voxel, and bad boundary values', () => {
    expect(() => createProblem({ D: 0, k: 1, h: 1, length: 5, source: 1 })).toThrow(/invalid D: got 0/);
    expect(() => createProblem({ D: 1, k: -1, h: 1, length: 5, source: 1 })).toThrow(/invalid k: got -1/);
    expect(() => createProblem({ D: 1, k: 1, h: 0, length: 5, source: 1 })).toThrow(/invalid h: got 0/);
    expect(() => createProblem({ D: 1, k: 1, h: 2, length: 1, source: 1 })).toThrow(/invalid length: got 1; expected a domain at least one cell long/);
    expect(() => sddProblem1D({ ...base, p: 0 })).toThrow(/invalid p: got 0/);
    expect(() => sddProblem1D({ ...base, patterningLength: 0.5 })).toThrow(/invalid patterningLength: got 0.5/);
    expect(() => createProblem({ D: 1, k: 1, h: 1, length: 5, source: 1, boundary: { right: { type: 'fixed', value: -1 } } })).toThrow(/boundary.right.value/);
    expect(() => createProblem({ D: 1, k: 1, h: 1, length: 5, source: () => -1 })).toThrow(/invalid source\[0\]/);
  });

  it('stops with a DivergenceError when the solution turns non-finite', () => {
    const pr = createProblem({ D: 1, k: 1, h: 1, length: 3, source: 1 });
    const st = new ReactionDiffusionStepper(pr, { method: 'explicit', dt: 0.1 });
    st.C[1] = Infinity;
    expect(() => st.step()).toThrow(/diverged at step 1/);
  });
});
