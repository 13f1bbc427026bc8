/**
 * Finite-volume solver for ∂C/∂t = D∇²C + s(x) − k·Cⁿ in 1-D and 2-D on a uniform grid of
 * square cells of side h, explicit (forward Euler) or implicit (backward Euler with Newton
 * iterations; Thomas algorithm in 1-D, Jacobi-preconditioned conjugate gradients in 2-D).
 *
 * Cell i covers [x₀ + i·h, x₀ + (i+1)·h]; values live at the cell centres. Boundary faces are
 * zero flux (no molecules cross), absorbing (C = 0 on the face) or fixed (C = value on the face);
 * a Dirichlet face sits h/2 from the centre, so its flux is 2D(value − C)/h per unit face.
 * Units: x in µm, t in s, D in µm²/s; C in molecules/µm (1-D) or molecules/µm² (2-D); s in
 * C-units per s; k in 1/s for linear decay (k·C^(1−n)-units otherwise).
 */
import { assertInteger, assertPositive, assertInRange, DivergenceError, ParameterError } from '@snrlab/core';

export type BoundaryCondition = { type: 'zero-flux' } | { type: 'absorbing' } | { type: 'fixed'; value: number };
export type BoundaryName = 'left' | 'right' | 'bottom' | 'top';

export interface ProblemOptions {
  dim?: 1 | 2;
  D: number;
  /** Decay rate k in k·Cⁿ. */
  k: number;
  /** Decay order n ≥ 1 (1 = linear decay). */
  decayOrder?: number;
  /** Cell size (µm). */
  h: number;
  /** Length of the domain along x (µm); rounded to a whole number of cells. */
  length: number;
  /** Width along y in 2-D (µm). */
  width?: number;
  /** Position of the left (and bottom) face. */
  x0?: number;
  y0?: number;
  /** Production: a constant, a function of the cell centre, or one value per cell (row-major, x fastest). */
  source: number | ((x: number, y: number) => number) | ArrayLike<number>;
  boundary?: Partial<Record<BoundaryName, BoundaryCondition>>;
}

export interface ReactionDiffusionProblem {
  dim: 1 | 2;
  nx: number;
  ny: number;
  h: number;
  x0: number;
  y0: number;
  D: number;
  k: number;
  decayOrder: number;
  /** Production per cell. */
  source: Float64Array;
  boundary: Record<BoundaryName, BoundaryCondition>;
  /** Cell centres along x and y. */
  x: Float64Array;
  y: Float64Array;
}

const ZERO_FLUX: BoundaryCondition = { type: 'zero-flux' };

function checkBoundary(name: string, b: BoundaryCondition | undefined): BoundaryCondition {
  if (b === undefined) return ZERO_FLUX;
  if (b.type === 'fixed') {
    if (!(Number.isFinite(b.value) && b.value >= 0)) throw new ParameterError(`boundary.${name}.value`, b.value, 'a finite concentration ≥ 0');
    return b;
  }
  if (b.type !== 'zero-flux' && b.type !== 'absorbing') {
    throw new ParameterError(`boundary.${name}.type`, (b as { type: unknown }).type, 'one of "zero-flux", "absorbing", "fixed"');
  }
  return b;
}

