import { describe, expect, it } from 'vitest';
import { CancelledError, DivergenceError, ParameterError, Stream } from '@snrlab/core';
import { getBackend } from '@snrlab/tensor';
import {
  BrownianPath,
  baoab,
  declaredStrongOrder,
  doubleWell,
  eulerMaruyama,
  exactOU,
  getSolver,
  harmonic,
  langevinProblem,
  linearStepMap,
  lawAfter,
  milstein,
  mullerBrown,
  ouMoments,
  sdeProblem,
  solve,
  solvers,
  sra1,
  stationaryLaw,
  type PartialSolution,
} from '../src/index.js';

const ou = (x0 = 2) => sdeProblem({ drift: { kind: 'linear', rate: 1 }, diffusion: 1, x0, tspan: [0, 1], noise: 'additive' });

describe('solvers declare what they are', () => {
  it('orders, calculus and noise', () => {
    expect([eulerMaruyama.strongOrder, eulerMaruyama.strongOrderAdditive, eulerMaruyama.weakOrder]).toEqual([0.5, 1, 1]);
    expect([milstein.strongOrder, milstein.weakOrder]).toEqual([1, 1]);
    expect([sra1.strongOrder, sra1.weakOrder, sra1.needsTimeIntegral]).toEqual([1.5, 2, true]);
    expect(exactOU.weakOrder).toBe(Infinity);
    expect(baoab.weakOrder).toBe(2);
    for (const s of Object.values(solvers)) expect(s.calculus).toBe('ito');
    expect(declaredStrongOrder(eulerMaruyama, { noise: 'diagonal' })).toBe(0.5);
    expect(declaredStrongOrder(eulerMaruyama, { noise: 'additive' })).toBe(1);
  });

  it('refuse problems they cannot solve, naming the solver', () => {
    const gbm = sdeProblem({ drift: (_t, x, o) => void (o[0] = x[0]), diffusion: (_t, x, o) => void (o[0] = x[0]), x0: 1, tspan: [0, 1], noise: 'diagonal' });
    const dw = langevinProblem({ potential: doubleWell(), temperature: 1 });
    expect(() => solve(gbm, sra1, { dt: 0.1, stream: Stream.fromSeed(1) })).toThrow(/invalid solver: got "sra1"/);
    expect(() => solve(dw, exactOU, { dt: 0.1, stream: Stream.fromSeed(1) })).toThrow(/exact-ou needs a linear drift/);
    expect(() => solve(dw, baoab, { dt: 0.1, stream: Stream.fromSeed(1) })).toThrow(/baoab needs langevinProblem/);
    expect(() => getSolver('rk4')).toThrow(/one of 'euler-maruyama'/);
  });
});

