/** Input options: how the CLI fills this package's parameters from a user's files (`--data`, `--model`). */
import type { InputOption } from '@snrlab/core';
import { parseDataArg, readDataFile } from './io/data-file.js';
import { readTfjsModel } from './io/tfjs-model.js';

/** The experiments that measure a model and take a user's training set and network. */
export const ownProblemExperiments = ['sgd.batch-variance', 'sgd.noise-scale', 'sgd.anisotropy', 'sgd.noise-shape', 'sgd.temperature'] as const;

/** `--data file.csv[#label=y&features=a,b&task=classification&shape=16,1]`: a training set for `data`. */
export const dataInput: InputOption = {
  flag: 'data',
  param: 'data',
  description:
    "your training set: CSV with a header (label = last column) or JSON ({features, labels} or records); select columns with '#label=<col>&features=<a,b>&task=<regression|classification|binary>&shape=<16,1>' after the path",
  kind: 'file',
  experiments: ownProblemExperiments,
  load(arg: string) {
    const { file, options } = parseDataArg(arg);
    const { data, format } = readDataFile(file, options);
    return { value: data, format };
  },
};

/**
 * `--model model.json`: a TF.js layers model (weights beside it) for `network`; its weights are the
 * point θ measured (or where a descent to the nearest minimum starts). The weight files it names are
 * returned as `files`, so the recorded hash covers them too.
 */
export const modelInput: InputOption = {
  flag: 'model',
  param: 'network',
  description:
    'your network: a TF.js layers model.json (model.save or tensorflowjs_converter) with its .bin weights (hashed with it); its weights are the point θ measured, or where the descent to a minimum starts (anisotropy, temperature, noise-scale)',
  kind: 'file',
  experiments: ownProblemExperiments,
  load(arg: string) {
    const { network, format, files } = readTfjsModel(arg);
    return { value: network, format, files };
  },
};

export const inputOptions: InputOption[] = [dataInput, modelInput];
