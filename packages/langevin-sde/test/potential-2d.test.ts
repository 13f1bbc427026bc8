// Your own potential in 2-D (issue 17, part 3): parsing and the dimension from the variables,
// gradients against hand derivatives, the fast paths, exp(−U/T)/Z by 2-D quadrature against closed
// forms, a 2-D stationarity check that agrees and that fails when its theory is wrong, the
// experiments on a 2-D potential, and the refusals.
import { describe, expect, it } from 'vitest';
import { ParameterError, runExperiment, Stream } from '@snrlab/core';
import {
  boltzmann2D,
  boltzmannExperiment,
  checkStationary2D,
  EDGE_MASS_MAX,
  eulerMaruyama,
  expressionPotential,
  gaussianLaw2D,
  inferPotentialDim,
  kramersExperiment,
  langevinProblem,
  potentialInput,
  replicaAverageExperiment,
  solve,
} from '../src/index.js';
import type { BoltzmannMeasurements2D } from '../src/experiments/boltzmann.js';

const error = async (f: () => unknown): Promise<ParameterError> => {
  try {
    await f();
  } catch (e) {
    return e as ParameterError;
  }
  throw new Error('no error');
};

describe('2-D expressions: dimension, derivatives, fast paths', () => {
  it('the dimension comes from the variables; any other name is refused with the allowed ones', async () => {
    expect(inferPotentialDim('x^4/4 - x^2/2 + 0.1*x')).toBe(1);
    expect(inferPotentialDim('(x^2-1)^2 + 0.5*y^2')).toBe(2);
    expect(inferPotentialDim('y^2 + cos(pi*y)')).toBe(2);
    const z = await error(() => inferPotentialDim('x^2 + y^2 + z', '--potential'));
    expect(z).toBeInstanceOf(ParameterError);
    expect(z.parameter).toBe('--potential');
    expect(z.message).toMatch(/unknown variable 'z' at position 13/);
    expect(z.message).toMatch(/in x \(1-D\) or in x and y \(2-D\)/);
    expect((await error(() => inferPotentialDim('x^2 + * y'))).message).toMatch(/syntax error at position 7/);
    // the CLI's --potential infers it too
    expect(potentialInput.load('(x^2-1)^2 + 0.5*y^2')).toMatchObject({ value: { expression: '(x^2-1)^2 + 0.5*y^2', dim: 2 } });
    expect((await error(() => potentialInput.load('x^2 + a*y'))).parameter).toBe('--potential');
  });

  it('gradient and Hessian are the hand derivatives (polynomial and mathjs paths), compiled once', () => {
    // U = (x² − 1)² + y²/2 + 0.3xy: ∂x = 4x(x² − 1) + 0.3y, ∂y = y + 0.3x; H = [12x² − 4, 0.3; 0.3, 1]
    const poly = expressionPotential({ expression: '(x^2-1)^2 + 0.5*y^2 + 0.3*x*y', dim: 2 });
    expect(poly.monomials).toBeDefined();
    // U = x² + y² + 0.3cos(3x)e^(−y²): ∂x = 2x − 0.9 sin(3x)e^(−y²), ∂y = 2y − 0.6y cos(3x)e^(−y²)
    const trig = expressionPotential({ expression: 'x^2 + y^2 + 0.3*cos(3*x)*exp(-y^2)', dim: 2 });
    expect(trig.monomials).toBeUndefined();
    expect(expressionPotential({ expression: '(x^2-1)^2 + 0.5*y^2 + 0.3*x*y', dim: 2 })).toBe(poly);
    const g = new Float64Array(2);
    const H = new Float64Array(4);
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b)));
    for (const [x, y] of [
      [-1.3, 0.4],
      [0.2, -0.7],
      [1.7, 1.1],
      [0, 0],
    ]) {
      close(poly.value([x, y]), (x * x - 1) ** 2 + 0.5 * y * y + 0.3 * x * y);
      poly.gradient([x, y], g, 0, 0);
      close(g[0], 4 * x * (x * x - 1) + 0.3 * y);
      close(g[1], y + 0.3 * x);
      poly.hessian([x, y], H, 0, 0);
      close(H[0], 12 * x * x - 4);
      close(H[1], 0.3);
      close(H[2], 0.3);
      close(H[3], 1);
      const e = Math.exp(-y * y);
      close(trig.value([x, y]), x * x + y * y + 0.3 * Math.cos(3 * x) * e);
      trig.gradient([x, y], g, 0, 0);
      close(g[0], 2 * x - 0.9 * Math.sin(3 * x) * e);
      close(g[1], 2 * y - 0.6 * y * Math.cos(3 * x) * e);
    }
  });

  it('polynomials keep the fast paths: built-in wells, per-coordinate coefficients for the registry, monomials', () => {
    const kernelOf = (expression: string) => langevinProblem({ potential: expressionPotential({ expression, dim: 2 }), temperature: 1 }).kernel?.drift;
    const dw = expressionPotential({ expression: 'x^4/4 - x^2/2 + y^4/4 - y^2/2', dim: 2 });
    expect(dw.builtin).toBe('double-well');
    expect(kernelOf('x^4/4 - x^2/2 + y^4/4 - y^2/2')).toMatchObject({ kind: 'double-well' });
    expect(kernelOf('x^4 + 0.3*x^3 + y^4 + 0.3*y^3 + 1')).toEqual({ kind: 'polynomial', coefficients: [0.5, 0, 0, 0.3, 1] });
    const h = expressionPotential({ expression: 'x^2/2 + (y - 1)^2', dim: 2 });
    expect(h.builtin).toBe('harmonic');
    expect(Array.from(h.quadratic!.stiffness)).toEqual([1, 2]);
    expect(Array.from(h.quadratic!.center)).toEqual([0, 1]);
    expect(h.value([0.5, 2])).toBeCloseTo(0.125 + 1, 14);
    // mixed terms: evaluated from monomials, drift on the CPU (no registry kernel takes it)
    expect(kernelOf('(x^2-1)^2 + 0.5*y^2 + 0.3*x*y')).toBeUndefined();
  });
});