describe('discrete-step theory from the one-step map', () => {
  it('Euler–Maruyama on U = x²/2 at T = 1 has stationary variance 1/(1 − h/2)', () => {
    const p = langevinProblem({ potential: harmonic(), temperature: 1 });
    for (const h of [0.01, 0.1, 0.5, 1.5]) {
      const st = stationaryLaw(linearStepMap(p, eulerMaruyama, h));
      expect(st.covariance[0]).toBeCloseTo(1 / (1 - h / 2), 12);
    }
    expect(() => stationaryLaw(linearStepMap(p, eulerMaruyama, 2.5))).toThrow(/invalid dt/);
  });

  it('the exact OU update is exact at every step; SRA1 is close', () => {
    const p = langevinProblem({ potential: harmonic({ stiffness: 2 }), temperature: 0.7 });
    expect(stationaryLaw(linearStepMap(p, exactOU, 0.9)).covariance[0]).toBeCloseTo(0.35, 13);
    const law = lawAfter(linearStepMap(p, exactOU, 0.25), [1.5], 4);
    const exact = ouMoments({ rate: 2, sigma: Math.sqrt(1.4), x0: 1.5, t: 1 });
    expect(law.mean[0]).toBeCloseTo(exact.mean, 13);
    expect(law.covariance[0]).toBeCloseTo(exact.variance, 13);
    const map = linearStepMap(p, sra1, 0.1);
    expect(map.A[0]).toBeCloseTo(1 - 0.2 + 0.02, 14); // RK2 on the drift: 1 − kh + (kh)²/2
  });

  it('BAOAB: Var(q) = T/ω² at every stable step, Var(p) = T(1 − h²ω²/4)', () => {
    const p = langevinProblem({ potential: harmonic({ stiffness: 4 }), temperature: 1.5, friction: 0.7, mass: 1 });
    for (const h of [0.1, 0.5, 0.9]) {
      const st = stationaryLaw(linearStepMap(p, baoab, h));
      expect(st.covariance[0]).toBeCloseTo(1.5 / 4, 11);
      expect(st.covariance[3]).toBeCloseTo(1.5 * (1 - (h * h * 4) / 4), 11);
    }
  });

  it('Langevin problems: overdamped drift −U′/γ, underdamped (q, p) layout', () => {
    const over = langevinProblem({ potential: doubleWell(), temperature: 1, friction: 2 });
    // γ ≠ 1: not the plain double-well kernel, but polynomial coefficients of U/γ for the registry
    expect(over.kernel?.drift).toEqual({ kind: 'polynomial', coefficients: [0, -0, -0.25, 0, 0.125] });
    const f = new Float64Array(1);
    over.drift(0, Float64Array.of(0.5), f, 0, 1);
    expect(f[0]).toBeCloseTo(-(0.125 - 0.5) / 2, 15);
    expect(over.langevin!.D).toBe(0.5);
    // EM on dq = p/m dt, dp = −kq dt − (γ/m)p dt: A = [[1, h/m], [−kh, 1 − γh/m]]
    const under = langevinProblem({ potential: harmonic({ stiffness: 3 }), temperature: 1, friction: 0.5, mass: 2 });
    const map = linearStepMap(under, eulerMaruyama, 0.1);
    expect(Array.from(map.A).map((v) => Number(v.toFixed(12)))).toEqual([1, 0.05, -0.3, 1 - 0.025]);
    expect(map.Q[3]).toBeCloseTo(2 * 0.5 * 1 * 0.1, 14); // 2γT·h on the momentum only
    expect(map.Q[0]).toBe(0);
  });

  it('refuses a nonlinear problem', () => {
    expect(() => linearStepMap(langevinProblem({ potential: doubleWell(), temperature: 1 }), eulerMaruyama, 0.1)).toThrow(/not affine/);
  });
});

