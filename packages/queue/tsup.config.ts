import { packageBuild } from '../../tools/build/tsup';

// processor.ts is the file BullMQ forks for sandboxed jobs: its own entry (dist/processor.js)
export default packageBuild({ index: 'src/index.ts', processor: 'src/processor.ts' }, { dtsEntry: { index: 'src/index.ts' } });
