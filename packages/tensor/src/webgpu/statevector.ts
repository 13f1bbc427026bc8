/// <reference types="@webgpu/types" />
/**
 * The webgpu statevector kernels:
 * - `statevectorLayerWebGPU`: the batch of states is uploaded once (float32), every gate is one
 *   dispatch on it (single-qubit gates as 2×2 complex matrices computed on the CPU in float64 per
 *   gate and batch element, then rounded to float32; CNOT, CZ and SWAP exactly), and the states are
 *   read back at the end. `prepareStatevectorWebGPU` keeps them on the GPU across layers.
 * - `shotSampleWebGPU`: the js kernel's integer-threshold algorithm on the same Philox words:
 *   bit-identical counts.
 */
import { assertInteger, ParameterError } from '@snrlab/core';
import type { ShotSampleArgs, StatevectorGate, StatevectorLayerArgs } from '../kernel-types.js';
import { checkGates, checkShotSample, checkStatevectorLayer, gateMatrix, shotThresholds } from '../statevector.js';
import { streamWords } from '../streams.js';
import { acquireWebGPU, type WebGPUContext } from './device.js';
import { bind, dispatch, empty, pipeline, readBack, upload } from './kernels.js';
import { SHOTS, SV_GATE1, SV_GATE2 } from './wgsl.js';

const TWO = { cnot: 0, cz: 1, swap: 2 } as const;

/** Statevectors resident on the GPU: apply layers, read them back, free them. */
export interface StatevectorOnDevice {
  readonly qubits: number;
  readonly batch: number;
  /** Apply a layer (params as in StatevectorLayerArgs); resolves when the GPU has run it. */
  apply(gates: readonly StatevectorGate[], params?: ArrayLike<number>, nParams?: number): Promise<void>;
  /** Copy the states back into float64 arrays (batch·2^qubits each). */
  read(re?: Float64Array, im?: Float64Array): Promise<{ re: Float64Array; im: Float64Array }>;
  destroy(): void;
}

function checkSize(ctx: WebGPUContext, qubits: number, batch: number): void {
  const bytes = 4 * batch * 2 ** qubits;
  const max = Math.min(ctx.report.limits.maxStorageBufferBindingSize, ctx.report.limits.maxBufferSize);
  if (bytes > max) throw new ParameterError('batch·2^qubits', batch * 2 ** qubits, `at most ${Math.floor(max / 4)} amplitudes per part on this adapter (maxStorageBufferBindingSize ${max} bytes)`);
  if (batch * 2 ** (qubits - 1) > 0xffffffff) throw new ParameterError('batch·2^(qubits−1)', batch * 2 ** (qubits - 1), 'below 2³² (one GPU thread per amplitude pair)');
}