/** Build and validate a problem: D, k, h > 0, a domain at least one cell long, n ≥ 1. */
export function createProblem(o: ProblemOptions): ReactionDiffusionProblem {
  const dim = o.dim ?? 1;
  if (dim !== 1 && dim !== 2) throw new ParameterError('dim', dim, '1 or 2');
  assertPositive('D', o.D);
  assertPositive('k', o.k);
  assertPositive('h', o.h);
  const order = o.decayOrder ?? 1;
  assertInRange('decayOrder', order, 1, 10);
  assertPositive('length', o.length);
  if (o.length < o.h * (1 - 1e-9)) {
    throw new ParameterError('length', o.length, `a domain at least one cell long (≥ h = ${o.h} µm)`);
  }
  const nx = Math.max(1, Math.round(o.length / o.h));
  let ny = 1;
  if (dim === 2) {
    const width = o.width ?? o.h;
    assertPositive('width', width);
    if (width < o.h * (1 - 1e-9)) throw new ParameterError('width', width, `a domain at least one cell wide (≥ h = ${o.h} µm)`);
    ny = Math.max(1, Math.round(width / o.h));
  }
  assertInteger('cells', nx * ny, { min: 1, max: 4_000_000 });
  const x0 = o.x0 ?? 0;
  const y0 = o.y0 ?? 0;
  const x = Float64Array.from({ length: nx }, (_, i) => x0 + (i + 0.5) * o.h);
  const y = Float64Array.from({ length: ny }, (_, j) => y0 + (j + 0.5) * o.h);
  const source = new Float64Array(nx * ny);
  const src = o.source;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const v = typeof src === 'number' ? src : typeof src === 'function' ? src(x[i], y[j]) : src[c];
      if (!(Number.isFinite(v) && v >= 0)) throw new ParameterError(`source[${c}]`, v, 'a finite production rate ≥ 0');
      source[c] = v;
    }
  }
  if (typeof src !== 'number' && typeof src !== 'function' && src.length !== nx * ny) {
    throw new ParameterError('source.length', src.length, `${nx * ny} (one value per cell)`);
  }
  const b = o.boundary ?? {};
  return {
    dim,
    nx,
    ny,
    h: o.h,
    x0,
    y0,
    D: o.D,
    k: o.k,
    decayOrder: order,
    source,
    boundary: {
      left: checkBoundary('left', b.left),
      right: checkBoundary('right', b.right),
      bottom: checkBoundary('bottom', b.bottom),
      top: checkBoundary('top', b.top),
    },
    x,
    y,
  };
}

/**
 * The linear diffusion operator as a 5-point stencil: (A C)_c = Σ_faces w·(C_nb − C_c) with
 * Dirichlet faces contributing 2D/h²·(value − C_c). Stored as the diagonal, the four
 * neighbour weights and the constant vector g of Dirichlet values, so L(C) = A·C + g.
 */
interface Stencil {
  diag: Float64Array;
  west: Float64Array;
  east: Float64Array;
  south: Float64Array;
  north: Float64Array;
  g: Float64Array;
}

function stencil(p: ReactionDiffusionProblem): Stencil {
  const { nx, ny, h, D } = p;
  const n = nx * ny;
  const w = D / (h * h);
  const s: Stencil = {
    diag: new Float64Array(n),
    west: new Float64Array(n),
    east: new Float64Array(n),
    south: new Float64Array(n),
    north: new Float64Array(n),
    g: new Float64Array(n),
  };
  const face = (c: number, bc: BoundaryCondition) => {
    if (bc.type === 'zero-flux') return;
    s.diag[c] -= 2 * w;
    if (bc.type === 'fixed') s.g[c] += 2 * w * bc.value;
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (i > 0) {
        s.west[c] = w;
        s.diag[c] -= w;
      } else face(c, p.boundary.left);
      if (i < nx - 1) {
        s.east[c] = w;
        s.diag[c] -= w;
      } else face(c, p.boundary.right);
      if (p.dim === 2) {
        if (j > 0) {
          s.south[c] = w;
          s.diag[c] -= w;
        } else face(c, p.boundary.bottom);
        if (j < ny - 1) {
          s.north[c] = w;
          s.diag[c] -= w;
        } else face(c, p.boundary.top);
      }
    }
  }
  return s;
}

/** out = A·C + g (the diffusion term with its boundary contributions). */
function applyDiffusion(p: ReactionDiffusionProblem, s: Stencil, C: Float64Array, out: Float64Array): void {
  const nx = p.nx;
  const n = C.length;
  for (let c = 0; c < n; c++) {
    let v = s.diag[c] * C[c] + s.g[c];
    if (s.west[c]) v += s.west[c] * C[c - 1];
    if (s.east[c]) v += s.east[c] * C[c + 1];
    if (s.south[c]) v += s.south[c] * C[c - nx];
    if (s.north[c]) v += s.north[c] * C[c + nx];
    out[c] = v;
  }
}

