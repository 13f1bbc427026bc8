import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { PACKAGE } from '../src/package.js';
import { runReadmeExamples } from '../../../tools/testing/readme';

describe('@snrlab/queue', () => {
  it('PACKAGE matches package.json', () => {
    expect(PACKAGE).toEqual({ name: pkg.name, version: pkg.version });
  });

  it('the README examples run', async () => {
    await runReadmeExamples(new URL('../README.md', import.meta.url));
  });
});
