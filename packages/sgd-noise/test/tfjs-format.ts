/**
 * Writes TF.js layers models in the exact files `model.save('file://dir')` writes (tfjs-layers
 * 4.x: model.json with modelTopology and a weightsManifest, weights.bin with float32 little-endian
 * weights in layer order) and the files `tensorflowjs_converter --input_format keras` writes (the
 * Keras config wrapped in model_config, an InputLayer, optional float16/uint8 quantisation).
 * @tensorflow/tfjs-layers is not installed in this repository, so the tests write the format by
 * hand from these helpers; the layer configs are the snake_case configs tfjs-layers serialises.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
  /** Weights in Keras order (kernel, bias; gamma, beta, moving_mean, moving_variance), with their short names and shapes. */
  weights?: { short: string; shape: number[]; values: number[] }[];
}

export function tfjsModelJson(layers: KerasLayer[], o: { converter?: boolean; functional?: boolean; quantize?: 'float16' | 'uint8'; name?: string; weightsFile?: string } = {}): { json: unknown; bin: Uint8Array } {
  const specs: Record<string, unknown>[] = [];
  const chunks: Uint8Array[] = [];
  for (const l of layers) {
    for (const w of l.weights ?? []) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.values.length !== n) throw new Error(`${String(l.config.name)}/${w.short}: ${w.values.length} values for shape [${w.shape}]`);
      const name = o.converter ? `${String(l.config.name)}/${w.short}` : `${String(l.config.name)}/${w.short}`;
      if (o.quantize === 'float16') {
        const b = new Uint8Array(2 * n);
        const dv = new DataView(b.buffer);
        w.values.forEach((v, i) => dv.setUint16(2 * i, toHalf(v), true));
        chunks.push(b);
        specs.push({ name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      } else if (o.quantize === 'uint8') {
        const min = Math.min(...w.values);
        const max = Math.max(...w.values);
        const scale = max > min ? (max - min) / 255 : 1;
        chunks.push(Uint8Array.from(w.values, (v) => Math.round((v - min) / scale)));
        specs.push({ name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
      } else {
        chunks.push(new Uint8Array(Float32Array.from(w.values).buffer));
        specs.push({ name, shape: w.shape, dtype: 'float32' });
      }
    }
  }
  const total = chunks.reduce((a, b) => a + b.length, 0);
  const bin = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    bin.set(c, off);
    off += c.length;
  }
  const name = o.name ?? 'sequential_1';
  const layerEntries = layers.map((l, i) =>
    o.functional
      ? { name: l.config.name, class_name: l.class_name, config: l.config, inbound_nodes: i === 0 ? [] : [[[layers[i - 1].config.name, 0, 0, {}]]] }
      : { class_name: l.class_name, config: l.config },
  );
  const modelConfig = o.functional
    ? { class_name: 'Model', config: { name, layers: layerEntries, input_layers: [[layers[0].config.name, 0, 0]], output_layers: [[layers[layers.length - 1].config.name, 0, 0]] } }
    : { class_name: 'Sequential', config: { name, layers: layerEntries } };
  const weightsManifest = [{ paths: [`./${o.weightsFile ?? (o.converter ? 'group1-shard1of1.bin' : 'weights.bin')}`], weights: specs }];
  const json = o.converter
    ? {
        format: 'layers-model',
        generatedBy: 'keras v2.15.0',
        convertedBy: 'TensorFlow.js Converter v4.22.0',
        modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: modelConfig, training_config: { loss: 'categorical_crossentropy', metrics: ['accuracy'] } },
        weightsManifest,
      }
    : { modelTopology: { ...modelConfig, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' }, format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null, weightsManifest };
  return { json, bin };
}

/** Write model.json and its weight file into a fresh temporary folder; returns the model.json path. */
export function saveTfjsModel(layers: KerasLayer[], o: Parameters<typeof tfjsModelJson>[1] = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-tfjs-'));
  const { json, bin } = tfjsModelJson(layers, o);
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  const p = (json as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths[0];
  fs.writeFileSync(path.join(dir, p), bin);
  return path.join(dir, 'model.json');
}

/** IEEE half precision, round to nearest (normal range; enough for test weights). */
export function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (v === 0) return sign;
  if (exp <= 0 || exp >= 31) throw new Error(`toHalf: ${v} is outside the normal half range`);
  let h = sign | (exp << 10) | (mant >> 13);
  if (mant & 0x1000) h++;
  return h;
}