describe('exp(−U/T)/Z in 2-D', () => {
  it('matches the closed form of a correlated Gaussian: covariance T·K⁻¹, Z = 2πT/√det K', () => {
    // U = ½ xᵀKx with K = [1, 0.5; 0.5, 4]
    const T = 0.7;
    const law = boltzmann2D(expressionPotential({ expression: 'x^2/2 + 0.5*x*y + 2*y^2', dim: 2 }), T);
    const det = 1 * 4 - 0.25;
    const want = [(T * 4) / det, (-T * 0.5) / det, (T * 1) / det];
    for (let k = 0; k < 3; k++) expect(Math.abs(law.covariance[k] - want[k])).toBeLessThan(1e-10);
    expect(Math.abs(law.logZ - Math.log((2 * Math.PI * T) / Math.sqrt(det)))).toBeLessThan(1e-10);
    expect(Math.abs(law.cellProbabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(law.edgeMass).toBeLessThan(EDGE_MASS_MAX);
  });

  const expression = 'x^4/4 - x^2/2 + 0.5*y^2 + 0.3*x*y';
  const potential = expressionPotential({ expression, dim: 2 });
  // EM from the continuum law at h = 0.0025: its O(h) bias is far below the SE of 16384 positions
  const positions = (() => {
    const law = boltzmann2D(potential, 1);
    const sol = solve(langevinProblem({ potential, temperature: 1, x0: law.sampler(), tspan: [0, 1] }), eulerMaruyama, { dt: 0.0025, ensemble: 16384, stream: Stream.fromSeed(22) });
    return sol.final!;
  })();

  it('positions from Langevin dynamics agree with it (moments within 4 SE, every verdict agrees)', () => {
    const law = boltzmann2D(potential, 1);
    const c = checkStationary2D(positions, law, { label: 'exp(−U/T)/Z' });
    expect(Math.abs(c.variance[0] - law.covariance[0])).toBeLessThan(4 * c.varianceSE[0]);
    expect(Math.abs(c.variance[1] - law.covariance[2])).toBeLessThan(4 * c.varianceSE[1]);
    expect(Math.abs(c.covariance - law.covariance[1])).toBeLessThan(4 * c.covarianceSE);
    expect(c.chiSquare.statistic).toBeLessThan(c.chiSquare.critical);
    expect(c.verdicts.map((v) => v.status)).toEqual(['agrees', 'agrees', 'agrees', 'agrees']);
  });

  it('the check fails when the theory is wrong: a misstated temperature, or a Gaussian of the same covariance', () => {
    // the law at T = 1.25 instead of 1: broader in x and y
    const wrongT = checkStationary2D(positions, boltzmann2D(potential, 1.25));
    expect(wrongT.verdicts[0].status).toBe('disagrees');
    expect(wrongT.verdicts[1].status).toBe('disagrees');
    expect(wrongT.verdicts[3].status).toBe('disagrees');
    // same mean and covariance, wrong shape (the double well in x is not Gaussian): only the χ² test sees it
    const law = boltzmann2D(potential, 1);
    const gauss = checkStationary2D(positions, gaussianLaw2D(law.mean, law.covariance, law.box));
    expect(gauss.verdicts.slice(0, 3).map((v) => v.status)).toEqual(['agrees', 'agrees', 'agrees']);
    expect(gauss.verdicts[3].status).toBe('disagrees');
    expect(gauss.chiSquare.pValue).toBeLessThan(1e-6);
  });
});

describe('experiments on a 2-D potential', () => {
  it('langevin.boltzmann: the theory is exp(−U/T)/Z by 2-D quadrature, and the positions agree with it', async () => {
    const expression = 'x^4/4 - x^2/2 + 0.5*y^2 + 0.3*x*y';
    const r = await runExperiment(boltzmannExperiment, { replicas: 8192, time: 1, dt: 0.0025, userPotential: { expression, dim: 2 } }, { seed: 5 });
    const m = r.measurements as BoltzmannMeasurements2D;
    const law = boltzmann2D(expressionPotential({ expression, dim: 2 }), 1, { name: 'userPotential' });
    expect(m.dim).toBe(2);
    expect(m.discrete).toBe(false);
    expect(m.varianceTheory).toEqual([law.covariance[0], law.covariance[2]]);
    expect(m.covarianceTheory).toBe(law.covariance[1]);
    expect(Math.abs(m.varianceMeasured[0] - m.varianceTheory[0])).toBeLessThan(4 * m.varianceSE[0]);
    expect(Math.abs(m.varianceMeasured[1] - m.varianceTheory[1])).toBeLessThan(4 * m.varianceSE[1]);
    expect(Math.abs(m.covarianceMeasured - m.covarianceTheory)).toBeLessThan(4 * m.covarianceSE);
    expect(r.verdicts).toHaveLength(4);
    expect(r.verdicts.every((v) => v.status === 'agrees')).toBe(true);
  });

  it('langevin.boltzmann, not a polynomial (mathjs gradient): within 4 SE of the quadrature moments', async () => {
    const expression = 'x^2 + y^2 + 0.3*cos(3*x)';
    const r = await runExperiment(boltzmannExperiment, { replicas: 4096, time: 0.5, dt: 0.005, userPotential: { expression, dim: 2 } }, { seed: 2 });
    const m = r.measurements as BoltzmannMeasurements2D;
    for (const j of [0, 1]) expect(Math.abs(m.varianceMeasured[j] - m.varianceTheory[j])).toBeLessThan(4 * m.varianceSE[j]);
    expect(Math.abs(m.covarianceMeasured - m.covarianceTheory)).toBeLessThan(4 * m.covarianceSE);
  });

  it('langevin.boltzmann on a 2-D harmonic well: EM follows its own Gaussian law, 1/(k(1 − hk/2)) per axis, and the continuum law is resolved', async () => {
    const r = await runExperiment(boltzmannExperiment, { replicas: 16384, time: 4, dt: 0.1, userPotential: { expression: 'x^2/2 + y^2', dim: 2 } }, { seed: 4 });
    const m = r.measurements as BoltzmannMeasurements2D;
    expect(m.discrete).toBe(true);
    expect(Math.abs(m.varianceTheory[0] - 1 / (1 - 0.05))).toBeLessThan(1e-12);
    expect(Math.abs(m.varianceTheory[1] - 0.5 / (1 - 0.1))).toBeLessThan(1e-12);
    expect(r.verdicts.every((v) => v.status === 'agrees')).toBe(true);
    // the step bias is 5–10% of the variances: the continuum law is rejected
    expect(m.chiSquareContinuum.pValue).toBeLessThan(1e-3);
  });

  it('langevin.replica-average: the observable is x² + y², its Boltzmann variance from 2-D quadrature', async () => {
    const expression = '(x^2-1)^2 + 0.5*y^2';
    const r = await runExperiment(replicaAverageExperiment, { estimates: 400, replicas: [1, 4, 16], time: 1, userPotential: { expression, dim: 2 } }, { seed: 6 });
    const m = r.measurements as { dim: number; boltzmannMeanX2: number; boltzmannVarianceX2: number; points: { budget: number; mean: number; spread: number; spreadSE: number }[] };
    const law = boltzmann2D(expressionPotential({ expression, dim: 2 }), 0.5, { name: 'userPotential' });
    const m2 = law.expectation((x, y) => x * x + y * y);
    expect(m.dim).toBe(2);
    expect(m.boltzmannMeanX2).toBe(m2);
    expect(m.boltzmannVarianceX2).toBe(law.expectation((x, y) => (x * x + y * y) ** 2) - m2 * m2);
    // R = 1: the spread of single replicas is Var_B(x² + y²) (EM's bias at h = 0.02 is far below the SE of 400 estimates)
    const one = m.points[0];
    expect(Math.abs(one.spread - m.boltzmannVarianceX2)).toBeLessThan(4 * one.spreadSE);
    expect(r.verdicts[0].status).toBe('agrees');
  });
});

describe('refusals name the parameter', () => {
  const run = (exp: typeof boltzmannExperiment | typeof kramersExperiment | typeof replicaAverageExperiment, expression: string, dim: 1 | 2 = 2) =>
    error(() => runExperiment(exp as typeof boltzmannExperiment, { ...(exp === replicaAverageExperiment ? {} : { replicas: 4096 }), userPotential: { expression, dim } } as never, { seed: 1 }));

  it('langevin.kramers refuses a 2-D potential: its exact MFPT is a 1-D quadrature', async () => {
    const e = await run(kramersExperiment, 'x^4/4 - x^2/2 + y^2');
    expect(e).toBeInstanceOf(ParameterError);
    expect(e.parameter).toBe('userPotential');
    expect(e.message).toMatch(/1-D quadrature/);
  });

  it('a potential that does not confine in 2-D, or cannot be normalised on its box', async () => {
    const saddle = await run(boltzmannExperiment, 'x^2 - 3*y^2');
    expect(saddle.parameter).toBe('userPotential');
    expect(saddle.message).toMatch(/confining/);
    const flat = await run(replicaAverageExperiment, 'x^2', 2); // 2-D but flat in y
    expect(flat.parameter).toBe('userPotential');
    expect(flat.message).toMatch(/confining/);
    // confining along every ray (U(10⁶) − U(0) = 55 > 50T), but the tail (1 + r²)^−2 is too heavy to normalise on a box
    const heavy = await error(() => boltzmann2D(expressionPotential({ expression: '2*log(1 + x^2 + y^2)', dim: 2 }), 1, { name: 'userPotential' }));
    expect(heavy).toBeInstanceOf(ParameterError);
    expect(heavy.parameter).toBe('userPotential');
    expect(heavy.message).toMatch(/normalised/);
    const unknown = await run(boltzmannExperiment, 'x^2 + y^2 + z');
    expect(unknown.parameter).toBe('userPotential');
    expect(unknown.message).toMatch(/unknown variable 'z'/);
  });
});
