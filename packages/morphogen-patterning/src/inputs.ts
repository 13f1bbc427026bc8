/** Input options: how the CLI fills this package's parameters from a user's files. */
import type { InputOption } from '@snrlab/core';
import { readProfileFileWithFormat } from './profile.js';

/** `--profile file.csv`: a measured gradient for `morphogen.measured-profile`. */
export const profileInput: InputOption = {
  flag: 'profile',
  param: 'profile',
  description: 'a measured gradient: CSV (embryos × positions, positions × embryos, or position,mean,sd[,n]) or JSON',
  kind: 'file',
  experiments: ['morphogen.measured-profile'],
  async load(path: string) {
    const { profile, format } = await readProfileFileWithFormat(path);
    return { value: { ...profile, label: profile.label ?? path.split(/[\\/]/).pop() }, format: `${format} (${profile.layout})` };
  },
};

export const inputOptions: InputOption[] = [profileInput];
