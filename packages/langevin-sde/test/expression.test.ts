// Your own potential as an expression (issue 17, part 3): parsing, symbolic derivatives, the
// polynomial fast path, confinement, and the experiments that run on it.
import { describe, expect, it } from 'vitest';
import { ParameterError, runExperiment } from '@snrlab/core';
import {
  assertConfining,
  boltzmann,
  boltzmannExperiment,
  expressionDim,
  expressionPotential,
  kramersExperiment,
  mfptExact,
  potentialInput,
  replicaAverageExperiment,
} from '../src/index.js';

const fd = (f: (x: number[]) => number, x: number[], j: number, e = 1e-5) => {
  const a = x.slice();
  const b = x.slice();
  a[j] += e;
  b[j] -= e;
  return (f(a) - f(b)) / (2 * e);
};

describe('expression potentials', () => {
  it('gradient and Hessian are the symbolic derivatives (against central differences)', () => {
    for (const [expression, dim] of [
      ['x^6/6 - x^2 + cos(3*x)/5', 1],
      ['log(cosh(2*x)) - x^2/2 + x^4/8', 1],
      ['x^4/4 + 0.3*x^3 - x^2/2 - 0.1*x', 1],
      ['(x^2 - 1)^2 + 2*y^2 + 0.5*x*y + exp(-(x^2 + y^2))', 2],
    ] as const) {
      const p = expressionPotential({ expression, dim });
      const U = (x: number[]) => p.value(x, 0);
      const g = new Float64Array(dim);
      const H = new Float64Array(dim * dim);
      for (const x of [[-1.3, 0.4], [0.2, -0.7], [1.7, 1.1]].map((v) => v.slice(0, dim))) {
        p.gradient(x, g, 0, 0);
        p.hessian(x, H, 0, 0);
        for (let j = 0; j < dim; j++) {
          // central differences: error O(e²·U‴) ≈ 1e-10 here, far above rounding (1e-11)
          expect(Math.abs(g[j] - fd(U, x, j))).toBeLessThan(1e-6 * (1 + Math.abs(g[j])));
          for (let k = 0; k < dim; k++) {
            const dgk = fd((y) => {
              const o = new Float64Array(dim);
              p.gradient(y, o, 0, 0);
              return o[k];
            }, x, j);
            expect(Math.abs(H[j * dim + k] - dgk)).toBeLessThan(1e-6 * (1 + Math.abs(dgk)));
          }
        }
      }
    }
  });

  it('detects polynomials (the kernel fast path) and the built-in potentials they coincide with', () => {
    const dw = expressionPotential({ expression: 'x^4/4 - x^2/2 + 0.1*x', dim: 1 });
    expect(dw.builtin).toBe('double-well');
    expect(dw.doubleWellTilt).toBe(-0.1);
    const cubic = expressionPotential({ expression: 'x^4/4 + 0.3*x^3 - x^2/2', dim: 1 });
    expect(cubic.builtin).toBeUndefined();
    expect(cubic.polynomial?.coefficients).toEqual([0, 0, -0.5, 0.3, 0.25]);
    expect(cubic.minima.length).toBe(2);
    expect(cubic.saddles.length).toBe(1);
    expect(expressionPotential({ expression: '2*(x - 1)^2', dim: 1 }).quadratic?.stiffness[0]).toBe(4);
    expect(expressionPotential({ expression: 'x^4 + sin(x)', dim: 1 }).polynomial).toBeUndefined();
    expect(expressionDim('x^2 + y^2')).toBe(2);
    expect(expressionDim('x^2')).toBe(1);
  });

  it('refuses with named errors: syntax (with the position), unknown variables, unconfined potentials', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ParameterError;
      }
      throw new Error('no error');
    };
    const syntax = err(() => expressionPotential({ expression: 'x^4/4 - * x', dim: 1 }, '--potential'));
    expect(syntax).toBeInstanceOf(ParameterError);
    expect(syntax.parameter).toBe('--potential');
    expect(syntax.message).toMatch(/syntax error at position 9/);
    const unknown = err(() => expressionPotential({ expression: 'x^2 + a*x', dim: 1 }, 'userPotential'));
    expect(unknown.parameter).toBe('userPotential');
    expect(unknown.message).toMatch(/unknown variable 'a' at position 7/);
    expect(err(() => expressionPotential({ expression: 'x^2 + y^2 + z', dim: 2 })).message).toMatch(/unknown variable 'z'/);
    const cubic = err(() => assertConfining(expressionPotential({ expression: 'x^3', dim: 1 }), 1, 'userPotential'));
    expect(cubic.parameter).toBe('userPotential');
    expect(cubic.message).toMatch(/confining/);
    expect(() => assertConfining(expressionPotential({ expression: 'x^2 - 3*y^2', dim: 2 }), 1)).toThrow(/confining/);
    expect(() => assertConfining(expressionPotential({ expression: 'x^4 + y^2', dim: 2 }), 1)).not.toThrow();
    // the input option: the CLI's --potential, text kind, dimension from the variables
    expect(potentialInput.kind).toBe('text');
    expect(potentialInput.load('x^2 + y^4')).toEqual({ value: { expression: 'x^2 + y^4', dim: 2 }, format: '2-D expression (mathjs)' });
    expect(() => potentialInput.load('x^2 +')).toThrow(ParameterError);
  });

  it('the experiments refuse what they cannot normalise, naming the parameter', async () => {
    const run = (exp: typeof boltzmannExperiment | typeof kramersExperiment, expression: string) =>
      runExperiment(exp as typeof boltzmannExperiment, { replicas: 200, userPotential: { expression, dim: 1 } } as never, { seed: 1 }).then(
        () => null,
        (e: unknown) => e as ParameterError,
      );
    const a = await run(boltzmannExperiment, 'x^3 - x');
    expect(a).toBeInstanceOf(ParameterError);
    expect(a!.parameter).toBe('userPotential');
    expect((await run(kramersExperiment, 'x^2'))!.message).toMatch(/two wells/);
    expect((await run(kramersExperiment, 'x^3'))!.message).toMatch(/confining/);
  });
});

