import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { Stream } from '../src/random/stream.js';
import { weightedMean } from '../src/stats/regression.js';
import { eigenvalues, identity, jacobiEigen, LU, matMul, matVec, solveLinear, spectralRadius, symmetricEigen, transpose, type SymmetricEigen } from '../src/numerics/linalg.js';
import { gaussHermite, gaussLegendre } from '../src/numerics/quadrature.js';
import { bisect, brent } from '../src/numerics/roots.js';

const EPS = Number.EPSILON;

function randomMatrix(s: Stream, m: number, n: number): Float64Array {
  return Float64Array.from({ length: m * n }, () => s.normal());
}

function naiveMatMul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((x, v) => Math.max(x, Math.abs(v)), 0);

describe('matMul, transpose, matVec, identity', () => {
  const s = Stream.fromSeed('numerics/matmul');

  it('equals the plain triple loop bit for bit, with and without transposes (m = 1…9 covers the 4-row blocks and the rest)', () => {
    for (const [m, k, n] of [
      [1, 3, 2],
      [4, 4, 4],
      [5, 7, 3],
      [9, 2, 6],
    ]) {
      const a = randomMatrix(s, m, k);
      const b = randomMatrix(s, k, n);
      a[1] = 0; // a zero entry: skipped, which must not change the sum
      const ref = naiveMatMul(a, b, m, k, n);
      expect(matMul(a, b, m, k, n)).toEqual(ref);
      expect(matMul(transpose(a, m, k), b, m, k, n, { transA: true })).toEqual(ref);
      expect(matMul(a, transpose(b, k, n), m, k, n, { transB: true })).toEqual(ref);
      expect(matMul(transpose(a, m, k), transpose(b, k, n), m, k, n, { transA: true, transB: true })).toEqual(ref);
    }
  });

  it('a known product, the identity and matVec at offsets', () => {
    expect(Array.from(matMul(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), 2, 2, 2))).toEqual([19, 22, 43, 50]);
    const A = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    expect(matMul(identity(3), A, 3, 3, 3)).toEqual(A);
    const out = new Float64Array(5);
    matVec(A, Float64Array.of(9, 1, 0, -1), out, 3, 1, 2);
    expect(Array.from(out)).toEqual([0, 0, -2, -2, -2]);
  });
});

describe('LU and solveLinear', () => {
  const s = Stream.fromSeed('numerics/solve');

  it('solves random systems to a backward error of a few ε (‖Ax − b‖ ≤ 8nε‖A‖‖x‖)', () => {
    for (const n of [1, 2, 3, 5, 10, 20]) {
      const A = randomMatrix(s, n, n);
      const b = randomMatrix(s, n, 1);
      const x = solveLinear(A, b, n);
      const r = new Float64Array(n);
      matVec(A, x, r, n);
      let normA = 0;
      for (let i = 0; i < n; i++) {
        let row = 0;
        for (let j = 0; j < n; j++) row += Math.abs(A[i * n + j]);
        normA = Math.max(normA, row);
      }
      const residual = maxAbs(r.map((v, i) => v - b[i]));
      expect(residual).toBeLessThanOrEqual(8 * n * EPS * normA * maxAbs(x));
    }
  });

  it('recovers a known solution, needs the pivoting (zero leading entry), and refuses a singular matrix', () => {
    // [[0, 2, 1], [1, 1, 1], [2, 1, 3]]·[1, −2, 3] = [−1, 2, 9]
    const A = Float64Array.of(0, 2, 1, 1, 1, 1, 2, 1, 3);
    const x = solveLinear(A, Float64Array.of(-1, 2, 9), 3);
    expect(maxAbs(x.map((v, i) => v - [1, -2, 3][i]))).toBeLessThan(4 * EPS * 3);
    expect(() => solveLinear(Float64Array.of(1, 2, 2, 4), Float64Array.of(1, 1), 2)).toThrow(/singular/);
  });

  it('one factorisation serves several right-hand sides, read and written at offsets', () => {
    const A = randomMatrix(s, 4, 4);
    const lu = new LU(A, 4);
    const B = randomMatrix(s, 3, 4); // three right-hand sides, one per row
    const X = new Float64Array(12);
    for (let r = 0; r < 3; r++) lu.solve(B, X, 4 * r, 4 * r);
    for (let r = 0; r < 3; r++) expect(X.subarray(4 * r, 4 * r + 4)).toEqual(solveLinear(A, B.subarray(4 * r, 4 * r + 4), 4));
  });

  it('agrees with ml-matrix to the conditioning of the system', () => {
    const n = 6;
    const A = randomMatrix(s, n, n);
    const b = randomMatrix(s, n, 1);
    const ours = solveLinear(A, b, n);
    const M = new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n))));
    const theirs = solve(M, Matrix.columnVector(Array.from(b))).getColumn(0);
    const cond = new EigenvalueDecomposition(M.transpose().mmul(M), { assumeSymmetric: true }).realEigenvalues;
    const kappa = Math.sqrt(Math.max(...cond) / Math.min(...cond));
    expect(maxAbs(ours.map((v, i) => v - theirs[i]))).toBeLessThan(10 * n * kappa * EPS * maxAbs(ours));
  });
});

