/**
 * Your own problem on the command line (spawn the built binary): --data and --model reach every
 * experiment that measures a model, the recorded hash of --model covers its .bin weight files, and
 * bad inputs exit 2 naming the field.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runJSON, snrlab } from './spawn.js';

const examples = fileURLToPath(new URL('../../../examples/sgd/', import.meta.url));
const csv = path.join(examples, 'data.csv');

const sha256 = (...files: string[]) => {
  const h = createHash('sha256');
  for (const f of files) h.update(fs.readFileSync(f));
  return h.digest('hex');
};

/** A copy of the example network in a fresh folder (model.json + weights.bin). */
function copyModel(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-own-'));
  for (const f of ['model.json', 'weights.bin']) fs.copyFileSync(path.join(examples, f), path.join(dir, f));
  return dir;
}

interface Verdict {
  status: string;
}
interface Input {
  param: string;
  sha256: string;
}

describe('--data and --model on anisotropy, noise-shape and temperature', () => {
  it("the manifest hash of --model covers its weight files: a changed .bin changes it (cat model.json weights.bin | sha256sum)", () => {
    const dir = copyModel();
    const model = path.join(dir, 'model.json');
    const weights = path.join(dir, 'weights.bin');
    const args = ['sgd.noise-shape', '--data', csv, '--model', model, '--set', 'draws=1000', '--set', 'batchSizes=1,8', '--set', 'usualBatch=8'];
    const before = runJSON(...args);
    const net = (r: { manifest: { inputs: Input[] } }) => r.manifest.inputs.find((i) => i.param === 'network') as Input;
    const dataHash = (r: { manifest: { inputs: Input[] } }) => (r.manifest.inputs.find((i) => i.param === 'data') as Input).sha256;
    expect(net(before).sha256).toBe(sha256(model, weights));
    expect(dataHash(before)).toBe(sha256(csv));
    expect(before.measurements.networks[0].name).toBe('own');
    // one weight nudged by one float32 ulp: model.json is unchanged, the recorded hash is not
    const b = fs.readFileSync(weights);
    b[0] ^= 1;
    fs.writeFileSync(weights, b);
    const after = runJSON(...args);
    expect(net(after).sha256).toBe(sha256(model, weights));
    expect(net(after).sha256).not.toBe(net(before).sha256);
    expect(dataHash(after)).toBe(dataHash(before));
    expect(after.params.network.weights[0]).not.toBe(before.params.network.weights[0]);
  });

  it('sgd.anisotropy measures the network at its saved weights (steps=0)', () => {
    const r = runJSON('sgd.anisotropy', '--data', csv, '--model', path.join(examples, 'model.json'), '--set', 'steps=0');
    expect(r.measurements.models.map((m: { name: string; P: number }) => [m.name, m.P])).toEqual([['own', 59]]);
    expect(r.verdicts).toHaveLength(4);
    expect(r.verdicts.every((v: Verdict) => ['agrees', 'disagrees', 'inconclusive'].includes(v.status))).toBe(true);
    expect(r.manifest.inputs.map((i: Input) => i.param)).toEqual(['data', 'network']);
  });

  it('sgd.temperature runs SGD chains from the minimum of the linear example (a column selection after #)', () => {
    const r = runJSON('sgd.temperature', '--data', `${csv}#label=x1&features=x2,x3`, '--model', path.join(examples, 'linear', 'model.json'), '--set', 'ownChains=40');
    const o = r.measurements.own;
    expect(o).toMatchObject({ P: 3, n: 90, chains: 40, batchSize: 4, negativeDirections: 0 });
    expect(Number.isFinite(o.excessMeasured) && Number.isFinite(o.excessExact)).toBe(true);
    expect(r.verdicts).toHaveLength(4);
    expect(r.manifest.tasks).toEqual({ 'own-minimum': 1, main: 8 });
  });

  it('bad inputs exit 2 naming the field or the parameter, before anything runs', () => {
    const col = snrlab('run', 'sgd.anisotropy', '--data', `${csv}#label=nope`, '--model', path.join(examples, 'model.json'));
    expect(col.code).toBe(2);
    expect(col.stderr).toMatch(/invalid input file .*data\.csv \(line 1, field label\): no label column 'nope'; the columns are 'x1', 'x2', 'x3', 'colour'/);
    const dir = copyModel();
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    json.modelTopology.config.layers.splice(1, 0, { class_name: 'GRU', config: { units: 4, name: 'gru_GRU1' } });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const layer = snrlab('run', 'sgd.noise-shape', '--data', csv, '--model', path.join(dir, 'model.json'));
    expect(layer.code).toBe(2);
    expect(layer.stderr).toMatch(/field modelTopology\.config\.layers\[1\]\.class_name\): layer 'gru_GRU1' \(GRU\) is not supported; supported layers: /);
    const alone = snrlab('run', 'sgd.temperature', '--model', path.join(examples, 'model.json'));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/invalid data: got "\(none\)"; expected your training set \(--data file\.csv\)/);
  });
});
