// The measured-profile input: the CSV/JSON parser and its refusals, the CLI's input option, and a
// round trip (simulate with known λ and noise → file → experiment) against the package's closed form.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError, listInputOptions, ParameterError, runExperiment, Stream } from '@snrlab/core';
import {
  boundaryMomentsQuadrature,
  formatProfileCSV,
  measuredProfileExperiment,
  NEURAL_TUBE_SHH as SHH,
  parseProfile,
  parseProfileCSV,
  parseProfileJSON,
  readProfileFile,
  simulateProfile,
  type ProfileData,
} from '../src/index.js';

const examples = path.resolve(__dirname, '../../../examples/morphogen');

/** The InputFileError thrown by `f`, for checking its file, line, column and message. */
function refusal(f: () => unknown): InputFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputFileError);
    return e as InputFileError;
  }
  throw new Error('expected an InputFileError');
}

describe('profile files: layouts', () => {
  it('embryos × positions, with comments, CRLF and a trailing comma', () => {
    const d = parseProfileCSV('# a comment\r\nembryo,0,5,10,15,20\r\ne1,100,60,36,22,13,\r\n\r\ne2,110,66,40,24,14\r\ne3,90,54,32,19,12\r\n', 'a.csv');
    expect(d).toEqual({ layout: 'replicates', positions: [0, 5, 10, 15, 20], replicates: [[100, 60, 36, 22, 13], [110, 66, 40, 24, 14], [90, 54, 32, 19, 12]] });
  });

  it('positions × embryos (tab-separated) gives the same data', () => {
    const d = parseProfileCSV('position\ta\tb\tc\n0\t100\t110\t90\n5\t60\t66\t54\n10\t36\t40\t32\n15\t22\t24\t19\n20\t13\t14\t12\n');
    expect(d).toEqual({ layout: 'replicates', positions: [0, 5, 10, 15, 20], replicates: [[100, 60, 36, 22, 13], [110, 66, 40, 24, 14], [90, 54, 32, 19, 12]] });
  });

  it('mean and SD per position, with and without n', () => {
    const text = 'x,mean,sd,n\n0,100,10,8\n5,60,6,8\n10,36,4,8\n15,22,2.5,8\n20,13,1.5e0,8\n';
    expect(parseProfileCSV(text)).toEqual({ layout: 'summary', positions: [0, 5, 10, 15, 20], mean: [100, 60, 36, 22, 13], sd: [10, 6, 4, 2.5, 1.5], n: [8, 8, 8, 8, 8] });
    const d = parseProfileCSV('position,mean,sd\n0,100,10\n5,60,6\n10,36,4\n15,22,2.5\n20,13,1.5\n');
    expect(d.layout).toBe('summary');
    expect('n' in d).toBe(false);
  });

  it('JSON, both layouts (n may be one number)', () => {
    const r = parseProfile('{ "positions": [0,1,2,3,4], "replicates": [[5,4,3,2,1],[6,5,4,3,2],[4,3,2,1,0.5]] }');
    expect(r.layout).toBe('replicates');
    const s = parseProfileJSON('{ "positions": [0,1,2,3,4], "mean": [5,4,3,2,1], "sd": [1,1,1,1,1], "n": 10 }');
    expect(s).toMatchObject({ layout: 'summary', n: [10, 10, 10, 10, 10] });
  });

  it('the committed examples parse, and the summary is the replicates summarised', async () => {
    const rep = await readProfileFile(path.join(examples, 'profile.csv'));
    const sum = await readProfileFile(path.join(examples, 'profile-summary.csv'));
    const json = await readProfileFile(path.join(examples, 'profile.json'));
    expect(rep.layout).toBe('replicates');
    expect(sum).toEqual(json);
    if (rep.layout !== 'replicates' || sum.layout !== 'summary') throw new Error('layouts');
    expect(rep.replicates).toHaveLength(24);
    expect(sum.positions).toEqual(rep.positions);
    const mean0 = rep.replicates.reduce((a, r) => a + r[0], 0) / rep.replicates.length;
    expect(sum.mean[0]).toBeCloseTo(mean0, 0);
  });
});

