/**
 * A user's network as an experiment parameter: a TF.js layers model (model.json with
 * `modelTopology` and a `weightsManifest` pointing at .bin weight files, as `model.save('file://…')`
 * writes from TF.js and `tensorflowjs_converter --input_format keras` writes from Keras), read into
 * plain data — the topology summary and the flat weight vector θ — and mapped onto the engine's
 * layer-by-layer per-example gradients.
 *
 * Supported: Dense (also on sequences and images, as a 1×1 convolution), Conv1D/Conv2D (strides,
 * 'valid'/'same'), MaxPooling and AveragePooling 1D/2D, GlobalAveragePooling and GlobalMaxPooling
 * 1D/2D, BatchNormalization (inference mode: the moving statistics are constants), Flatten,
 * Reshape, Dropout and the other noise layers (off at measurement), Activation/ReLU/LeakyReLU/ELU/
 * Softmax, and the activations linear, relu, relu6, elu, selu, sigmoid, tanh, softplus, softsign,
 * swish/silu, leaky_relu; softmax (or sigmoid) on the output is folded into the cross-entropy
 * (logistic) loss. Anything else is refused by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputFileError, ParameterError, z } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { Conv, Dense } from '../nn/affine.js';
import { Flatten, GlobalAvgPool, ReLU, Tanh } from '../nn/elementwise.js';
import { Activation, Identity, InferenceBatchNorm, Pool, Subsample, tfPadding } from '../nn/keras-layers.js';
import { LogisticLoss, SoftmaxCrossEntropy, SquaredLoss } from '../nn/losses.js';
import { Sequential } from '../nn/model.js';
import type { Layer, Loss, Shape } from '../nn/types.js';
import { sizeOf } from '../nn/types.js';

export const activationNames = ['linear', 'relu', 'tanh', 'relu6', 'leaky_relu', 'elu', 'selu', 'sigmoid', 'softplus', 'softsign', 'swish', 'silu', 'softmax'] as const;
export type ActivationName = (typeof activationNames)[number];

/** Keras layer classes this reader maps (aliases included). */
export const supportedLayerClasses = [
  'InputLayer',
  'Dense',
  'Conv1D',
  'Conv2D',
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'BatchNormalization',
  'Flatten',
  'Reshape',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianDropout',
  'GaussianNoise',
  'AlphaDropout',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Softmax',
] as const;
const aliases: Record<string, string> = {
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  MaxPool1D: 'MaxPooling1D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool1D: 'AveragePooling1D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

const int = z.int().min(1);
const finite = z.number().refine(Number.isFinite, 'a finite number');
const act = z.enum(activationNames);
const rank = z.union([z.literal(1), z.literal(2)]);
const named = { name: z.string() };

export const layerSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dense'), ...named, units: int, useBias: z.boolean(), activation: act, alpha: z.number().optional() }),
  z.object({ type: z.literal('conv'), ...named, rank, filters: int, kernelSize: z.array(int), strides: z.array(int), padding: z.enum(['valid', 'same']), useBias: z.boolean(), activation: act, alpha: z.number().optional() }),
  z.object({ type: z.literal('pool'), ...named, op: z.enum(['max', 'avg']), rank, poolSize: z.array(int), strides: z.array(int), padding: z.enum(['valid', 'same']) }),
  z.object({ type: z.literal('global-pool'), ...named, op: z.enum(['max', 'avg']), keepDims: z.boolean() }),
  z.object({ type: z.literal('batch-norm'), ...named, epsilon: z.number().min(0), center: z.boolean(), scale: z.boolean(), movingMean: z.array(finite), movingVariance: z.array(finite) }),
  z.object({ type: z.literal('flatten'), ...named }),
  z.object({ type: z.literal('reshape'), ...named, targetShape: z.array(int) }),
  z.object({ type: z.literal('activation'), ...named, activation: act, alpha: z.number().optional() }),
  z.object({ type: z.literal('dropout'), ...named, className: z.string(), rate: z.number() }),
]);
export type LayerSpec = z.output<typeof layerSpecSchema>;

