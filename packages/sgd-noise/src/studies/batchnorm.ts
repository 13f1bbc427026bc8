/**
 * Tools for the batch-norm study: the weights that feed a batch-norm layer (their scale does not
 * matter in training mode), rescaling them, frozen population statistics, and a copy of a model
 * with another ε.
 *
 * Scale invariance: with z = W·u + b feeding BatchNorm in training mode, (cW, cb) gives c·z, whose
 * batch mean and sd are c times as large, so x̂ = (z − μ)/√(v + ε) is unchanged when ε = 0 and
 * equals that of (W, b) with ε/c² in general. The loss is unchanged, and ∂L/∂(cW) = (1/c)∂L/∂W for
 * every batch: the gradient, its noise and their ratio B_simple are decoupled from the weight scale.
 */
import { assertPositive, ParameterError } from '@snrlab/core';
import type { Batch, ParamRange } from '../nn/model.js';
import { Sequential } from '../nn/model.js';
import { BatchNorm } from '../nn/batchnorm.js';
import type { Layer } from '../nn/types.js';

/** Parameter blocks (weight and bias) of every layer whose output goes straight into a batch norm. */
export function preNormalizationRanges(model: Sequential): ParamRange[] {
  const ranges = model.paramRanges();
  const out: ParamRange[] = [];
  model.layers.forEach((l, i) => {
    if (i + 1 < model.layers.length && model.layers[i + 1] instanceof BatchNorm && l.paramCount > 0) out.push(...ranges.filter((r) => r.layer === i));
  });
  return out;
}

/** A copy of `params` with the given blocks multiplied by c. */
export function scaleRanges(params: Float64Array, ranges: readonly ParamRange[], c: number): Float64Array {
  assertPositive('c', c, { note: 'the factor on the pre-normalisation weights' });
  const out = Float64Array.from(params);
  for (const r of ranges) for (let j = r.offset; j < r.offset + r.size; j++) out[j] *= c;
  return out;
}

/** Indices of the parameters in the given blocks. */
export function rangeIndices(ranges: readonly ParamRange[]): Int32Array {
  const n = ranges.reduce((a, r) => a + r.size, 0);
  const out = new Int32Array(n);
  let k = 0;
  for (const r of ranges) for (let j = 0; j < r.size; j++) out[k++] = r.offset + j;
  return out;
}

/**
 * Set every batch-norm layer's running statistics to the mean and (biased) variance of its input
 * over the whole dataset, so that eval mode normalises with the population statistics: the
 * batch-norm network with the noise of the batch statistics removed. Returns the per-layer
 * minimum variance (a scale for ε).
 */
export function setPopulationStatistics(model: Sequential, params: Float64Array, data: Batch): number[] {
  model.checkParams(params);
  const ctx = { backend: model.backend, train: true, updateStats: false };
  let h: Float64Array = data.x.subarray(0, data.n * model.inputSize);
  const minVar: number[] = [];
  model.layers.forEach((l, i) => {
    if (l instanceof BatchNorm) {
      const C = l.channels;
      const rows = data.n * l.positions;
      const mu = new Float64Array(C);
      const v = new Float64Array(C);
      for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) mu[c] += h[r * C + c];
      for (let c = 0; c < C; c++) mu[c] /= rows;
      for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) v[c] += (h[r * C + c] - mu[c]) ** 2;
      for (let c = 0; c < C; c++) v[c] /= rows;
      l.runningMean.set(mu);
      l.runningVar.set(v);
      minVar.push(Math.min(...v));
    }
    h = l.forward(model.slice(params, i), h, data.n, ctx).y;
  });
  return minVar;
}

/** The same network with every batch-norm layer's ε replaced (other layers are shared; running statistics are copied). */
export function withBatchNormEpsilon(model: Sequential, eps: number): Sequential {
  const layers: Layer[] = model.layers.map((l) => {
    if (!(l instanceof BatchNorm)) return l;
    const b = new BatchNorm(l.inShape, { eps, momentum: l.momentum });
    b.runningMean.set(l.runningMean);
    b.runningVar.set(l.runningVar);
    return b;
  });
  if (!layers.some((l) => l instanceof BatchNorm)) throw new ParameterError('model', model.name, 'a model with a batch-norm layer');
  return new Sequential(layers, model.loss, { backend: model.backend, name: model.name });
}

/**
 * Copy the parameters of the dense/convolution layers of `from` into the matching layers of `to`
 * (in order; layers without parameters and batch norms are skipped), so that a network with and
 * one without batch norm start from the same weights. Batch-norm parameters of `to` are left as
 * they are (γ = 1, β = 0 after init).
 */
export function copyAffineParams(from: Sequential, fromParams: Float64Array, to: Sequential, toParams: Float64Array): Float64Array {
  const pick = (m: Sequential) => m.layers.map((l, i) => ({ l, i })).filter(({ l }) => l.paramCount > 0 && !(l instanceof BatchNorm));
  const a = pick(from);
  const b = pick(to);
  if (a.length !== b.length) throw new ParameterError('to', to.name, `a model with the same ${a.length} dense/convolution layers as ${from.name}`);
  const out = Float64Array.from(toParams);
  a.forEach(({ l, i }, k) => {
    const t = b[k];
    if (t.l.paramCount !== l.paramCount) throw new ParameterError(`to.layers[${t.i}]`, t.l.kind, `${l.paramCount} parameters, as ${from.name}'s layer ${i}`);
    out.set(from.slice(fromParams, i), to.offsets[t.i]);
  });
  return out;
}