describe('eigenvalues (Hessenberg + Francis QR)', () => {
  const sorted = (e: { re: Float64Array; im: Float64Array }) =>
    Array.from(e.re)
      .map((r, i) => [r, e.im[i]] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  it('a rotation by φ has e^{±iφ}; spectral radius 1', () => {
    const phi = 0.7;
    const R = Float64Array.of(Math.cos(phi), -Math.sin(phi), Math.sin(phi), Math.cos(phi));
    const e = sorted(eigenvalues(R, 2));
    expect(e[0][0]).toBeCloseTo(Math.cos(phi), 15);
    expect(e[0][1]).toBeCloseTo(-Math.sin(phi), 15);
    expect(e[1][1]).toBeCloseTo(Math.sin(phi), 15);
    expect(spectralRadius(R, 2)).toBeCloseTo(1, 15);
  });

  it('the companion matrix of (x−1)(x−2)(x−3)(x² + 1) has roots 1, 2, 3, ±i', () => {
    // x⁵ − 6x⁴ + 12x³ − 12x² + 11x − 6
    const c = [-6, 11, -12, 12, -6]; // a0..a4 of the monic polynomial
    const n = 5;
    const C = new Float64Array(n * n);
    for (let i = 1; i < n; i++) C[i * n + i - 1] = 1;
    for (let i = 0; i < n; i++) C[i * n + n - 1] = -c[i];
    const e = sorted(eigenvalues(C, n));
    const want = [
      [0, -1],
      [0, 1],
      [1, 0],
      [2, 0],
      [3, 0],
    ];
    for (let k = 0; k < n; k++) {
      expect(Math.abs(e[k][0] - want[k][0])).toBeLessThan(1e-12);
      expect(Math.abs(e[k][1] - want[k][1])).toBeLessThan(1e-12);
    }
  });

  it('keeps the trace of random matrices, and complex eigenvalues come in conjugate pairs', () => {
    const s = Stream.fromSeed('numerics/eigenvalues');
    for (const n of [2, 3, 5, 8, 12]) {
      const M = randomMatrix(s, n, n);
      const e = eigenvalues(M, n);
      let tr = 0;
      let sum = 0;
      let sumIm = 0;
      for (let i = 0; i < n; i++) {
        tr += M[i * n + i];
        sum += e.re[i];
        sumIm += e.im[i];
      }
      expect(Math.abs(sum - tr)).toBeLessThan(1e-12 * n);
      expect(Math.abs(sumIm)).toBeLessThan(1e-12 * n);
    }
  });

  it('a triangular matrix has its diagonal; a non-finite entry is refused', () => {
    const T = Float64Array.of(4, 1, 7, 0, -2, 3, 0, 0, 0.5);
    expect(sorted(eigenvalues(T, 3)).map((e) => e[0])).toEqual([-2, 0.5, 4]);
    expect(() => eigenvalues(Float64Array.of(1, NaN, 0, 1), 2)).toThrow(/non-finite/);
  });
});

/** Residual ‖AV − VΛ‖ and orthogonality ‖VᵀV − I‖, both max-norm. */
function eigenChecks(A: Float64Array, n: number, r: SymmetricEigen): { residual: number; orthogonality: number } {
  let residual = 0;
  let orthogonality = 0;
  for (let m = 0; m < n; m++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * r.vectors[j * n + m];
      residual = Math.max(residual, Math.abs(s - r.values[m] * r.vectors[i * n + m]));
    }
    for (let q = 0; q < n; q++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += r.vectors[i * n + m] * r.vectors[i * n + q];
      orthogonality = Math.max(orthogonality, Math.abs(d - (m === q ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

describe('symmetricEigen (ml-matrix) and jacobiEigen', () => {
  // the second-difference matrix tridiag(−1, 2, −1): λ_k = 2 − 2cos(kπ/(n+1)), k = 1…n
  const n = 12;
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    T[i * n + i] = 2;
    if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = -1;
  }
  const exact = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));

  it('both give the closed-form eigenvalues of the second-difference matrix, with orthonormal eigenvectors', () => {
    const ql = symmetricEigen(T, n);
    expect(maxAbs(Array.from(ql.values).map((v, k) => v - exact[k]))).toBeLessThan(8 * EPS * 4);
    const jac = jacobiEigen(T, n);
    const js = Array.from(jac.values).sort((a, b) => a - b);
    expect(maxAbs(js.map((v, k) => v - exact[k]))).toBeLessThan(8 * EPS * 4);
    for (const r of [ql, jac]) {
      const c = eigenChecks(T, n, r);
      expect(c.residual).toBeLessThan(n * EPS * 4);
      expect(c.orthogonality).toBeLessThan(n * EPS);
    }
  });

  it("orders: ascending by default (tql2's order), descending on request, vectors following their values", () => {
    const s = Stream.fromSeed('numerics/eigen-order');
    const B = randomMatrix(s, 7, 7);
    const S = new Float64Array(49);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) S[i * 7 + j] = B[i * 7 + j] + B[j * 7 + i];
    const up = symmetricEigen(S, 7);
    const down = symmetricEigen(S, 7, { order: 'descending' });
    expect(Array.from(up.values)).toEqual(Array.from(up.values).sort((a, b) => a - b));
    expect(Array.from(down.values)).toEqual(Array.from(up.values).reverse());
    for (let i = 0; i < 7; i++) expect(down.vectors[i * 7]).toBe(up.vectors[i * 7 + 6]);
    for (const r of [up, down, jacobiEigen(S, 7)]) expect(eigenChecks(S, 7, r).residual).toBeLessThan(1e-13);
  });

  it('on a graded matrix Jacobi keeps the relative accuracy of the small eigenvalues and QL does not (why jacobiEigen is kept)', () => {
    // H = DMD, D = diag(1, 1e-4, 1e-8); eigenvalues from 50-digit arithmetic (mpmath.eigsy)
    const D = [1, 1e-4, 1e-8];
    const M = [
      [2, 1, 0.5],
      [1, 2, 1],
      [0.5, 1, 2],
    ];
    const H = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) H[i * 3 + j] = D[i] * D[j] * M[i][j];
    const exact = [1.49999999625e-16, 1.5e-8, 2.000000005];
    const rel = (v: ArrayLike<number>) => Math.max(...Array.from(v).sort((a, b) => a - b).map((x, k) => Math.abs(x - exact[k]) / exact[k]));
    expect(rel(jacobiEigen(H, 3).values)).toBeLessThan(1e-14);
    expect(rel(symmetricEigen(H, 3).values)).toBeGreaterThan(1e-9);
  });
});

describe('Gauss–Hermite (probabilists’)', () => {
  const doubleFactorial = (k: number): number => (k <= 0 ? 1 : k * doubleFactorial(k - 2));
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));

  it('integrates E[Z^k] exactly for k ≤ 2n − 1 (odd moments 0, even (k−1)!!), and misses E[Z^{2n}] by exactly n!', () => {
    for (const n of [1, 2, 5, 10, 20]) {
      const { nodes, weights } = gaussHermite(n);
      for (let k = 0; k <= 2 * n; k++) {
        let q = 0;
        let size = 0; // Σ wᵢ|xᵢ|^k: the scale of the cancellation in odd moments
        for (let i = 0; i < n; i++) {
          q += weights[i] * nodes[i] ** k;
          size += weights[i] * Math.abs(nodes[i]) ** k;
        }
        const exact = k % 2 ? 0 : doubleFactorial(k - 1);
        // weights to ≤ 3e-13 relative (the 50-digit test below), nodes and the sum to (k + n)·ε
        if (k < 2 * n) expect(Math.abs(q - exact)).toBeLessThanOrEqual((3e-13 + (k + n) * EPS) * size);
        // degree 2n: x^{2n} = He_n(x)² + lower terms and He_n vanishes at the nodes, so the rule misses E[He_n²] = n!
        else expect(Math.abs(exact - q - factorial(n))).toBeLessThanOrEqual((3e-13 + (k + n) * EPS) * size);
      }
    }
  });

  it('matches 50-digit nodes and weights, tail weights included (where Golub–Welsch loses them)', () => {
    // mpmath.gauss_quadrature(n, 'hermite') at 60 digits, rescaled, rounded to the nearest double: largest node, smallest weight
    const ref = {
      16: { node: 6.630878198393129, weight: 1.4978147231618397e-10 },
      40: { node: 11.45337784154873, weight: 1.4618398738694167e-29 },
    };
    for (const n of [16, 40] as const) {
      const { nodes, weights } = gaussHermite(n);
      expect(Math.abs(nodes[0] - ref[n].node) / ref[n].node).toBeLessThan(4 * EPS);
      expect(Math.abs(weights[0] - ref[n].weight) / ref[n].weight).toBeLessThan(1e-12);
      expect(nodes[n - 1]).toBe(-nodes[0]);
      // Golub–Welsch: eigenvalues of the Jacobi matrix, weights = first eigenvector components²
      const J = new Float64Array(n * n);
      for (let i = 1; i < n; i++) J[i * n + i - 1] = J[(i - 1) * n + i] = Math.sqrt(i);
      const gw = jacobiEigen(J, n);
      let iMax = 0;
      for (let m = 1; m < n; m++) if (gw.values[m] > gw.values[iMax]) iMax = m;
      const gwWeight = gw.vectors[iMax] ** 2;
      expect(Math.abs(gwWeight - ref[n].weight) / ref[n].weight).toBeGreaterThan(1e-12);
    }
  });
});