/** The network parameter: the topology summary and θ, the trainable weights in layer order (kernel, bias; gamma, beta). */
export const networkInputSchema = z.object({
  name: z.string(),
  format: z.literal('tfjs-layers'),
  inputShape: z.array(int).min(1).describe('shape of one example, channels last'),
  layers: z.array(layerSpecSchema).min(1),
  weights: z.array(finite).describe('θ: the trainable weights, layer after layer (Dense/Conv kernel then bias; BatchNormalization gamma then beta)'),
  generatedBy: z.string().optional(),
  trainedLoss: z.string().optional().describe("the loss in the model's training config, if saved (informational: the loss used follows the data's task)"),
});
export type NetworkInput = z.output<typeof networkInputSchema>;

// ---------------------------------------------------------------------------------------------
// model.json → NetworkInput

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

interface ManifestEntry {
  name: string;
  shape: number[];
  values: Float64Array;
  used: boolean;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decode every weight of the manifest (float32, int32, and the converter's uint8/uint16/float16 quantisation). */
function readManifest(manifest: unknown, file: string, readBin: (p: string) => Uint8Array): ManifestEntry[] {
  if (!Array.isArray(manifest)) throw new InputFileError(file, "missing 'weightsManifest': expected an array of {paths, weights} groups (a TF.js layers model)", { field: 'weightsManifest' });
  const out: ManifestEntry[] = [];
  manifest.forEach((g, gi) => {
    const field = `weightsManifest[${gi}]`;
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new InputFileError(file, 'expected {paths: [...], weights: [...]}', { field });
    const parts = (g.paths as unknown[]).map((p, k) => {
      if (typeof p !== 'string') throw new InputFileError(file, 'expected a file name', { field: `${field}.paths[${k}]` });
      return readBin(p);
    });
    const total = parts.reduce((a, b) => a + b.length, 0);
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let off = 0;
    (g.weights as unknown[]).forEach((w, wi) => {
      const wf = `${field}.weights[${wi}]`;
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) throw new InputFileError(file, 'expected {name, shape, dtype}', { field: wf });
      const shape = w.shape as number[];
      const n = shape.reduce((a, b) => a * b, 1);
      const q = isObj(w.quantization) ? w.quantization : undefined;
      const dtype = String(q ? q.dtype : (w.dtype ?? 'float32'));
      const width = dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'uint16' || dtype === 'float16' ? 2 : dtype === 'uint8' ? 1 : 0;
      if (!width) throw new InputFileError(file, `weight '${w.name}' has dtype ${dtype}; expected float32, int32, or uint8/uint16/float16 quantisation`, { field: `${wf}.dtype` });
      if (off + n * width > total) throw new InputFileError(file, `the weight files of group ${gi} hold ${total} bytes, too few for weight '${w.name}' (needs bytes ${off}..${off + n * width}); expected the .bin files the manifest names, unmodified`, { field: `${field}.paths` });
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const at = off + i * width;
        let v: number;
        if (dtype === 'float32') v = view.getFloat32(at, true);
        else if (dtype === 'int32') v = view.getInt32(at, true);
        else if (dtype === 'float16') v = halfToFloat(view.getUint16(at, true));
        else v = (dtype === 'uint8' ? view.getUint8(at) : view.getUint16(at, true)) * Number(q?.scale ?? 1) + Number(q?.min ?? 0);
        if (!Number.isFinite(v)) throw new InputFileError(file, `weight '${w.name}' holds ${v} at index ${i}; expected finite numbers`, { field: wf });
        values[i] = v;
      }
      off += n * width;
      out.push({ name: w.name.replace(/:\d+$/, ''), shape, values, used: false });
    });
    if (off !== total) throw new InputFileError(file, `the weight files of group ${gi} hold ${total} bytes but the manifest describes ${off}; expected the .bin files the manifest names, unmodified`, { field: `${field}.paths` });
  });
  return out;
}

const ints = (v: unknown, n: number): number[] => (Array.isArray(v) ? v.map(Number) : new Array(n).fill(Number(v)));