const decayTerm = (k: number, order: number, c: number) => (order === 1 ? k * c : c > 0 ? k * Math.pow(c, order) : 0);

/** Upper bound of C along any trajectory started at C_init (comparison principle). */
export function concentrationBound(p: ReactionDiffusionProblem, initial?: ArrayLike<number>): number {
  let smax = 0;
  for (let c = 0; c < p.source.length; c++) smax = Math.max(smax, p.source[c]);
  let bound = Math.pow(smax / p.k, 1 / p.decayOrder);
  if (initial) for (let c = 0; c < initial.length; c++) bound = Math.max(bound, initial[c]);
  for (const b of Object.values(p.boundary)) if (b.type === 'fixed') bound = Math.max(bound, b.value);
  return bound;
}

/**
 * Largest stable forward-Euler step: dt ≤ 2/(4·d·D/h² + n·k·C_max^(n−1)), d the dimension.
 * 4dD/h² bounds the diffusion operator's spectrum (Gershgorin, boundary faces included); the
 * decay is linearised at the concentration bound C_max.
 */
export function explicitStabilityLimit(p: ReactionDiffusionProblem, cMax = concentrationBound(p)): number {
  const kEff = p.decayOrder === 1 ? p.k : p.decayOrder * p.k * Math.pow(Math.max(cMax, 0), p.decayOrder - 1);
  return 2 / ((4 * p.dim * p.D) / (p.h * p.h) + kEff);
}

export type SolverMethod = 'explicit' | 'implicit';

export interface SolveOptions {
  method?: SolverMethod;
  /**
   * Time step (s). Explicit default: half the stability limit. Implicit default: 2/k_eff, grown
   * by 1.5× per step when solving for the steady state (a given dt is kept fixed).
   */
  dt?: number;
  /** Initial concentration (default 0). */
  initial?: ArrayLike<number>;
  /** Stop when ‖D∇²C + s − kCⁿ‖∞ ≤ tol·(‖s‖∞ + ‖g‖∞). */
  tol?: number;
  maxSteps?: number;
}

export interface SolveResult {
  C: Float64Array;
  x: Float64Array;
  y: Float64Array;
  steps: number;
  time: number;
  /** Relative steady-state residual at the end. */
  residual: number;
  dt: number;
  converged: boolean;
}

function steadyResidual(p: ReactionDiffusionProblem, s: Stencil, C: Float64Array, work: Float64Array): number {
  applyDiffusion(p, s, C, work);
  let r = 0;
  let scale = 0;
  for (let c = 0; c < C.length; c++) {
    r = Math.max(r, Math.abs(work[c] + p.source[c] - decayTerm(p.k, p.decayOrder, C[c])));
    scale = Math.max(scale, Math.abs(p.source[c]) + Math.abs(s.g[c]));
  }
  return scale > 0 ? r / scale : r;
}

/** Solve the tridiagonal system (lower, diag, upper)·x = rhs in place of rhs (Thomas algorithm). */
function thomas(lower: Float64Array, diag: Float64Array, upper: Float64Array, rhs: Float64Array, cp: Float64Array): void {
  const n = diag.length;
  let beta = diag[0];
  rhs[0] /= beta;
  for (let i = 1; i < n; i++) {
    cp[i] = upper[i - 1] / beta;
    beta = diag[i] - lower[i] * cp[i];
    rhs[i] = (rhs[i] - lower[i] * rhs[i - 1]) / beta;
  }
  for (let i = n - 2; i >= 0; i--) rhs[i] -= cp[i + 1] * rhs[i + 1];
}

/**
 * Solve (I − dt·A + dt·diag(jac))·δ = r for δ: Thomas in 1-D, Jacobi-preconditioned CG in 2-D
 * (the matrix is symmetric positive definite: −A is positive semi-definite, jac ≥ 0).
 */
