import { packageBuild } from '../../tools/build/tsup';

export default packageBuild({ index: 'src/index.ts', register: 'src/register.ts' });