describe('Gauss–Legendre', () => {
  it('integrates x^k over [a, b] exactly for k ≤ 2n − 1', () => {
    for (const n of [1, 3, 8, 20]) {
      for (const [a, b] of [
        [-1, 1],
        [0, 2],
        [-3, 0.5],
      ]) {
        const { nodes, weights } = gaussLegendre(n, a, b);
        for (let k = 0; k < 2 * n; k++) {
          let q = 0;
          for (let i = 0; i < n; i++) q += weights[i] * nodes[i] ** k;
          const exact = (b ** (k + 1) - a ** (k + 1)) / (k + 1);
          const scale = (Math.max(Math.abs(a), Math.abs(b)) ** k) * (b - a);
          expect(Math.abs(q - exact)).toBeLessThanOrEqual(64 * EPS * scale);
        }
      }
    }
  });

  it('matches 50-digit nodes and weights, ascending', () => {
    const { nodes, weights } = gaussLegendre(20);
    expect(Math.abs(nodes[0] - -0.9931285991850949)).toBeLessThan(2 * EPS);
    expect(Math.abs(weights[0] - 0.017614007139152118) / 0.0176140071391521).toBeLessThan(1e-14);
    for (let i = 1; i < 20; i++) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
  });

  it('refuses a bad n or interval', () => {
    expect(() => gaussLegendre(0)).toThrow(/n/);
    expect(() => gaussLegendre(3, 1, 1)).toThrow(/interval/);
    expect(() => gaussHermite(2.5)).toThrow(/n/);
  });
});