function solveLinear(p: ReactionDiffusionProblem, s: Stencil, dt: number, jac: Float64Array, r: Float64Array, work: LinearWork): void {
  const n = r.length;
  if (p.dim === 1 || p.ny === 1) {
    const { lower, diag, upper, cp } = work;
    for (let c = 0; c < n; c++) {
      diag[c] = 1 - dt * s.diag[c] + dt * jac[c];
      lower[c] = -dt * s.west[c];
      upper[c] = -dt * s.east[c];
    }
    thomas(lower, diag, upper, r, cp);
    return;
  }
  const nx = p.nx;
  const { x, res, z, q, dvec } = work;
  const mat = (v: Float64Array, out: Float64Array) => {
    for (let c = 0; c < n; c++) {
      let a = (1 - dt * s.diag[c] + dt * jac[c]) * v[c];
      if (s.west[c]) a -= dt * s.west[c] * v[c - 1];
      if (s.east[c]) a -= dt * s.east[c] * v[c + 1];
      if (s.south[c]) a -= dt * s.south[c] * v[c - nx];
      if (s.north[c]) a -= dt * s.north[c] * v[c + nx];
      out[c] = a;
    }
  };
  let bnorm = 0;
  for (let c = 0; c < n; c++) {
    dvec[c] = 1 / (1 - dt * s.diag[c] + dt * jac[c]);
    x[c] = r[c] * dvec[c];
    bnorm += r[c] * r[c];
  }
  if (bnorm === 0) return;
  mat(x, q);
  let rz = 0;
  for (let c = 0; c < n; c++) {
    res[c] = r[c] - q[c];
    z[c] = res[c] * dvec[c];
    work.dir[c] = z[c];
    rz += res[c] * z[c];
  }
  const dir = work.dir;
  for (let it = 0; it < 10 * n + 100; it++) {
    let rr = 0;
    for (let c = 0; c < n; c++) rr += res[c] * res[c];
    if (rr <= 1e-28 * bnorm) break;
    mat(dir, q);
    let pq = 0;
    for (let c = 0; c < n; c++) pq += dir[c] * q[c];
    const alpha = rz / pq;
    let rzNew = 0;
    for (let c = 0; c < n; c++) {
      x[c] += alpha * dir[c];
      res[c] -= alpha * q[c];
      z[c] = res[c] * dvec[c];
      rzNew += res[c] * z[c];
    }
    const beta = rzNew / rz;
    rz = rzNew;
    for (let c = 0; c < n; c++) dir[c] = z[c] + beta * dir[c];
  }
  r.set(x);
}

interface LinearWork {
  lower: Float64Array;
  diag: Float64Array;
  upper: Float64Array;
  cp: Float64Array;
  x: Float64Array;
  res: Float64Array;
  z: Float64Array;
  q: Float64Array;
  dir: Float64Array;
  dvec: Float64Array;
}

function linearWork(n: number): LinearWork {
  const f = () => new Float64Array(n);
  return { lower: f(), diag: f(), upper: f(), cp: f(), x: f(), res: f(), z: f(), q: f(), dir: f(), dvec: f() };
}

/**
 * A time stepper for one problem, explicit or implicit. `step()` advances C by dt in place.
 * The explicit stepper refuses a dt above the stability limit, naming the limit.
 */
export class ReactionDiffusionStepper {
  readonly C: Float64Array;
  /** Time step; the implicit steady-state solver lengthens it as the solution settles. */
  dt: number;
  readonly method: SolverMethod;
  time = 0;
  steps = 0;
  private readonly s: Stencil;
  private readonly work: Float64Array;
  private readonly lin: LinearWork;
  private readonly jac: Float64Array;
  private readonly rhs: Float64Array;
  private readonly prev: Float64Array;

