/**
 * The reaction–diffusion master equation (RDME) on a lattice of voxels of side h: molecules are
 * produced in voxel i at rate b_i (molecules/s), decay at rate k each, and jump to each
 * neighbouring voxel at rate d = D/h². Walls are reflecting; an absorbing face removes a
 * molecule at rate 2D/h², which makes the mean copy numbers equal the finite-volume steady state
 * with C = 0 on that face (the face is h/2 from the voxel centre).
 *
 * The lattice is the finite-volume grid of a `ReactionDiffusionProblem` (1-D or 2-D), so the
 * deterministic model and the RDME share geometry: copy number n_i = C_i·h^dim.
 */
import { ParameterError } from '@snrlab/core';
import { solveSteadyState, type ReactionDiffusionProblem } from '../pde.js';

export interface RdmeModel {
  dim: 1 | 2;
  nx: number;
  ny: number;
  voxels: number;
  h: number;
  D: number;
  k: number;
  /** Jump rate to each neighbour, D/h² (1/s). */
  jumpRate: number;
  /** Production per voxel (molecules/s). */
  production: Float64Array;
  /** Neighbours, 4 slots per voxel; the first `degree[i]` are used. */
  neighbours: Int32Array;
  degree: Int32Array;
  /** Removal rate through absorbing faces, per molecule (1/s). */
  outflow: Float64Array;
  /** Voxel centres along x and y. */
  x: Float64Array;
  y: Float64Array;
  /** The finite-volume problem the lattice came from. */
  problem: ReactionDiffusionProblem;
}

/** The RDME of a finite-volume problem: linear decay, zero-flux or absorbing faces. */
export function rdmeFromProblem(p: ReactionDiffusionProblem): RdmeModel {
  if (p.decayOrder !== 1) throw new ParameterError('decayOrder', p.decayOrder, '1 (the RDME here has linear decay)');
  for (const [name, b] of Object.entries(p.boundary)) {
    if (b.type === 'fixed') throw new ParameterError(`boundary.${name}.type`, 'fixed', '"zero-flux" or "absorbing" for the RDME');
  }
  const { nx, ny, h } = p;
  const V = nx * ny;
  const vol = p.dim === 1 ? h : h * h;
  const d = p.D / (h * h);
  const neighbours = new Int32Array(4 * V).fill(-1);
  const degree = new Int32Array(V);
  const outflow = new Float64Array(V);
  const production = new Float64Array(V);
  const absorbing = (name: 'left' | 'right' | 'bottom' | 'top') => p.boundary[name].type === 'absorbing';
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const add = (nb: number) => {
        neighbours[4 * c + degree[c]] = nb;
        degree[c]++;
      };
      if (i > 0) add(c - 1);
      else if (absorbing('left')) outflow[c] += 2 * d;
      if (i < nx - 1) add(c + 1);
      else if (absorbing('right')) outflow[c] += 2 * d;
      if (p.dim === 2) {
        if (j > 0) add(c - nx);
        else if (absorbing('bottom')) outflow[c] += 2 * d;
        if (j < ny - 1) add(c + nx);
        else if (absorbing('top')) outflow[c] += 2 * d;
      }
      production[c] = p.source[c] * vol;
    }
  }
  return { dim: p.dim, nx, ny, voxels: V, h, D: p.D, k: p.k, jumpRate: d, production, neighbours, degree, outflow, x: p.x, y: p.y, problem: p };
}

/**
 * Stationary mean copy numbers μ_i: the fixed point of the mean equations, which for these
 * monomolecular reactions are exactly the finite-volume steady state times the voxel volume.
 */
export function stationaryMean(m: RdmeModel): Float64Array {
  const r = solveSteadyState(m.problem, { method: 'implicit', dt: 1e8 / m.k, tol: 1e-13, maxSteps: 200 });
  const vol = m.dim === 1 ? m.h : m.h * m.h;
  return r.C.map((c) => c * vol);
}

/** Total production rate Σb_i; with no absorbing face the total copy number is Poisson(Σb_i/k). */
export function totalProduction(m: RdmeModel): number {
  let s = 0;
  for (let i = 0; i < m.voxels; i++) s += m.production[i];
  return s;
}

/** Per-molecule rate of leaving voxel i: decay, jumps and outflow. */
export function exitRate(m: RdmeModel, i: number): number {
  return m.k + m.jumpRate * m.degree[i] + m.outflow[i];
}

/**
 * Dense single-molecule generator M = J − diag(exit) (V×V, row-major, symmetric here because
 * every jump has the same rate): dP/dt = M·P for the position of one molecule, with decay.
 */
export function singleMoleculeGenerator(m: RdmeModel): Float64Array {
  const V = m.voxels;
  if (V > 2000) throw new ParameterError('voxels', V, 'at most 2000 for the dense generator');
  const M = new Float64Array(V * V);
  for (let i = 0; i < V; i++) {
    M[i * V + i] = -exitRate(m, i);
    for (let s = 0; s < m.degree[i]; s++) M[i * V + m.neighbours[4 * i + s]] = m.jumpRate;
  }
  return M;
}
