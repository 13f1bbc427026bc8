import { packageBuild } from '../../tools/build/tsup';

// the worker is an entry of its own (the pool starts it by file), with no declarations
export default packageBuild(
  { index: 'src/index.ts', register: 'src/register.ts', worker: 'src/executors/worker.ts' },
  { dtsEntry: { index: 'src/index.ts', register: 'src/register.ts' } },
);