  constructor(
    readonly problem: ReactionDiffusionProblem,
    opts: { method?: SolverMethod; dt?: number; initial?: ArrayLike<number> } = {},
  ) {
    const p = problem;
    const n = p.nx * p.ny;
    this.method = opts.method ?? 'implicit';
    if (this.method !== 'explicit' && this.method !== 'implicit') throw new ParameterError('solver', this.method, 'one of "explicit", "implicit"');
    this.C = new Float64Array(n);
    if (opts.initial) {
      if (opts.initial.length !== n) throw new ParameterError('initial.length', opts.initial.length, `${n} (one value per cell)`);
      for (let c = 0; c < n; c++) {
        const v = opts.initial[c];
        if (!(Number.isFinite(v) && v >= 0)) throw new ParameterError(`initial[${c}]`, v, 'a finite concentration ≥ 0');
        this.C[c] = v;
      }
    }
    const cMax = concentrationBound(p, this.C);
    const limit = explicitStabilityLimit(p, cMax);
    if (this.method === 'explicit') {
      const dt = opts.dt ?? limit / 2;
      if (!(dt > 0 && dt <= limit)) {
        throw new ParameterError(
          'dt',
          dt,
          `a number in (0, ${limit.toPrecision(6)}] s`,
          `explicit stability limit dt ≤ 2/(4·${p.dim}·D/h² + n·k·C_max^(n−1)) = ${limit.toPrecision(6)} s; use a smaller dt or the implicit solver`,
        );
      }
      this.dt = dt;
    } else {
      const kEff = p.decayOrder === 1 ? p.k : p.decayOrder * p.k * Math.pow(Math.max(cMax, 1e-300), p.decayOrder - 1);
      const dt = opts.dt ?? 2 / kEff;
      assertPositive('dt', dt);
      this.dt = dt;
    }
    this.s = stencil(p);
    this.work = new Float64Array(n);
    this.lin = linearWork(n);
    this.jac = new Float64Array(n);
    this.rhs = new Float64Array(n);
    this.prev = new Float64Array(n);
  }

  step(): void {
    const p = this.problem;
    const { C, dt, work } = this;
    const { k, decayOrder: order, source } = p;
    const n = C.length;
    if (this.method === 'explicit') {
      applyDiffusion(p, this.s, C, work);
      for (let c = 0; c < n; c++) C[c] += dt * (work[c] + source[c] - decayTerm(k, order, C[c]));
    } else {
      // backward Euler: F(Y) = Y − C − dt(AY + g + s − kYⁿ) = 0, Newton from Y = C
      const prev = this.prev;
      prev.set(C);
      const iters = order === 1 ? 1 : 30;
      for (let it = 0; it < iters; it++) {
        applyDiffusion(p, this.s, C, work);
        let fmax = 0;
        let cmax = 0;
        for (let c = 0; c < n; c++) {
          const y = C[c];
          const f = y - prev[c] - dt * (work[c] + source[c] - decayTerm(k, order, y));
          this.rhs[c] = -f;
          this.jac[c] = order === 1 ? k : y > 0 ? order * k * Math.pow(y, order - 1) : 0;
          fmax = Math.max(fmax, Math.abs(f));
          cmax = Math.max(cmax, Math.abs(y));
        }
        if (order !== 1 && it > 0 && fmax <= 1e-13 * (cmax + 1e-300)) break;
        solveLinear(p, this.s, dt, this.jac, this.rhs, this.lin);
        for (let c = 0; c < n; c++) {
          const y = C[c] + this.rhs[c];
          // Newton can overshoot below 0 for n > 1 where kYⁿ is not defined; halve towards 0
          C[c] = order === 1 ? y : y > 0 ? y : C[c] / 2;
        }
      }
    }
    this.steps++;
    this.time += dt;
    for (let c = 0; c < n; c++) {
      if (!Number.isFinite(C[c])) {
        throw new DivergenceError(this.steps, this.time, 0, C[c], { C: Float64Array.from(C) }, `cell ${c} of the ${this.method} solver`);
      }
    }
  }