/** The Keras layer list of a Sequential model or a chain-shaped functional model. */
function layerList(topology: Json, file: string): { name: string; layers: { className: string; config: Json }[] } {
  // tensorflowjs_converter wraps the Keras config: {model_config: {class_name, config}, training_config}
  const model = isObj(topology.model_config) ? topology.model_config : topology;
  const cls = String(model.class_name ?? '');
  const cfg = model.config;
  const entries = Array.isArray(cfg) ? cfg : isObj(cfg) && Array.isArray(cfg.layers) ? cfg.layers : undefined;
  const name = isObj(cfg) && typeof cfg.name === 'string' ? cfg.name : 'model';
  if (!entries) throw new InputFileError(file, `modelTopology has no layer list (class ${cls || 'missing'}); expected a Keras/TF.js Sequential or functional model`, { field: 'modelTopology.config.layers' });
  const layers = entries.map((l, i) => {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) throw new InputFileError(file, 'expected {class_name, config}', { field: `modelTopology.config.layers[${i}]` });
    return { className: l.class_name, config: l.config, inbound: l.inbound_nodes, layerName: String(l.name ?? l.config.name ?? `layer ${i}`) };
  });
  if (cls === 'Model' || cls === 'Functional') {
    // a functional model is accepted when it is a chain: every layer reads the one before it
    const names = new Set(layers.map((l) => l.layerName));
    const inboundOf = (node: unknown): string[] => {
      const found: string[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) {
          if (typeof v[0] === 'string' && names.has(v[0]) && typeof v[1] === 'number') found.push(v[0]);
          else v.forEach(walk);
        } else if (isObj(v)) {
          if (Array.isArray(v.keras_history) && typeof v.keras_history[0] === 'string') found.push(v.keras_history[0]);
          else Object.values(v).forEach(walk);
        }
      };
      walk(node);
      return [...new Set(found)];
    };
    layers.forEach((l, i) => {
      if (i === 0) return;
      const from = inboundOf(l.inbound);
      if (from.length !== 1 || from[0] !== layers[i - 1].layerName) {
        throw new InputFileError(file, `layer '${l.layerName}' takes its input from ${from.length ? from.map((s) => `'${s}'`).join(', ') : 'no layer'}; expected a chain (each layer reads the one before it): branching functional models are not supported`, { field: `modelTopology.config.layers[${i}].inbound_nodes` });
      }
    });
  } else if (cls !== 'Sequential' && cls !== '') throw new InputFileError(file, `model class ${cls}; expected Sequential or a chain-shaped functional model (Model/Functional)`, { field: 'modelTopology.class_name' });
  return { name, layers: layers.map((l) => ({ className: l.className, config: { ...l.config, name: l.layerName } })) };
}

function batchShapeOf(c: Json): number[] | undefined {
  const s = c.batch_input_shape ?? c.batch_shape ?? (isObj(c.build_config) ? c.build_config.input_shape : undefined);
  if (Array.isArray(s)) return s.slice(1).map(Number);
  if (Array.isArray(c.input_shape)) return (c.input_shape as unknown[]).map(Number);
  return undefined;
}

function activationOf(v: unknown, where: string, file: string, field: string): ActivationName {
  const a = v === undefined || v === null ? 'linear' : isObj(v) ? String(v.class_name ?? v.config) : String(v);
  const name = a === 'swish' || a === 'silu' ? 'swish' : a === 'leakyRelu' ? 'leaky_relu' : a;
  if (!(activationNames as readonly string[]).includes(name)) throw new InputFileError(file, `${where}: activation '${a}' is not supported; supported: ${activationNames.join(', ')}`, { field });
  return name as ActivationName;
}

