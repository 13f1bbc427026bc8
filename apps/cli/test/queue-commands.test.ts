/** The queue verbs' argument checks (no Redis needed: a bad --queue is refused before connecting). */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { isParameterError } from '@snrlab/core';
import { addQueueCommands, queueExecutor, queueUrlArg } from '../src/queue-commands.js';

function program() {
  const p = new Command().exitOverride();
  p.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  addQueueCommands(p, { modules: () => [] });
  return p;
}

describe('snrlab worker / queue status', () => {
  it('a bad --queue is a usage error naming the option and the value', async () => {
    const e = await program()
      .parseAsync(['node', 'snrlab', 'queue', 'status', '--queue', 'http://h:1'])
      .catch((x: unknown) => x);
    expect(isParameterError(e)).toBe(true);
    expect((e as Error).message).toMatch(/invalid --queue: got "?http:\/\/h:1"?/);
    expect(() => queueUrlArg('redis://u:pw@h:6379/x')).toThrow(/--queue.*database must be a number/);
    expect(() => queueExecutor('nope')).toThrow(/--queue/);
  });

  it('--concurrency must be a positive integer; --queue is required', async () => {
    await expect(program().parseAsync(['node', 'snrlab', 'worker', '--queue', 'redis://127.0.0.1:1', '--concurrency', '0'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    await expect(program().parseAsync(['node', 'snrlab', 'worker'])).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
  });
});
