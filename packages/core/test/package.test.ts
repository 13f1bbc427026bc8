import { describe, expect, it } from 'vitest';
import { runReadmeExamples } from '../../../tools/testing/readme';

describe('@snrlab/core README', () => {
  it('its examples run', async () => {
    expect(await runReadmeExamples(new URL('../README.md', import.meta.url))).toBeGreaterThanOrEqual(5);
  });
});