export async function prepareStatevectorWebGPU(re: Float64Array, im: Float64Array, qubits: number, batch: number): Promise<StatevectorOnDevice> {
  checkStatevectorLayer({ re, im, qubits, batch, gates: [] });
  const ctx = await acquireWebGPU();
  checkSize(ctx, qubits, batch);
  const dev = ctx.device;
  const dim = 2 ** qubits;
  const RE = upload(dev, Float32Array.from(re));
  const IM = upload(dev, Float32Array.from(im));
  const p1 = await pipeline(ctx, SV_GATE1);
  const p2 = await pipeline(ctx, SV_GATE2);
  let alive = true;
  const live = () => {
    if (!alive) throw new Error('statevector: used after destroy()');
  };
  return {
    qubits,
    batch,
    async apply(gates, params, nParams) {
      live();
      const args: StatevectorLayerArgs = { re, im, qubits, batch, gates, params, nParams };
      checkGates(gates, qubits);
      if (nParams && (!params || params.length !== batch * nParams)) throw new ParameterError('params.length', params?.length, `batch·nParams = ${batch * nParams}`);
      const ones = gates.filter((g) => !(g.gate in TWO));
      const U = new Float32Array(Math.max(1, ones.length) * batch * 8);
      let m = 0;
      gates.forEach((g, gi) => {
        if (g.gate in TWO) return;
        for (let b = 0; b < batch; b++) U.set(gateMatrix(g, args, b, `gates[${gi}]`)!, (m * batch + b) * 8);
        m++;
      });
      const Ub = upload(dev, U);
      const keep: GPUBuffer[] = [Ub];
      const enc = dev.createCommandEncoder();
      m = 0;
      for (const g of gates) {
        const two = g.gate in TWO;
        const head = Uint32Array.of(dim, batch, g.wires[0], two ? (g.wires as readonly [number, number])[1] : 0, two ? 0 : m, two ? TWO[g.gate as keyof typeof TWO] : 0, 0, 0);
        const pb = upload(dev, head);
        keep.push(pb);
        const p = two ? p2 : p1;
        const pass = enc.beginComputePass();
        pass.setPipeline(p);
        pass.setBindGroup(0, bind(dev, p, two ? { 0: pb, 1: RE, 2: IM } : { 0: pb, 1: RE, 2: IM, 3: Ub }));
        dispatch(ctx, pass, (batch * dim) / (two ? 4 : 2));
        pass.end();
        if (!two) m++;
      }
      dev.queue.submit([enc.finish()]);
      await dev.queue.onSubmittedWorkDone();
      keep.forEach((b) => b.destroy());
    },
    async read(outRe = new Float64Array(batch * dim), outIm = new Float64Array(batch * dim)) {
      live();
      const [a, b] = await readBack(dev, dev.createCommandEncoder(), [RE, IM]);
      outRe.set(new Float32Array(a, 0, batch * dim));
      outIm.set(new Float32Array(b, 0, batch * dim));
      return { re: outRe, im: outIm };
    },
    destroy() {
      if (!alive) return;
      alive = false;
      RE.destroy();
      IM.destroy();
    },
  };
}

export async function statevectorLayerWebGPU(a: StatevectorLayerArgs): Promise<void> {
  checkStatevectorLayer(a);
  const sv = await prepareStatevectorWebGPU(a.re, a.im, a.qubits, a.batch);
  try {
    await sv.apply(a.gates, a.params, a.nParams);
    await sv.read(a.re, a.im);
  } finally {
    sv.destroy();
  }
}

export async function shotSampleWebGPU(a: ShotSampleArgs): Promise<Uint32Array> {
  const plan = checkShotSample(a);
  const { T, last } = shotThresholds(a.probabilities, a.dim);
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  if (4 * plan.B * a.dim > ctx.report.limits.maxStorageBufferBindingSize) throw new ParameterError('samples·dim', plan.B * a.dim, `at most ${Math.floor(ctx.report.limits.maxStorageBufferBindingSize / 4)} counts on this adapter`);
  const sample = new Uint32Array(3 * plan.B + 1);
  let quads = 0;
  for (let b = 0; b < plan.B; b++) {
    sample[3 * b] = plan.rows[b];
    sample[3 * b + 1] = plan.shots[b];
    sample[3 * b + 2] = quads;
    quads += Math.ceil(plan.shots[b] / 4);
  }
  assertInteger('total shots / 4', quads, { max: 0xffffffff });
  sample[3 * plan.B] = quads;
  const first = a.first ?? 0;
  const p = await pipeline(ctx, SHOTS);
  const bufs = [upload(dev, Uint32Array.of(plan.B, a.dim, first >>> 0, Math.floor(first / 4294967296) >>> 0, ...streamWords(a.stream))), upload(dev, T), upload(dev, last), upload(dev, sample), empty(dev, 4 * plan.B * a.dim)];
  const enc = dev.createCommandEncoder();
  if (quads > 0) {
    const pass = enc.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, bind(dev, p, { 0: bufs[0], 1: bufs[1], 2: bufs[2], 3: bufs[3], 4: bufs[4] }));
    dispatch(ctx, pass, quads);
    pass.end();
  }
  const [bytes] = await readBack(dev, enc, [bufs[4]]);
  bufs.forEach((b) => b.destroy());
  return new Uint32Array(bytes, 0, plan.B * a.dim).slice();
}
