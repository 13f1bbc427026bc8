/** Input options: how the CLI fills this package's parameters from a user's files. */
import type { InputOption } from '@snrlab/core';
import { readGameFile } from './game-file.js';

/** `--game file.json`: payoff matrices (bilinear or quadratic–bilinear) for `gan.bilinear` and `gan.noise-drift`. */
export const gameInput: InputOption = {
  flag: 'game',
  param: 'game',
  description: 'a game f = ½xᵀPx + xᵀAy − ½yᵀQy as JSON: {"A": [[…]], "P"?: [[…]], "Q"?: [[…]], "label"?: "…"} (gan.noise-drift: bilinear only)',
  kind: 'file',
  experiments: ['gan.bilinear', 'gan.noise-drift'],
  async load(path: string) {
    const game = await readGameFile(path);
    const nx = game.A.length;
    const ny = game.A[0].length;
    return { value: { ...game, label: game.label ?? path.split(/[\\/]/).pop() }, format: `json (${game.P || game.Q ? 'quadratic–bilinear' : 'bilinear'}, ${nx}×${ny})` };
  },
};

export const inputOptions: InputOption[] = [gameInput];