describe('roots', () => {
  it('bisection finds √2 and the root of cos x = x to within a few ulps, either orientation', () => {
    expect(Math.abs(bisect((x) => x * x - 2, 0, 2) - Math.SQRT2)).toBeLessThanOrEqual(2 * EPS);
    expect(Math.abs(bisect((x) => 2 - x * x, 0, 2) - Math.SQRT2)).toBeLessThanOrEqual(2 * EPS);
    const dottie = 0.7390851332151607;
    expect(Math.abs(bisect((x) => Math.cos(x) - x, 0, 1) - dottie)).toBeLessThanOrEqual(2 * EPS);
  });

  it('bisection with a fixed count halves the bracket each time', () => {
    const r = bisect((x) => x - 0.3, 0, 1, { iterations: 10 });
    expect(Math.abs(r - 0.3)).toBeLessThanOrEqual(2 ** -11);
  });

  it('Brent finds the same roots in far fewer evaluations, and refuses a non-bracket', () => {
    const a = brent((x) => x * x - 2, 0, 2);
    expect(Math.abs(a.root - Math.SQRT2)).toBeLessThanOrEqual(2 * EPS);
    expect(a.evaluations).toBeLessThan(15);
    const b = brent((x) => Math.cos(x) - x, 0, 1);
    expect(Math.abs(b.root - 0.7390851332151607)).toBeLessThanOrEqual(2 * EPS);
    // a root of high multiplicity is still found (bisection steps): (x − 1)³ on [0, 3]
    const c = brent((x) => (x - 1) ** 3, 0, 3, { tol: 1e-12 });
    expect(Math.abs(c.root - 1)).toBeLessThan(1e-4);
    expect(brent((x) => x, 0, 1).root).toBe(0);
    expect(() => brent((x) => x * x + 1, -1, 1)).toThrow(/same sign/);
  });
});