describe('profile files: refusals name file, line and column', () => {
  it('a bad number', () => {
    const e = refusal(() => parseProfileCSV('# made by hand\nembryo,0,1,2,3,4\ne1,5,4,3,2,1\ne2,5,4,3,two,1\ne3,5,4,3,2,1\n', 'bad.csv'));
    expect(e.file).toBe('bad.csv');
    expect(e.where).toMatchObject({ line: 4, column: 5, field: 'x = 3' });
    expect(e.message).toMatch(/'two' is not a number; expected a number/);
  });

  it('an empty cell', () => {
    const e = refusal(() => parseProfileCSV('position,mean,sd\n0,1,0.1\n1,,0.1\n2,0.3,0.1\n3,0.2,0.1\n4,0.1,0.1\n', 'e.csv'));
    expect(e.where).toMatchObject({ line: 3, column: 2, field: 'mean' });
    expect(e.message).toMatch(/empty cell; expected a number/);
  });

  it('a ragged row', () => {
    const e = refusal(() => parseProfileCSV('embryo,0,1,2,3,4\ne1,5,4,3,2,1\ne2,5,4,3,2\ne3,5,4,3,2,1\n', 'r.csv'));
    expect(e.where).toMatchObject({ line: 3 });
    expect(e.message).toMatch(/ragged row: 5 fields, expected 6/);
  });

  it('too few positions', () => {
    const e = refusal(() => parseProfileCSV('position,mean,sd\n0,1,0.1\n1,0.5,0.1\n2,0.2,0.1\n', 'few.csv'));
    expect(e.message).toMatch(/3 positions; expected at least 5/);
    refusal(() => parseProfileCSV('embryo,0,1,2\ne1,1,2,3\ne2,1,2,3\ne3,1,2,3\n'));
  });

  it('non-increasing positions, in a header and in a column', () => {
    const h = refusal(() => parseProfileCSV('embryo,0,1,2,2,4\ne1,5,4,3,2,1\ne2,5,4,3,2,1\ne3,5,4,3,2,1\n'));
    expect(h.where).toMatchObject({ line: 1, column: 5 });
    expect(h.message).toMatch(/position 2 does not follow 2; expected strictly increasing/);
    const c = refusal(() => parseProfileCSV('position,mean,sd\n0,1,0.1\n1,0.5,0.1\n3,0.2,0.1\n2,0.1,0.1\n4,0.1,0.1\n'));
    expect(c.where).toMatchObject({ line: 5, column: 1, field: 'position' });
  });

  it('a missing header', () => {
    const e = refusal(() => parseProfileCSV('0,1,2,3,4\n5,4,3,2,1\n', 'nohead.csv'));
    expect(e.where).toMatchObject({ line: 1 });
    expect(e.message).toMatch(/missing header/);
  });

  it('too few embryos, a negative SD, a bad n, a non-position header cell', () => {
    expect(refusal(() => parseProfileCSV('embryo,0,1,2,3,4\ne1,5,4,3,2,1\ne2,5,4,3,2,1\n')).message).toMatch(/2 embryo rows; expected at least 3/);
    expect(refusal(() => parseProfileCSV('position,e1,e2\n0,1,2\n1,1,2\n2,1,2\n3,1,2\n4,1,2\n')).message).toMatch(/2 embryo columns/);
    expect(refusal(() => parseProfileCSV('position,mean,sd\n0,1,0.1\n1,0.5,-0.1\n2,0.3,0.1\n3,0.2,0.1\n4,0.1,0.1\n')).where).toMatchObject({ line: 3, column: 3 });
    expect(refusal(() => parseProfileCSV('position,mean,sd,n\n0,1,0.1,1.5\n1,0.5,0.1,2\n2,0.3,0.1,2\n3,0.2,0.1,2\n4,0.1,0.1,2\n')).message).toMatch(/whole number of embryos/);
    expect(refusal(() => parseProfileCSV('embryo,0,1,two,3,4\ne1,5,4,3,2,1\ne2,5,4,3,2,1\ne3,5,4,3,2,1\n')).where).toMatchObject({ line: 1, column: 4 });
  });

  it('JSON: a syntax error at its line, a wrong field by name', () => {
    const s = refusal(() => parseProfileJSON('{\n "positions": [0,1,2,3,4],\n "mean": [1,2,,3]\n}', 'p.json'));
    expect(s.message).toMatch(/not valid JSON/);
    const f = refusal(() => parseProfileJSON('{ "positions": [0,1,2,3,4], "replicates": [[5,4,3,2,1],[6,5,4,3],[4,3,2,1,0.5]] }', 'p.json'));
    expect(f.where).toMatchObject({ field: 'replicates[1]' });
    const t = refusal(() => parseProfileJSON('{ "positions": [0,1,2,3,4], "mean": [5,4,"x",2,1], "sd": [1,1,1,1,1] }', 'p.json'));
    expect(t.where).toMatchObject({ field: 'mean[2]' });
  });

  it('a missing file', async () => {
    await expect(readProfileFile('/nonexistent/profile.csv')).rejects.toBeInstanceOf(InputFileError);
  });
});

