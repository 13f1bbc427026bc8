// Used only when the pool runs from TypeScript sources (tests, tsx): registers tsx in the
// worker so that it can import .ts task modules, then starts the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
