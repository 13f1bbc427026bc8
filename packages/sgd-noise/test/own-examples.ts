// The user's own problem as the own-problem pipeline suites read it: the example training set and
// TF.js models of examples/sgd.
import path from 'node:path';
import { readDataFile } from '../src/io/data-file.js';
import { readTfjsModel } from '../src/io/tfjs-model.js';

const examples = path.resolve(__dirname, '../../../examples/sgd');
/** The example training set and the TF.js network trained on it. */
export const data = readDataFile(path.join(examples, 'data.csv')).data;
export const network = readTfjsModel(path.join(examples, 'model.json')).network;
/**
 * A problem with a minimum, for the laws that need one (a convex loss): the linear example, least
 * squares of x1 on x2 and x3.
 */
export const regression = readDataFile(path.join(examples, 'data.csv'), { label: 'x1', features: ['x2', 'x3'] }).data;
export const linear = readTfjsModel(path.join(examples, 'linear', 'model.json')).network;