  /** Relative steady-state residual ‖D∇²C + s − kCⁿ‖∞ / (‖s‖∞ + ‖g‖∞). */
  residual(): number {
    return steadyResidual(this.problem, this.s, this.C, this.work);
  }
}

/** March to time `tEnd` (the last step is shortened only by stopping at ⌈tEnd/dt⌉ steps). */
export function simulate(p: ReactionDiffusionProblem, tEnd: number, opts: Omit<SolveOptions, 'tol' | 'maxSteps'> = {}): SolveResult {
  assertPositive('tEnd', tEnd);
  const st = new ReactionDiffusionStepper(p, opts);
  const steps = Math.ceil(tEnd / st.dt - 1e-9);
  for (let i = 0; i < steps; i++) st.step();
  return { C: st.C, x: p.x, y: p.y, steps: st.steps, time: st.time, residual: st.residual(), dt: st.dt, converged: true };
}

/**
 * March until the steady-state residual falls below `tol` (default 1e-10), or until it stops
 * improving (round-off floor; `converged` is then false), or `maxSteps`.
 */
export function solveSteadyState(p: ReactionDiffusionProblem, opts: SolveOptions = {}): SolveResult {
  const tol = opts.tol ?? 1e-10;
  assertPositive('tol', tol);
  const maxSteps = opts.maxSteps ?? 5_000_000;
  assertInteger('maxSteps', maxSteps, { min: 1 });
  const st = new ReactionDiffusionStepper(p, opts);
  let residual = st.residual();
  // checking the residual costs one operator application; do it every few steps when explicit
  const every = st.method === 'explicit' ? 16 : 1;
  // backward Euler is unconditionally stable, so the implicit solver lengthens its step
  // geometrically (pseudo-transient continuation): slow far-field modes then settle in few steps
  const growth = st.method === 'implicit' && opts.dt === undefined ? 1.5 : 1;
  const dtMax = st.dt * 1e8;
  // stop at the round-off floor: no 0.1% improvement over 200 residual checks
  let best = residual;
  let stale = 0;
  while (residual > tol && st.steps < maxSteps && stale < 200) {
    st.step();
    if (growth !== 1) st.dt = Math.min(dtMax, st.dt * growth);
    if (st.steps % every !== 0) continue;
    residual = st.residual();
    if (residual < 0.999 * best) {
      best = residual;
      stale = 0;
    } else stale++;
  }
  residual = st.residual();
  return { C: st.C, x: p.x, y: p.y, steps: st.steps, time: st.time, residual, dt: st.dt, converged: residual <= tol };
}

/**
 * The standard 1-D SDD problem: source of length L_S on [−L_S, 0] producing p, patterning
 * domain [0, L_P], zero flux at −L_S and the chosen condition at L_P.
 */
export function sddProblem1D(o: {
  D: number;
  k: number;
  p: number;
  h: number;
  sourceLength: number;
  patterningLength: number;
  decayOrder?: number;
  farBoundary?: BoundaryCondition;
}): ReactionDiffusionProblem {
  assertPositive('p', o.p);
  assertPositive('sourceLength', o.sourceLength);
  assertPositive('patterningLength', o.patterningLength);
  assertPositive('h', o.h);
  if (o.sourceLength < o.h * (1 - 1e-9)) throw new ParameterError('sourceLength', o.sourceLength, `at least one cell (≥ h = ${o.h} µm)`);
  if (o.patterningLength < o.h * (1 - 1e-9)) throw new ParameterError('patterningLength', o.patterningLength, `at least one cell (≥ h = ${o.h} µm)`);
  const nS = Math.round(o.sourceLength / o.h);
  const nP = Math.round(o.patterningLength / o.h);
  return createProblem({
    D: o.D,
    k: o.k,
    decayOrder: o.decayOrder,
    h: o.h,
    length: (nS + nP) * o.h,
    x0: -nS * o.h,
    source: (x) => (x < 0 ? o.p : 0),
    boundary: { left: { type: 'zero-flux' }, right: o.farBoundary ?? { type: 'zero-flux' } },
  });
}
