/** URL parameters: the same coercion and validation as `snrlab run --set`, including renamed names. */
import { describe, expect, it } from 'vitest';
import { estimatorScalingExperiment, onDeprecation } from '@snrlab/core';
import { resolveParams } from '../src/params.js';

describe('atlas URL parameters', () => {
  it('a saved URL with an old (renamed) parameter name still applies its value, under the new name', () => {
    const prev = onDeprecation(() => {});
    try {
      const r = resolveParams(estimatorScalingExperiment.params, { estimates: 1000 }, { replicates: '300' });
      expect(r.problems).toEqual([]);
      expect(r.params.estimates).toBe(300);
      expect(r.raw).toEqual({ estimates: '300' });
    } finally {
      onDeprecation(prev);
    }
  });

  it('a bad value is dropped and reported with the parameter and its range', () => {
    const r = resolveParams(estimatorScalingExperiment.params, { estimates: 1000 }, { estimates: '5' });
    expect(r.params.estimates).toBe(1000);
    expect(r.problems[0].parameter).toBe('estimates');
    expect(r.problems[0].message).toMatch(/invalid estimates: got 5/);
  });
});
