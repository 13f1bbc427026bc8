import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coerceParams, describeParams, onDeprecation, parseParams, ParameterError, renamedParams } from '../src/index.js';

const schema = z.object({
  replicas: z.number().int().min(2).default(10).meta({ renamedFrom: 'realizations' }),
  estimates: z.number().int().min(2).default(5).meta({ renamedFrom: ['replicates', 'repeats'] }),
  dt: z.number().positive().default(0.1),
});

function collect(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const prev = onDeprecation((m) => messages.push(m));
  return { messages, restore: () => onDeprecation(prev) };
}

describe('renamed parameters (glossary of repetition counts)', () => {
  it('maps every old name to its new one', () => {
    expect(renamedParams(schema)).toEqual({ realizations: 'replicas', replicates: 'estimates', repeats: 'estimates' });
  });

  it('accepts the old name with a deprecation warning naming both', () => {
    const w = collect();
    try {
      expect(parseParams(schema, { realizations: 7 })).toEqual({ replicas: 7, estimates: 5, dt: 0.1 });
      expect(coerceParams(schema, { repeats: '4' })).toEqual({ estimates: 4 });
      expect(w.messages).toHaveLength(2);
      expect(w.messages[0]).toMatch(/'realizations' is renamed 'replicas'/);
      expect(w.messages[1]).toMatch(/'repeats' is renamed 'estimates'/);
    } finally {
      w.restore();
    }
  });

  it('gives the same parameters as the new name, and no warning for it', () => {
    const w = collect();
    try {
      expect(parseParams(schema, { replicas: 7 })).toEqual({ replicas: 7, estimates: 5, dt: 0.1 });
      expect(w.messages).toEqual([]);
    } finally {
      w.restore();
    }
  });

  it('refuses the old and the new name together, naming the old one', () => {
    const w = collect();
    try {
      expect(() => parseParams(schema, { realizations: 7, replicas: 8 })).toThrow(ParameterError);
      expect(() => parseParams(schema, { realizations: 7, replicas: 8 })).toThrow(/realizations.*only one of 'realizations' and 'replicas'/);
    } finally {
      w.restore();
    }
  });

  it('range errors after a rename still name the parameter and the range', () => {
    const w = collect();
    try {
      expect(() => parseParams(schema, { realizations: 1 })).toThrow(/replicas.*an integer in \[2/);
    } finally {
      w.restore();
    }
  });

  it('describeParams lists the old names', () => {
    const rows = describeParams(schema);
    expect(rows.find((r) => r.name === 'replicas')?.formerly).toEqual(['realizations']);
    expect(rows.find((r) => r.name === 'dt')?.formerly).toBeUndefined();
  });
});
