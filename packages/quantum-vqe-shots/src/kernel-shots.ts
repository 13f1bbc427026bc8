/**
 * Shot-based energy estimates on the `@snrlab/tensor` registry's kernels, for a backend other than
 * js (the GPU: `webgpu`). The js path of the experiments keeps `ShotEstimator` (its sampler, its
 * golden bytes); this module is the way onto other backends:
 *
 * 1. `statevector-layer`: the state (computed exactly, in float64, on the CPU) is copied once per
 *    measurement group and each copy is rotated into its group's basis (H on X qubits, H·S† on Y
 *    qubits) as one batch on the backend (float32 on webgpu); the outcome probabilities are read
 *    back as |ψ_b|².
 * 2. `shot-sample`: every estimate's N_g shots of group g are drawn on the backend as integer
 *    counts — sample (estimate r, group g) draws from stream.child(first + r·G + g), by 32-bit
 *    thresholds of the probabilities (bit-identical on js and webgpu).
 *
 * The law sampled differs from the exact float64 one only by float32 rounding of the rotated
 * amplitudes and the 2⁻³² quantisation of the thresholds; `sampledLaw` reports both exactly, so a
 * verdict can carry them as a derived allowance.
 */
import { ParameterError, type Stream } from '@snrlab/core';
import { getKernel, type StatevectorGate } from '@snrlab/tensor';
import type { PreparedMeasurement, ShotEstimator } from './measurement.js';
import type { StateVector } from './simulator/state.js';

const S = Math.SQRT1_2;
const IDENTITY = [1, 0, 0, 0, 0, 0, 1, 0];
const HADAMARD = [S, 0, S, 0, S, 0, -S, 0];
/** H·S†: S† first, then H (the Y-basis rotation of measurement.ts). */
const H_SDG = [S, 0, 0, -S, S, 0, 0, S];

export interface KernelGroupLaw {
  /** Probabilities of each group's rotated state as the backend computed them (|ψ_b|² of its amplitudes). */
  probabilities: Float64Array[];
  /** Per-shot mean and variance of each group's reading under the law actually sampled (float32 amplitudes). */
  means: Float64Array;
  variances: Float64Array;
  /** Bound on |Var_g| change from the 2⁻³² quantisation of the thresholds: dim·2⁻³²·3·max|h_g|². */
  quantisation: Float64Array;
  backend: string;
  precision: 'float64' | 'float32';
}

/** Rotate `state` into every group's basis on `backend`'s statevector-layer kernel. */
export async function groupLawOnKernel(estimator: ShotEstimator, state: StateVector, backend: string): Promise<KernelGroupLaw> {
  const G = estimator.groups.length;
  const n = state.qubits;
  const dim = state.dim;
  const re = new Float64Array(G * dim);
  const im = new Float64Array(G * dim);
  for (let g = 0; g < G; g++) {
    re.set(state.re, g * dim);
    im.set(state.im, g * dim);
  }
  const nParams = 8 * n;
  const params = new Float64Array(G * nParams);
  estimator.groups.forEach((grp, g) => {
    for (let q = 0; q < n; q++) params.set(grp.basisX & (1 << q) ? HADAMARD : grp.basisY & (1 << q) ? H_SDG : IDENTITY, g * nParams + 8 * q);
  });
  const gates: StatevectorGate[] = Array.from({ length: n }, (_, q) => ({ gate: 'u', wires: [q] as const, matrix: { param: 8 * q } }));
  const def = getKernel('statevector-layer', backend);
  await def.run({ re, im, qubits: n, batch: G, gates, params, nParams });
  const probabilities: Float64Array[] = [];
  const means = new Float64Array(G);
  const variances = new Float64Array(G);
  const quantisation = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const p = new Float64Array(dim);
    let total = 0;
    for (let b = 0; b < dim; b++) {
      const i = g * dim + b;
      p[b] = re[i] * re[i] + im[i] * im[i];
      total += p[b];
    }
    probabilities.push(p);
    const h = estimator.readings(g);
    let m1 = 0;
    let m2 = 0;
    let hmax = 0;
    for (let b = 0; b < dim; b++) {
      m1 += (p[b] / total) * h[b];
      m2 += (p[b] / total) * h[b] * h[b];
      hmax = Math.max(hmax, Math.abs(h[b]));
    }
    means[g] = m1;
    variances[g] = Math.max(0, m2 - m1 * m1);
    quantisation[g] = dim * 2 ** -32 * 3 * hmax * hmax;
  }
  return { probabilities, means, variances, quantisation, backend: def.backend, precision: def.precision ?? 'float64' };
}

export interface KernelShotEstimates {
  /** Ê per estimate. */
  energies: Float64Array;
  /** Group means per estimate, estimate-major (replicates·G). */
  groupMeans: Float64Array;
  backend: string;
}

/**
 * `replicates` energy estimates of `shots` shots each from the law `law`, drawn on `backend`'s
 * shot-sample kernel. Estimates are drawn in chunks (at most ~2²⁴ counts each); the streams do not
 * depend on the chunking.
 */
export async function estimatesOnKernel(estimator: ShotEstimator, law: KernelGroupLaw, shots: number, replicates: number, stream: Stream, backend: string): Promise<KernelShotEstimates> {
  const G = estimator.groups.length;
  if (G === 0) throw new ParameterError('hamiltonian', 'only identity terms', 'at least one measured term');
  const dim = law.probabilities[0].length;
  const alloc = Int32Array.from(estimator.shotsPerGroup(shots));
  const probabilities = new Float64Array(G * dim);
  law.probabilities.forEach((p, g) => probabilities.set(p, g * dim));
  const readings = Array.from({ length: G }, (_, g) => estimator.readings(g));
  const def = getKernel('shot-sample', backend);
  const energies = new Float64Array(replicates);
  const groupMeans = new Float64Array(replicates * G);
  const chunk = Math.max(1, Math.floor(2 ** 24 / (G * dim)));
  for (let r0 = 0; r0 < replicates; r0 += chunk) {
    const R = Math.min(chunk, replicates - r0);
    const rows = new Int32Array(R * G);
    const counts = new Int32Array(R * G);
    for (let r = 0; r < R; r++) {
      for (let g = 0; g < G; g++) {
        rows[r * G + g] = g;
        counts[r * G + g] = alloc[g];
      }
    }
    const c = await def.run({ probabilities, dim, rows, shots: counts, stream, first: r0 * G });
    for (let r = 0; r < R; r++) {
      let e = estimator.constant;
      for (let g = 0; g < G; g++) {
        const o = (r * G + g) * dim;
        let s1 = 0;
        for (let b = 0; b < dim; b++) if (c[o + b]) s1 += c[o + b] * readings[g][b];
        const m = s1 / alloc[g];
        groupMeans[(r0 + r) * G + g] = m;
        e += m;
      }
      energies[r0 + r] = e;
    }
  }
  return { energies, groupMeans, backend: def.backend };
}

/** Var Ê = Σ_g Var_g/N_g under given per-group variances. */
export function lawVariance(estimator: ShotEstimator, variances: ArrayLike<number>, shots: number): number {
  const n = estimator.shotsPerGroup(shots);
  let s = 0;
  for (let g = 0; g < n.length; g++) s += variances[g] / n[g];
  return s;
}

export type { PreparedMeasurement };