describe('experiments on a user potential', () => {
  it('a polynomial entered as an expression gives the bytes of the built-in double well', async () => {
    const a = await runExperiment(boltzmannExperiment, { potential: 'double-well', tilt: 0.1, replicas: 8192, time: 2 }, { seed: 3 });
    const b = await runExperiment(boltzmannExperiment, { replicas: 8192, time: 2, userPotential: { expression: 'x^4/4 - x^2/2 - 0.1*x', dim: 1 } }, { seed: 3 });
    expect(JSON.stringify(b.measurements)).toBe(JSON.stringify(a.measurements));
    const c = await runExperiment(replicaAverageExperiment, { estimates: 100, replicas: [1, 4], time: 1 }, { seed: 3 });
    const d = await runExperiment(replicaAverageExperiment, { estimates: 100, replicas: [1, 4], time: 1, userPotential: { expression: '(x^2 - 1)^2/4 - 1/4', dim: 1 } }, { seed: 3 });
    expect(JSON.stringify(d.measurements)).toBe(JSON.stringify(c.measurements));
  });

  it('Boltzmann variance on a user polynomial (kernel path) and a non-polynomial (mathjs path) within 4 SE of quadrature', async () => {
    for (const expression of ['x^4/4 + 0.3*x^3 - x^2/2', 'x^4/8 + 0.3*cos(2*x)']) {
      const r = await runExperiment(boltzmannExperiment, { replicas: 8192, time: 4, dt: 0.01, temperature: 0.7, userPotential: { expression, dim: 1 } }, { seed: 11 });
      const m = r.measurements as { varianceMeasured: number; varianceSE: number; varianceTheory: number; discrete: boolean };
      const law = boltzmann(expressionPotential({ expression, dim: 1 }), 0.7);
      expect(m.discrete).toBe(false);
      expect(m.varianceTheory).toBe(law.variance);
      // EM's O(h) bias at h = 0.01 is ~1% of Var·h·U″ ≪ the SE of 8192 draws (≈ 1.5%)
      expect(Math.abs(m.varianceMeasured - law.variance)).toBeLessThan(4 * m.varianceSE);
    }
  });

  it('Kramers: the MFPT over the barrier of a user potential matches the exact double integral within 4 SE', async () => {
    const expression = 'x^4/4 + 0.1*x^3 - x^2/2';
    const r = await runExperiment(kramersExperiment, { replicas: 4096, D: 0.4, userPotential: { expression, dim: 1 } }, { seed: 5 });
    const m = r.measurements as { mfptMeasured: number; mfptSE: number; mfptExact: number; x0: number; b: number };
    const pot = expressionPotential({ expression, dim: 1 });
    expect(m.x0).toBe(pot.minima[0][0]);
    expect(m.b).toBe(pot.saddles[0][0]);
    expect(m.mfptExact).toBe(mfptExact({ potential: pot, temperature: 0.4, x0: m.x0, b: m.b }));
    expect(Math.abs(m.mfptMeasured - m.mfptExact)).toBeLessThan(4 * m.mfptSE);
  });
});