describe('solve', () => {
  it('matches the exact OU law within 4 SE, for each solver, and saves the chosen times', () => {
    const th = ouMoments({ rate: 1, sigma: 1, x0: 2, t: 1 });
    const half = ouMoments({ rate: 1, sigma: 1, x0: 2, t: 0.5 });
    for (const s of [eulerMaruyama, milstein, sra1, exactOU]) {
      const sol = solve(ou(), s, { dt: 0.01, ensemble: 4000, stream: Stream.fromSeed(11).child(s.name), saveAt: [0, 0.5, 1], observables: { x2: (x, o) => x[o] * x[o] } });
      expect(sol.t).toEqual([0, 0.5, 1]);
      expect(sol.mean(0)[0]).toBe(2);
      const m = sol.moments[1];
      expect(Math.abs(m.mean[0] - half.mean)).toBeLessThan(4 * Math.sqrt(half.variance / 4000));
      const v = sol.observables.x2[2];
      expect(Math.abs(sol.mean()[0] - th.mean)).toBeLessThan(4 * Math.sqrt(th.variance / 4000));
      expect(Math.abs(v.mean - (th.variance + th.mean ** 2))).toBeLessThan(4 * v.sem);
    }
  });

  it('the fused tensor kernel and the package stepper run the same Brownian path', () => {
    const a = solve(ou(), eulerMaruyama, { dt: 0.05, ensemble: 300, stream: Stream.fromSeed(5), blockSize: 128 });
    const b = solve(ou(), eulerMaruyama, { dt: 0.05, ensemble: 300, stream: Stream.fromSeed(5), blockSize: 128, fused: false });
    expect(a.fused).toBe(true);
    expect(b.fused).toBe(false);
    for (let i = 0; i < 300; i++) expect(b.final![i]).toBeCloseTo(a.final![i], 12);
  });

  it('the registry kernels give the same bytes as a whole run per block (ensemble-em) and step by step (em-step), divergence included', async () => {
    const js = await getBackend('js');
    const array = { ...js, name: 'array-engine-under-test' }; // not in the registry: its own emStep, whole ensemble per call
    const p = langevinProblem({ potential: doubleWell({ tilt: 0.1 }), temperature: 0.5, x0: -1, tspan: [0, 3] });
    const opts = { dt: 0.01, ensemble: 3000, blockSize: 512 };
    const whole = solve(p, eulerMaruyama, { ...opts, saveAt: [0, 3], stream: Stream.fromSeed(5), backend: js });
    const stepped = solve(p, eulerMaruyama, { ...opts, saveAt: [0, 0.5, 1.37, 3], stream: Stream.fromSeed(5), backend: js });
    const legacy = solve(p, eulerMaruyama, { ...opts, saveAt: [0, 0.5, 1.37, 3], stream: Stream.fromSeed(5), backend: array });
    expect(whole.fused && stepped.fused && legacy.fused).toBe(true);
    const last = (s: typeof whole) => JSON.stringify([s.moments[s.moments.length - 1], Array.from(s.final!)]);
    expect(last(whole)).toBe(last(stepped));
    expect(JSON.stringify([stepped.moments, stepped.t, Array.from(stepped.final!)])).toBe(JSON.stringify([legacy.moments, legacy.t, Array.from(legacy.final!)]));
    // a solver that declares no kernel runs its own stepper, whatever its name
    const undeclared = { ...eulerMaruyama, kernels: [] };
    expect(solve(p, undeclared, { ...opts, saveAt: [0, 3], stream: Stream.fromSeed(5) }).fused).toBe(false);
    const wild = langevinProblem({ potential: doubleWell(), temperature: 0.5, x0: 2, tspan: [0, 60] });
    const fail = (saveAt: number[]) => {
      try {
        solve(wild, eulerMaruyama, { dt: 0.6, ensemble: 3000, blockSize: 512, saveAt, stream: Stream.fromSeed(5), backend: js });
      } catch (e) {
        return e as DivergenceError;
      }
      throw new Error('no divergence');
    };
    const [ea, eb] = [fail([0, 60]), fail([0, 30, 60])];
    expect(ea).toBeInstanceOf(DivergenceError);
    expect([ea.step, ea.replica, ea.message, JSON.stringify((ea.partial as PartialSolution).moments[0])]).toEqual([eb.step, eb.replica, eb.message, JSON.stringify((eb.partial as PartialSolution).moments[0])]);
  });

  it('same seed, same bytes; a split by firstBlock reproduces the whole ensemble', () => {
    const opts = { dt: 0.002, stream: Stream.fromSeed(6), blockSize: 64 };
    const p = langevinProblem({ potential: mullerBrown({ scale: 0.05 }), temperature: 1, x0: [-0.5, 1.4], tspan: [0, 0.2] });
    const whole = solve(p, sra1, { ...opts, ensemble: 128 });
    expect(Array.from(solve(p, sra1, { ...opts, ensemble: 128 }).final!)).toEqual(Array.from(whole.final!));
    const second = solve(p, sra1, { ...opts, ensemble: 64, firstBlock: 1 });
    expect(Array.from(second.final!)).toEqual(Array.from(whole.final!.subarray(128)));
  });

  it('a Brownian path given explicitly is replayed at a coarser step', () => {
    const gbm = sdeProblem({ drift: (_t, x, o) => void (o[0] = 0.5 * x[0]), diffusion: (_t, x, o) => void (o[0] = 0.3 * x[0]), x0: 1, tspan: [0, 1], noise: 'diagonal' });
    const path = new BrownianPath({ stream: Stream.fromSeed(1), replicas: 2000, dt: 1 / 256, steps: 256, method: 'bridge' });
    const W = new Float64Array(2000);
    path.walk(256).next(W);
    const err = (h: number) => {
      const x = solve(gbm, milstein, { dt: h, path }).final!;
      let s = 0;
      for (let i = 0; i < 2000; i++) s += Math.abs(x[i] - Math.exp((0.5 - 0.045) + 0.3 * W[i]));
      return s / 2000;
    };
    // Milstein: strong order 1, so halving h halves the error (same path at both steps)
    const r = err(1 / 16) / err(1 / 32);
    expect(r).toBeGreaterThan(1.7);
    expect(r).toBeLessThan(2.3);
  });

  it('records first-passage times with the bridge correction: E τ = r²/(2D) for free diffusion', () => {
    // exit of free Brownian motion (D = 1/2) from (−1, 1) started at 0: E τ = 1
    const free = sdeProblem({ drift: { kind: 'linear', rate: 0 }, diffusion: 1, x0: 0, tspan: [0, 40], noise: 'additive' });
    const sol = solve(free, eulerMaruyama, { dt: 0.01, ensemble: 8000, stream: Stream.fromSeed(21), firstPassage: { region: { kind: 'interval', lower: -1, upper: 1 } } });
    const fp = sol.firstPassage!;
    expect(fp.censored).toBe(0);
    expect(Math.abs(fp.mean - 1)).toBeLessThan(4 * fp.se);
    // grid-only monitoring overshoots: the boundary acts as if moved out by ≈ 0.5826·σ√h
    const shifted = (1 + 0.5826 * Math.sqrt(0.01)) ** 2;
    expect(Math.abs(fp.uncorrected.mean - shifted)).toBeLessThan(4 * fp.uncorrected.sem + 0.01);
    expect(fp.uncorrected.mean - fp.mean).toBeGreaterThan(4 * fp.se);
    // exited replicas stop where they left: every final state is outside the interval
    for (let i = 0; i < 8000; i++) expect(Math.abs(sol.final![i])).toBeGreaterThanOrEqual(1);
    // ball regions and the same answer through the generic path (d = 1: a ball is an interval)
    const ball = solve(free, eulerMaruyama, { dt: 0.01, ensemble: 8000, stream: Stream.fromSeed(21), firstPassage: { region: { kind: 'ball', radius: 1 } } }).firstPassage!;
    expect(ball.mean).toBeCloseTo(fp.mean, 12);
    const custom = solve(free, eulerMaruyama, { dt: 0.01, ensemble: 8000, stream: Stream.fromSeed(21), firstPassage: { region: { kind: 'custom', distance: (x, o) => 1 - Math.abs(x[o]) } } }).firstPassage!;
    expect(custom.mean).toBeCloseTo(fp.mean, 12);
    expect(Array.from(custom.times)).toEqual(Array.from(ball.times));
  });

  it('first passage with diagonal noise reads the local g for the bridge', () => {
    const opts = { dt: 0.02, ensemble: 3000, stream: Stream.fromSeed(22), firstPassage: { region: { kind: 'interval' as const, upper: 1 } } };
    const additive = sdeProblem({ drift: { kind: 'linear', rate: 1 }, diffusion: 1, x0: 0, tspan: [0, 200], noise: 'additive' });
    const diagonal = sdeProblem({ drift: { kind: 'linear', rate: 1 }, diffusion: (_t, _x, o) => void (o[0] = 1), x0: 0, tspan: [0, 200], noise: 'diagonal' });
    const a = solve(additive, eulerMaruyama, { ...opts, fused: false }).firstPassage!;
    const b = solve(diagonal, eulerMaruyama, opts).firstPassage!;
    expect(Array.from(b.times)).toEqual(Array.from(a.times));
    expect(a.censored).toBe(0);
  });

  it('stops on NaN/Inf with the step, time and replica, keeping the statistics so far', () => {
    // dx = x² dt blows up at t = 1/x0; replica 3 starts highest
    const x0 = { dim: 1, sample: (_s: Stream, out: Float64Array, o: number) => void (out[o] = o === 3 ? 4 : 0.1) };
    const p = sdeProblem({ drift: (_t, x, o) => void (o[0] = x[0] * x[0]), diffusion: 0, x0, tspan: [0, 1], noise: 'additive' });
    let err: DivergenceError | undefined;
    try {
      solve(p, eulerMaruyama, { dt: 0.01, ensemble: 8, stream: Stream.fromSeed(1), saveAt: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] });
    } catch (e) {
      err = e as DivergenceError;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err!.replica).toBe(3);
    expect(err!.step).toBeGreaterThan(20);
    expect(err!.time).toBeCloseTo(err!.step * 0.01, 12);
    expect(err!.message).toMatch(/step \d+ .*replica 3/);
    const partial = err!.partial as PartialSolution;
    expect(partial.t.length).toBeGreaterThan(0);
    expect(partial.moments[0].n).toBe(8);
  });

  it('refuses bad input, naming the parameter and the allowed range', () => {
    const s = Stream.fromSeed(1);
    expect(() => solve(ou(), eulerMaruyama, { dt: 0, stream: s })).toThrow(/invalid dt: got 0; expected a number in \(0, ∞\)/);
    expect(() => solve(ou(), eulerMaruyama, { dt: 0.3, stream: s })).toThrow(/invalid dt: got 0.3; expected a step dividing/);
    expect(() => solve(ou(), eulerMaruyama, { dt: 0.1, ensemble: 0, stream: s })).toThrow(/invalid ensemble: got 0/);
    expect(() => solve(ou(), eulerMaruyama, { dt: 0.1 })).toThrow(/invalid stream/);
    expect(() => solve(ou(), eulerMaruyama, { dt: 0.1, stream: s, saveAt: [0.55] })).toThrow(/invalid saveAt\[0\]: got 0.55/);
    expect(() => langevinProblem({ potential: harmonic(), temperature: -1 })).toThrow(/invalid temperature: got -1; expected a number in \(0, ∞\)/);
    expect(() => langevinProblem({ potential: harmonic(), temperature: 1, friction: 0 })).toThrow(/invalid friction/);
    expect(() => sdeProblem({ drift: () => [1, 2], diffusion: 1, x0: 0, tspan: [0, 1], noise: 'additive' })).toThrow(
      /invalid drift: got "a vector of length 2"; expected a function returning d = 1 values/,
    );
    expect(() => sdeProblem({ drift: () => {}, diffusion: 1, x0: [0, 0], tspan: [0, 1], noise: 'additive' })).toThrow(/invalid drift/);
    expect(() => sdeProblem({ drift: { kind: 'linear', rate: 1 }, diffusion: [1, 2], x0: 0, tspan: [0, 1], noise: 'additive' })).toThrow(/invalid diffusion\.length/);
    expect(() => sdeProblem({ drift: { kind: 'linear', rate: 1 }, diffusion: 1, x0: 0, tspan: [1, 0], noise: 'additive' })).toThrow(/invalid tspan\[1\]/);
    expect(() => sdeProblem({ drift: { kind: 'linear', rate: 1 }, diffusion: 1, x0: 0, tspan: [0, 1], noise: 'multiplicative' as 'additive' })).toThrow(/invalid noise/);
    expect(() => solve(ou(), eulerMaruyama, { dt: 0.1, stream: s, firstPassage: { region: { kind: 'interval' } } })).toThrow(ParameterError);
  });

  it('an aborted signal stops the run with what it finished', () => {
    const ac = new AbortController();
    ac.abort();
    const p = sdeProblem({ drift: { kind: 'linear', rate: 1 }, diffusion: 1, x0: 0, tspan: [0, 10], noise: 'additive' });
    expect(() => solve(p, sra1, { dt: 0.1, stream: Stream.fromSeed(1), signal: ac.signal })).toThrow(CancelledError);
  });
});
