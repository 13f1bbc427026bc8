/** Parameter builders shared by the experiments: units and literature defaults in one place. */
import { z } from '@snrlab/core';
import { MORPHOGEN_PRESETS, NEURAL_TUBE_SHH as SHH } from '../presets.js';

export const diffusionParam = (def: number = SHH.D) =>
  z.number().gt(0).max(1e4).default(def).meta({ unit: 'µm²/s' }).describe('diffusion coefficient D (neural-tube SHH: 0.033 µm²/s)');

export const decayParam = (def: number = SHH.k) =>
  z
    .number()
    .gt(0)
    .max(1e4)
    .default(def)
    .meta({ unit: '1/s' })
    .describe('decay rate k (default D/λ² with the SHH decay length λ = 19.26 µm)');

export const productionParam = (def: number = SHH.p) =>
  z.number().gt(0).max(1e9).default(def).meta({ unit: 'molecules/(µm·s)' }).describe('production rate density p in the source');

export const voxelParam = (def: number = SHH.cellDiameter) =>
  z.number().gt(0).max(1e4).default(def).meta({ unit: 'µm' }).describe('voxel (cell) size h (neural-tube cell diameter 4.9 µm)');

export const sourceLengthParam = (def: number = SHH.sourceLength) =>
  z.number().gt(0).max(1e5).default(def).meta({ unit: 'µm' }).describe('source length L_S: the source occupies [−L_S, 0]');

export const patterningLengthParam = (def: number = SHH.patterningLength) =>
  z.number().gt(0).max(1e5).default(def).meta({ unit: 'µm' }).describe('patterning-domain length L_P: the domain is [0, L_P], zero flux at both ends');

export const cvParam = (def: number = SHH.kineticCV, what = 'p, k and D') =>
  z.number().min(0).max(3).default(def).describe(`coefficient of variation of ${what} between embryos (lognormal)`);

/** Thin a long series for a figure. */
export function thin<T>(xs: T[], max = 150): T[] {
  if (xs.length <= max) return xs;
  const step = Math.ceil(xs.length / max);
  return xs.filter((_, i) => i % step === 0 || i === xs.length - 1);
}

/**
 * `preset`: a named parameter set. Optional with no default, so that runs without it keep their
 * parameters (and their golden bytes) exactly; absent means neural-tube SHH.
 */
export const presetParam = () =>
  z
    .enum(MORPHOGEN_PRESETS)
    .optional()
    .describe("named parameter set (default neural-tube-shh): 'ra-hoxb4' = retinoic acid degraded by CYP26, read at the Hoxb4 (r6/r7) boundary of the zebrafish hindbrain; it replaces the parameters left at their defaults (sources in the README)");