describe('morphogen.measured-profile', () => {
  it('is offered to the CLI as --profile once the package is registered', async () => {
    await import('../src/register.js');
    const o = listInputOptions().find((x) => x.flag === 'profile');
    expect(o).toMatchObject({ param: 'profile', kind: 'file', experiments: ['morphogen.measured-profile'] });
    const { value, format } = await (o as NonNullable<typeof o>).load(path.join(examples, 'profile.csv'));
    expect(format).toBe('csv (replicates)');
    expect((value as ProfileData).label).toBe('profile.csv');
  });

  it('refuses inconsistent data and a summary without its embryo count, naming the parameter', async () => {
    const ragged = { layout: 'replicates', positions: [0, 1, 2, 3, 4], replicates: [[5, 4, 3, 2, 1], [5, 4, 3], [5, 4, 3, 2, 1]] };
    await expect(runExperiment(measuredProfileExperiment, { profile: ragged, bootstrap: 200 })).rejects.toThrow(/profile\.replicates\[1\]/);
    const summary = { layout: 'summary', positions: [0, 1, 2, 3, 4], mean: [5, 4, 3, 2, 1], sd: [1, 1, 1, 1, 1] };
    const e = await runExperiment(measuredProfileExperiment, { profile: summary, bootstrap: 200 }).catch((x) => x);
    expect(e).toBeInstanceOf(ParameterError);
    expect((e as ParameterError).parameter).toBe('embryos');
    const r = await runExperiment(measuredProfileExperiment, { profile: summary, embryos: 10, bootstrap: 200 });
    expect(r.metrics.embryos).toBe(10);
  });

  it('round trip: simulate with known λ and noise → CSV file → the experiment recovers λ and the closed-form σ_x', async () => {
    const kinetics = { p: SHH.p, k: SHH.k, D: SHH.D };
    const geometry = { sourceLength: SHH.sourceLength, patterningLength: 400 };
    const positions = Array.from({ length: 26 }, (_, i) => 6 * i);
    const cv = 0.3;
    const sim = simulateProfile({ kinetics, geometry, positions, embryos: 80, amplitudeCV: cv, measurementCV: 0.05, scale: SHH.cellDiameter }, Stream.fromSeed(11).child('round-trip'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-profile-'));
    const file = path.join(dir, 'gradient.csv');
    fs.writeFileSync(file, formatProfileCSV(sim, ['simulated: lambda = 19.26 um'], 8));
    const data = await readProfileFile(file);
    if (data.layout !== 'replicates') throw new Error('layout');
    expect(data.positions).toEqual(positions);
    data.replicates.forEach((row, e) => row.forEach((v, j) => expect(v).toBeCloseTo(sim.replicates[e][j], Math.max(0, 5 - Math.ceil(Math.log10(Math.abs(sim.replicates[e][j])))))));

    const r = await runExperiment(measuredProfileExperiment, { profile: data, bootstrap: 400 }, { seed: 3 });
    const m = r.measurements as import('../src/index.js').MeasuredProfileMeasurements;
    const lambda = Math.sqrt(SHH.D / SHH.k);
    // λ within its bootstrap interval
    expect(m.lambda.ci95[0]).toBeLessThan(lambda);
    expect(m.lambda.ci95[1]).toBeGreaterThan(lambda);
    // σ_x(direct) against the closed form (quadrature over the lognormal production) at the middle
    // usable position; the measurement noise (CV 0.05) adds ≲ 1% to σ_x, far inside the interval
    const usable = m.points.filter((q) => q.usable);
    const mid = usable[Math.floor(usable.length / 2)];
    const theory = boundaryMomentsQuadrature(kinetics, { p: cv, k: 0, D: 0 }, geometry, mid.threshold / SHH.cellDiameter, 48);
    expect(theory).not.toBeNull();
    const th = (theory as { sd: number }).sd;
    expect(th).toBeCloseTo(lambda * Math.sqrt(Math.log1p(cv * cv)), 2);
    expect(mid.direct.ci95[0]).toBeLessThan(th);
    expect(mid.direct.ci95[1]).toBeGreaterThan(th);
    // error propagation and FitEPM agree with the direct spread on an exponential gradient
    // error propagation: for a lognormal amplitude the exact ratio is √ln(1+c²)/c (0.979 at c = 0.3);
    // the gradient is exponential. Both within 4 bootstrap SE (a 95% interval misses 1 run in 20)
    const ratio = m.pooledRatio as NonNullable<typeof m.pooledRatio>;
    expect(Math.abs(ratio.value - Math.sqrt(Math.log1p(cv * cv)) / cv)).toBeLessThan(4 * ratio.se);
    expect(Math.abs(m.lambdaRatio.value - 1)).toBeLessThan(4 * m.lambdaRatio.se);
    expect(r.verdicts.map((v) => v.claim.slice(0, 24))).toEqual(['error propagation holds:', 'the gradient is exponent']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a gradient that rises along x gives the mirrored answer', async () => {
    const sim = simulateProfile(
      { kinetics: { p: SHH.p, k: SHH.k, D: SHH.D }, geometry: { sourceLength: SHH.sourceLength, patterningLength: 400 }, positions: Array.from({ length: 21 }, (_, i) => 5 * i), embryos: 12, amplitudeCV: 0.2, measurementCV: 0.05 },
      Stream.fromSeed(5),
    );
    const flipped: ProfileData = { layout: 'replicates', positions: sim.positions.map((x) => 100 - x).reverse(), replicates: sim.replicates.map((r) => [...r].reverse()) };
    const a = await runExperiment(measuredProfileExperiment, { profile: sim, bootstrap: 200 }, { seed: 1 });
    const b = await runExperiment(measuredProfileExperiment, { profile: flipped, bootstrap: 200 }, { seed: 1 });
    const ma = a.measurements as import('../src/index.js').MeasuredProfileMeasurements;
    const mb = b.measurements as import('../src/index.js').MeasuredProfileMeasurements;
    expect(mb.mirrored).toBe(true);
    expect(mb.lambda.value).toBeCloseTo(ma.lambda.value, 9);
    const n = ma.points.length;
    ma.points.forEach((q, j) => {
      const f = mb.points[n - 1 - j];
      expect(f.position).toBeCloseTo(100 - q.position, 12);
      expect(f.direct.value).toBeCloseTo(q.direct.value, 9);
      expect(f.propagated.value).toBeCloseTo(q.propagated.value, 9);
      expect(f.slope.value).toBeCloseTo(-q.slope.value, 9);
    });
  });

  it('a summary gives the propagated and fitted estimates with a parametric bootstrap', async () => {
    const r = await runExperiment(measuredProfileExperiment, { profile: await readProfileFile(path.join(examples, 'profile-summary.csv')), bootstrap: 300 }, { seed: 1 });
    const m = r.measurements as import('../src/index.js').MeasuredProfileMeasurements;
    expect(m.layout).toBe('summary');
    expect(m.pooledRatio).toBeNull();
    expect(m.lambda.ci95[0]).toBeLessThan(19.26);
    expect(m.lambda.ci95[1]).toBeGreaterThan(19.26);
    expect(r.verdicts).toHaveLength(1);
  });
});