function checkChannelsLast(c: Json, where: string, file: string, field: string): void {
  const f = c.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') throw new InputFileError(file, `${where}: data_format '${String(f)}'; expected channels_last (the engine's layout)`, { field: `${field}.data_format` });
}

/**
 * Parse a TF.js layers model: the model.json object and a reader of its weight files (paths as
 * the manifest names them). `file` names the model in errors.
 */
export function parseTfjsModel(json: unknown, readBin: (p: string) => Uint8Array, file = 'model.json'): NetworkInput {
  if (!isObj(json)) throw new InputFileError(file, 'expected a JSON object with modelTopology and weightsManifest');
  if (json.format === 'graph-model' || (isObj(json.modelTopology) && 'node' in json.modelTopology)) {
    throw new InputFileError(file, "a TF.js graph model (a frozen TensorFlow graph); expected a layers model (format 'layers-model', as model.save() or tensorflowjs_converter --input_format keras write)", { field: 'format' });
  }
  if (!isObj(json.modelTopology)) throw new InputFileError(file, "missing 'modelTopology'; expected a TF.js layers model", { field: 'modelTopology' });
  const topology = json.modelTopology;
  const { name, layers } = layerList(topology, file);
  const entries = readManifest(json.weightsManifest, file, readBin);
  const training = isObj(topology.training_config) ? topology.training_config : isObj(json.trainingConfig) ? json.trainingConfig : undefined;
  const trainedLoss = training && (typeof training.loss === 'string' || isObj(training.loss)) ? (typeof training.loss === 'string' ? training.loss : String((training.loss as Json).class_name ?? JSON.stringify(training.loss))) : undefined;

  let inputShape: number[] | undefined;
  let shape: number[] = [];
  const specs: LayerSpec[] = [];
  const weights: number[] = [];
  /** Take a weight of this layer by name (`…/<layer>/<short>`), or the next unused one in order, checking its shape. */
  const take = (layer: string, cls: string, short: string, want: number[], field: string): Float64Array => {
    let e = entries.find((w) => !w.used && w.name.split('/').at(-1) === short && w.name.split('/').slice(0, -1).includes(layer));
    e ??= entries.find((w) => !w.used);
    if (!e) throw new InputFileError(file, `no weight '${layer}/${short}' in the manifest (layer '${layer}', ${cls}, expects shape [${want.join(', ')}])`, { field });
    if (e.shape.length !== want.length || e.shape.some((s, k) => s !== want[k])) {
      throw new InputFileError(file, `weight '${e.name}' has shape [${e.shape.join(', ')}]; layer '${layer}' (${cls}) expects '${short}' of shape [${want.join(', ')}]`, { field });
    }
    e.used = true;
    return e.values;
  };

  layers.forEach(({ className, config: c }, i) => {
    const field = `modelTopology.config.layers[${i}]`;
    const cls = aliases[className] ?? className;
    const lname = String(c.name);
    const where = `layer '${lname}' (${className})`;
    if (!(supportedLayerClasses as readonly string[]).includes(cls)) {
      throw new InputFileError(file, `${where} is not supported; supported layers: ${supportedLayerClasses.join(', ')}`, { field: `${field}.class_name` });
    }
    if (inputShape === undefined) {
      inputShape = batchShapeOf(c);
      if (!inputShape || inputShape.some((s) => !Number.isInteger(s) || s < 1)) {
        throw new InputFileError(file, `${where}: the model does not record a complete input shape (got ${JSON.stringify(inputShape ?? null)}); expected batch_input_shape such as [null, 4] on the first layer`, { field: `${field}.config.batch_input_shape` });
      }
      shape = [...inputShape];
    }
    if (cls === 'InputLayer') return;
    const spatial = shape.length - 1;
    switch (cls) {
      case 'Dense': {
        const units = Number(c.units);
        const useBias = c.use_bias !== false;
        const activation = activationOf(c.activation, where, file, `${field}.config.activation`);
        const cin = shape[shape.length - 1];
        weights.push(...take(lname, cls, 'kernel', [cin, units], field));
        if (useBias) weights.push(...take(lname, cls, 'bias', [units], field));
        specs.push({ type: 'dense', name: lname, units, useBias, activation });
        shape = [...shape.slice(0, -1), units];
        return;
      }
      case 'Conv1D':
      case 'Conv2D': {
        const r = cls === 'Conv1D' ? 1 : 2;
        checkChannelsLast(c, where, file, field);
        if (shape.length !== r + 1) throw new InputFileError(file, `${where} expects inputs of rank ${r + 1} (positions…, channels); it receives [${shape.join(', ')}]`, { field });
        const kernelSize = ints(c.kernel_size, r);
        const strides = ints(c.strides ?? 1, r);
        const dil = ints(c.dilation_rate ?? 1, r);
        if (dil.some((d) => d !== 1)) throw new InputFileError(file, `${where}: dilation_rate [${dil.join(', ')}] is not supported; expected 1`, { field: `${field}.config.dilation_rate` });
        if (c.groups !== undefined && Number(c.groups) !== 1) throw new InputFileError(file, `${where}: groups ${String(c.groups)} is not supported; expected 1`, { field: `${field}.config.groups` });
        const padding = String(c.padding ?? 'valid');
        if (padding !== 'valid' && padding !== 'same') throw new InputFileError(file, `${where}: padding '${padding}' is not supported; expected valid or same`, { field: `${field}.config.padding` });
        const filters = Number(c.filters);
        const useBias = c.use_bias !== false;
        const activation = activationOf(c.activation, where, file, `${field}.config.activation`);
        const cin = shape[r];
        weights.push(...take(lname, cls, 'kernel', [...kernelSize, cin, filters], field));
        if (useBias) weights.push(...take(lname, cls, 'bias', [filters], field));
        const out = shape.slice(0, r).map((n, d) => tfPadding(n, kernelSize[d], strides[d], padding).out);
        if (out.some((n) => n < 1)) throw new InputFileError(file, `${where}: kernel [${kernelSize.join(', ')}] is larger than its input [${shape.join(', ')}]`, { field });
        specs.push({ type: 'conv', name: lname, rank: r, filters, kernelSize, strides, padding, useBias, activation });
        shape = [...out, filters];
        return;
      }
      case 'MaxPooling1D':
      case 'MaxPooling2D':
      case 'AveragePooling1D':
      case 'AveragePooling2D': {
        const r = cls.endsWith('1D') ? 1 : 2;
        checkChannelsLast(c, where, file, field);
        if (shape.length !== r + 1) throw new InputFileError(file, `${where} expects inputs of rank ${r + 1}; it receives [${shape.join(', ')}]`, { field });
        const poolSize = ints(c.pool_size ?? 2, r);
        const strides = c.strides === null || c.strides === undefined ? poolSize : ints(c.strides, r);
        const padding = String(c.padding ?? 'valid');
        if (padding !== 'valid' && padding !== 'same') throw new InputFileError(file, `${where}: padding '${padding}'; expected valid or same`, { field: `${field}.config.padding` });
        const out = shape.slice(0, r).map((n, d) => tfPadding(n, poolSize[d], strides[d], padding).out);
        if (out.some((n) => n < 1)) throw new InputFileError(file, `${where}: pool [${poolSize.join(', ')}] is larger than its input [${shape.join(', ')}]`, { field });
        specs.push({ type: 'pool', name: lname, op: cls.startsWith('Max') ? 'max' : 'avg', rank: r, poolSize, strides, padding });
        shape = [...out, shape[r]];
        return;
      }
      case 'GlobalAveragePooling1D':
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling1D':
      case 'GlobalMaxPooling2D': {
        checkChannelsLast(c, where, file, field);
        const r = cls.endsWith('1D') ? 1 : 2;
        if (shape.length !== r + 1) throw new InputFileError(file, `${where} expects inputs of rank ${r + 1}; it receives [${shape.join(', ')}]`, { field });
        const keepDims = c.keepdims === true;
        specs.push({ type: 'global-pool', name: lname, op: cls.includes('Max') ? 'max' : 'avg', keepDims });
        shape = keepDims ? [...new Array(r).fill(1), shape[r]] : [shape[r]];
        return;
      }
      case 'BatchNormalization': {
        const axis = Array.isArray(c.axis) ? (c.axis as number[]) : [Number(c.axis ?? -1)];
        if (axis.length !== 1 || !(axis[0] === -1 || axis[0] === shape.length)) throw new InputFileError(file, `${where}: axis ${JSON.stringify(c.axis)}; expected the channel axis (-1)`, { field: `${field}.config.axis` });
        const C = shape[shape.length - 1];
        const scale = c.scale !== false;
        const center = c.center !== false;
        if (scale) weights.push(...take(lname, cls, 'gamma', [C], field));
        if (center) weights.push(...take(lname, cls, 'beta', [C], field));
        const movingMean = Array.from(take(lname, cls, 'moving_mean', [C], field));
        const movingVariance = Array.from(take(lname, cls, 'moving_variance', [C], field));
        specs.push({ type: 'batch-norm', name: lname, epsilon: Number(c.epsilon ?? 1e-3), center, scale, movingMean, movingVariance });
        return;
      }
      case 'Flatten':
        checkChannelsLast(c, where, file, field);
        specs.push({ type: 'flatten', name: lname });
        shape = [sizeOf(shape)];
        return;
      case 'Reshape': {
        let t = (c.target_shape as unknown[]).map(Number);
        const known = t.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
        t = t.map((s) => (s === -1 ? sizeOf(shape) / known : s));
        if (sizeOf(t) !== sizeOf(shape) || t.some((s) => !Number.isInteger(s) || s < 1)) throw new InputFileError(file, `${where}: target_shape ${JSON.stringify(c.target_shape)} does not hold the ${sizeOf(shape)} numbers of [${shape.join(', ')}]`, { field: `${field}.config.target_shape` });
        specs.push({ type: 'reshape', name: lname, targetShape: t });
        shape = t;
        return;
      }
      case 'Dropout':
      case 'SpatialDropout1D':
      case 'SpatialDropout2D':
      case 'GaussianDropout':
      case 'GaussianNoise':
      case 'AlphaDropout':
        specs.push({ type: 'dropout', name: lname, className: cls, rate: Number(c.rate ?? c.stddev ?? 0) });
        return;
      case 'Activation':
        specs.push({ type: 'activation', name: lname, activation: activationOf(c.activation, where, file, `${field}.config.activation`) });
        return;
      case 'Softmax': {
        const axis = Number(c.axis ?? -1);
        if (axis !== -1 && axis !== shape.length) throw new InputFileError(file, `${where}: axis ${axis}; expected -1`, { field: `${field}.config.axis` });
        specs.push({ type: 'activation', name: lname, activation: 'softmax' });
        return;
      }
      case 'ReLU': {
        const max = c.max_value === null || c.max_value === undefined ? null : Number(c.max_value);
        const slope = Number(c.negative_slope ?? 0);
        const threshold = Number(c.threshold ?? 0);
        if (threshold !== 0 || (max !== null && (max !== 6 || slope !== 0))) throw new InputFileError(file, `${where}: max_value ${max}, negative_slope ${slope}, threshold ${threshold}; supported: plain ReLU, max_value 6 (relu6), or a negative_slope (leaky)`, { field });
        specs.push(max === 6 ? { type: 'activation', name: lname, activation: 'relu6' } : slope !== 0 ? { type: 'activation', name: lname, activation: 'leaky_relu', alpha: slope } : { type: 'activation', name: lname, activation: 'relu' });
        return;
      }
      case 'LeakyReLU':
        specs.push({ type: 'activation', name: lname, activation: 'leaky_relu', alpha: Number(c.alpha ?? c.negative_slope ?? 0.3) });
        return;
      case 'ELU':
        specs.push({ type: 'activation', name: lname, activation: 'elu', alpha: Number(c.alpha ?? 1) });
        return;
    }
    void spatial;
  });
  if (!specs.length) throw new InputFileError(file, 'the model has no layers besides its input', { field: 'modelTopology.config.layers' });
  const net: NetworkInput = {
    name,
    format: 'tfjs-layers',
    inputShape: inputShape as number[],
    layers: specs,
    weights,
    ...(typeof json.generatedBy === 'string' ? { generatedBy: json.generatedBy } : typeof topology.keras_version === 'string' ? { generatedBy: `Keras ${topology.keras_version}` } : {}),
    ...(trainedLoss ? { trainedLoss } : {}),
  };
  // the mapping is checked end to end: the layers build, the weights fill them exactly
  try {
    networkLayers(net);
  } catch (e) {
    if (e instanceof ParameterError) throw new InputFileError(file, e.message);
    throw e;
  }
  return net;
}

/**
 * Read model.json and the weight files it names (relative to its folder). `files` lists those
 * weight files as read, in the manifest's order (a file named twice once), for the input's hash.
 */
export function readTfjsModel(file: string): { network: NetworkInput; format: string; files: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  const dir = path.dirname(file);
  const files: string[] = [];
  const network = parseTfjsModel(
    json,
    (p) => {
      const f = path.resolve(dir, p);
      if (!files.includes(f)) files.push(f);
      try {
        return new Uint8Array(fs.readFileSync(f));
      } catch (e) {
        throw new InputFileError(file, `weight file '${p}' (${f}) cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected it beside model.json`, { field: 'weightsManifest.paths' });
      }
    },
    file,
  );
  return { network, format: `tfjs-layers (${network.layers.length} layers, ${network.weights.length} parameters${network.generatedBy ? `, ${network.generatedBy}` : ''})`, files };
}

// ---------------------------------------------------------------------------------------------
// NetworkInput → Sequential

function activationLayer(a: ActivationName, shape: Shape, alpha?: number): Layer | null {
  if (a === 'linear') return null;
  if (a === 'relu') return new ReLU(shape);
  if (a === 'tanh') return new Tanh(shape);
  if (a === 'softmax') throw new ParameterError('network.layers', 'softmax', 'softmax only as the output activation (where it is folded into the cross-entropy)');
  return new Activation(shape, a, alpha);
}

/** The output activation (after trailing dropouts), which the loss may absorb. */
function outputActivation(layers: readonly LayerSpec[]): { index: number; activation: ActivationName } {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (l.type === 'dropout') continue;
    if (l.type === 'dense' || l.type === 'conv' || l.type === 'activation') return { index: i, activation: l.activation };
    return { index: i, activation: 'linear' };
  }
  return { index: -1, activation: 'linear' };
}

/** The engine's layers for the network (`fold`: the output activation the loss absorbs is left out). */
export function networkLayers(net: NetworkInput, fold = false): { layers: Layer[]; output: ActivationName } {
  const out = outputActivation(net.layers);
  const layers: Layer[] = [];
  let shape: Shape = net.inputShape;
  net.layers.forEach((l, i) => {
    const add = (layer: Layer | null) => {
      if (!layer) return;
      layers.push(layer);
      shape = layer.outShape;
    };
    const activate = (a: ActivationName, alpha?: number) => {
      if (fold && i === out.index && (a === 'softmax' || a === 'sigmoid')) return;
      if (a === 'softmax' && i !== out.index) throw new ParameterError(`network.layers[${i}] ('${l.name}')`, 'softmax', 'softmax only as the output activation (where it is folded into the cross-entropy)');
      if (a === 'softmax') return; // an unfolded output softmax: the caller refuses it with the task in hand
      add(activationLayer(a, shape, alpha));
    };
    switch (l.type) {
      case 'dense': {
        const cin = shape[shape.length - 1];
        if (shape.length === 1) add(new Dense(cin, l.units, { bias: l.useBias }));
        else if (shape.length === 2 || shape.length === 3) add(new Conv(shape, l.units, new Array(shape.length - 1).fill(1), { bias: l.useBias }));
        else throw new ParameterError(`network.layers[${i}] ('${l.name}')`, shape, 'a Dense layer on inputs of rank 1, 2 or 3');
        activate(l.activation, l.alpha);
        return;
      }
      case 'conv': {
        const r = l.rank;
        if (shape.length !== r + 1) throw new ParameterError(`network.layers[${i}] ('${l.name}')`, shape, `inputs of rank ${r + 1}`);
        const strided = l.strides.some((s) => s !== 1);
        const conv = new Conv(shape, l.filters, l.kernelSize, { padding: l.padding, bias: l.useBias });
        const inSpatial = shape.slice(0, r);
        add(conv);
        if (strided) {
          // stride s: the stride-1 convolution read at every s-th position, offset by the difference of the paddings
          const pads = inSpatial.map((n, d) => tfPadding(n, l.kernelSize[d], l.strides[d], l.padding));
          const start = pads.map((p, d) => (l.padding === 'same' ? Math.floor((l.kernelSize[d] - 1) / 2) - p.before : 0));
          add(new Subsample(shape, start, l.strides, pads.map((p) => p.out)));
        }
        activate(l.activation, l.alpha);
        return;
      }
      case 'pool':
        if (shape.length !== l.rank + 1) throw new ParameterError(`network.layers[${i}] ('${l.name}')`, shape, `inputs of rank ${l.rank + 1}`);
        add(new Pool(shape, l.op, l.poolSize, l.strides, l.padding));
        return;
      case 'global-pool': {
        const C = shape[shape.length - 1];
        const spatial = shape.length - 1;
        add(l.op === 'avg' ? new GlobalAvgPool(shape) : new Pool(shape, 'max', 'global'));
        if (l.keepDims) add(new Identity([C], [...new Array(spatial).fill(1), C], 'reshape'));
        return;
      }
      case 'batch-norm':
        add(new InferenceBatchNorm(shape, l.movingMean, l.movingVariance, l.epsilon, l.scale, l.center));
        return;
      case 'flatten':
        if (shape.length > 1) add(new Flatten(shape));
        return;
      case 'reshape':
        add(new Identity(shape, l.targetShape, 'reshape'));
        return;
      case 'dropout':
        return; // off at measurement
      case 'activation':
        activate(l.activation, l.alpha);
        return;
    }
  });
  if (!layers.length) throw new ParameterError('network.layers', net.layers.map((l) => l.type), 'at least one layer that computes something');
  return { layers, output: out.activation };
}

export type NetworkLoss = 'squared' | 'softmax-cross-entropy' | 'logistic';

/**
 * The network as a model with the loss the training set's task asks for:
 * classification → softmax cross-entropy on the logits (an output softmax is folded in; one
 * output with a sigmoid and two classes → the logistic loss); binary → the logistic loss (an
 * output sigmoid folded in); regression → ½|ŷ − y|² on the output (whatever its activation; an
 * output softmax is refused). θ is `net.weights`.
 */
export function buildNetwork(net: NetworkInput, data: Pick<Dataset, 'task' | 'targetSize' | 'inputShape' | 'n' | 'y' | 'name'> & { classes?: number }, param = 'network'): { model: Sequential; theta: Float64Array; loss: NetworkLoss } {
  const probe = networkLayers(net, false);
  const outSize = sizeOf(probe.layers[probe.layers.length - 1].outShape);
  const outAct = probe.output;
  let loss: NetworkLoss;
  if (data.task === 'regression') {
    if (outAct === 'softmax') throw new ParameterError(param, 'softmax output', `a regression output (training set '${data.name}' has numeric targets); a softmax output needs class labels (--data …#task=classification)`);
    loss = 'squared';
  } else if (data.task === 'binary' || (data.task === 'classification' && outSize === 1)) {
    if (outSize === 1) {
      if (outAct !== 'sigmoid' && outAct !== 'linear') throw new ParameterError(param, `output activation ${outAct}`, 'sigmoid or linear (a logit) on a one-unit output, for 0/1 labels');
      loss = 'logistic';
    } else loss = 'softmax-cross-entropy';
  } else {
    if (outAct !== 'softmax' && outAct !== 'linear') throw new ParameterError(param, `output activation ${outAct}`, 'softmax or linear (logits) on a classification output');
    loss = 'softmax-cross-entropy';
  }
  const fold = (loss === 'softmax-cross-entropy' && outAct === 'softmax') || (loss === 'logistic' && outAct === 'sigmoid');
  const { layers } = networkLayers(net, fold);
  const lossObj: Loss = loss === 'squared' ? new SquaredLoss() : loss === 'logistic' ? new LogisticLoss() : new SoftmaxCrossEntropy();
  const model = new Sequential(layers, lossObj, { name: `${net.name} (TF.js: ${net.layers.map((l) => l.type).join('-')})` });
  if (net.weights.length !== model.paramCount) throw new ParameterError(`${param}.weights.length`, net.weights.length, `${model.paramCount}, the trainable parameters of its layers`);
  const size = sizeOf(data.inputShape);
  if (size !== model.inputSize) throw new ParameterError(`${param}.inputShape`, net.inputShape, `inputs of ${size} numbers, the examples of '${data.name}' (shape [${data.inputShape.join(', ')}])`);
  if (loss === 'squared' && data.targetSize !== outSize) throw new ParameterError(`${param} outputs`, outSize, `${data.targetSize}, the target size of '${data.name}'`);
  if (loss === 'softmax-cross-entropy') {
    let max = 0;
    for (let i = 0; i < data.n; i++) max = Math.max(max, data.y[i]);
    if (max >= outSize) throw new ParameterError(`${param} outputs`, outSize, `at least ${max + 1}, the classes of '${data.name}'`);
  }
  if (loss === 'logistic') for (let i = 0; i < data.n; i++) if (data.y[i] !== 0 && data.y[i] !== 1) throw new ParameterError(`data.labels[${i}]`, data.y[i], '0 or 1 for a one-output (sigmoid) network');
  return { model, theta: Float64Array.from(net.weights), loss };
}
