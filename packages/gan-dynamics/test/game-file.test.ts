// `--game file.json`: the format, its refusals (named file and field), and the parameter it fills.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError, ParameterError, runExperiment } from '@snrlab/core';
import { bilinearExperiment } from '../src/experiments/bilinear.js';
import { noiseDriftExperiment } from '../src/experiments/noise-drift.js';
import { parseGameJSON, readGameFile } from '../src/game-file.js';
import { gameInput, inputOptions } from '../src/inputs.js';

const example = (name: string) => fileURLPath(new URL(`../../../examples/gan/${name}`, import.meta.url));
function fileURLPath(u: URL) {
  return decodeURIComponent(u.pathname);
}

describe('game files', () => {
  it('reads the example games', async () => {
    const g = await readGameFile(example('game.json'));
    expect(g.A).toEqual([
      [1, 0.5],
      [-0.5, 0.8],
    ]);
    expect(g.P).toBeUndefined();
    const q = await readGameFile(example('game-quadratic.json'));
    expect(q.P).toEqual([
      [0.1, 0],
      [0, 0.05],
    ]);
  });

  it('refuses malformed files, naming the file and the field', () => {
    const bad = (text: string, re: RegExp) => {
      let err: unknown;
      try {
        parseGameJSON(text, 'g.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputFileError);
      expect((err as Error).message).toMatch(/^invalid input file g\.json/);
      expect((err as Error).message).toMatch(re);
    };
    bad('{"A": [[1, 2], [3]]}', /field A\[1\].*1 entries, expected 2/);
    bad('{"A": [[1, "x"]]}', /field A\[0\]\[1\]/);
    bad('{"A": []}', /field A/);
    bad('{"B": [[1]]}', /field (A|B)/);
    bad('{"A": [[1]], "P": [[1, 0], [0, 1]]}', /field P.*shape 2×2, expected 1×1/);
    bad('{"A": [[1, 0]], "Q": [[1]]}', /field Q.*expected 2×2/);
    bad('{"A": [[1]], "extra": 1}', /field extra.*unknown field/);
    bad('[1, 2]', /expected a JSON object/);
    bad('{"A": [[1]]', /not valid JSON/);
    bad(JSON.stringify({ A: Array.from({ length: 21 }, () => [1]) }), /at most 20/);
  });

  it('refuses a file that cannot be read, naming it', async () => {
    await expect(readGameFile(path.join(os.tmpdir(), 'no-such-game.json'))).rejects.toThrow(/invalid input file .*no-such-game\.json.*cannot read/);
  });

  it('is registered as the --game input of gan.bilinear and gan.noise-drift', async () => {
    expect(inputOptions).toContain(gameInput);
    expect(gameInput).toMatchObject({ flag: 'game', param: 'game', kind: 'file', experiments: ['gan.bilinear', 'gan.noise-drift'] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-game-'));
    const f = path.join(dir, 'mine.json');
    fs.writeFileSync(f, JSON.stringify({ A: [[2]] }));
    const { value, format } = await gameInput.load(f);
    expect(value).toEqual({ A: [[2]], label: 'mine.json' });
    expect(format).toBe('json (bilinear, 1×1)');
  });

  it('runs gan.bilinear on a game: f = 2xy is f = xy with twice the step', async () => {
    // the game replaces A: at η = 0.05 on f = 2xy every method's map equals η = 0.1 on f = xy
    const a = await runExperiment(bilinearExperiment, { game: { A: [[2]] }, learningRateX: 0.05, learningRateY: 0.05, steps: 40, particles: 20, methods: ['simultaneous', 'extragradient'] }, { seed: 1 });
    const b = await runExperiment(bilinearExperiment, { A: [1], learningRateX: 0.1, learningRateY: 0.1, steps: 40, particles: 20, methods: ['simultaneous', 'extragradient'] }, { seed: 1 });
    for (const k of ['simultaneous.growthFactorTheory', 'extragradient.growthFactorTheory']) expect(a.metrics[k]).toBeCloseTo(b.metrics[k], 14);
  });

  it('refuses a game together with explicit matrices, and a quadratic game for gan.noise-drift', async () => {
    await expect(runExperiment(bilinearExperiment, { game: { A: [[1]] }, A: [2] })).rejects.toThrow(ParameterError);
    await expect(runExperiment(bilinearExperiment, { game: { A: [[1]] }, A: [2] })).rejects.toThrow(/invalid A/);
    await expect(runExperiment(bilinearExperiment, { game: { A: [[1, 2], [3]] } })).rejects.toThrow(/invalid game\.A\[1\]/);
    await expect(runExperiment(noiseDriftExperiment, { game: { A: [[1]], P: [[0.1]] } })).rejects.toThrow(/invalid game: .*bilinear game/);
  });
});