describe('weightedMean: one pool, two SE conventions', () => {
  it('without the Birge factor the SE is (Σ 1/sᵢ²)^(−1/2); with it, that times √max(1, χ²_red)', () => {
    const v = [1, 2, 4];
    const s = [1, 2, 1];
    const r = weightedMean(v, s, { birge: false });
    // weights 1, ¼, 1: mean (1 + ½ + 4)/2.25, SE 1/√2.25
    expect(r.mean).toBeCloseTo(5.5 / 2.25, 15);
    expect(r.se).toBeCloseTo(1 / 1.5, 15);
    const w = weightedMean(v, s);
    expect(w.mean).toBe(r.mean);
    expect(w.chi2Reduced).toBe(r.chi2Reduced);
    // χ²_red = Σ((xᵢ − m)/sᵢ)²/2 ≈ 2.28 > 1 here, so the two conventions differ
    expect(w.chi2Reduced).toBeGreaterThan(1);
    expect(w.se).toBeCloseTo(r.se * Math.sqrt(w.chi2Reduced), 15);
    // under-dispersed points: the Birge factor never shrinks the SE
    const u = weightedMean([1, 1.1], [1, 1]);
    expect(u.se).toBe(weightedMean([1, 1.1], [1, 1], { birge: false }).se);
  });

  it('gives points with SE 0 weight 0, and the plain mean when none is weighted', () => {
    expect(weightedMean([1, 5], [1, 0], { birge: false })).toEqual({ mean: 1, se: 1, chi2Reduced: 1 });
    expect(weightedMean([1, 5, 3], [1, 0, 1])).toEqual({ mean: 2, se: Math.sqrt(2 / 2), chi2Reduced: 2 });
    expect(weightedMean([1, 5], [0, 0], { birge: false })).toEqual({ mean: 3, se: 0, chi2Reduced: NaN });
    expect(weightedMean([1, 5], [0, 0]).se).toBeNaN();
    expect(() => weightedMean([1, 2], [1])).toThrow(/ses.length/);
  });
});
