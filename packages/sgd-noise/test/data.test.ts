import { describe, expect, it } from 'vitest';
import { Moments, Stream } from '@snrlab/core';
import {
  bars2d,
  featureMoments,
  gather,
  gaussianMixture,
  iris,
  linearTeacher,
  loadCSV,
  loadJSON,
  signals1d,
  split,
  standardize,
  subset,
  teacherStudent,
  validateDataset,
} from '../src/index.js';

describe('synthetic datasets', () => {
  it('are seeded: the same stream gives the same bytes', () => {
    const a = linearTeacher({ n: 50, dim: 3, stream: Stream.fromSeed(1) });
    const b = linearTeacher({ n: 50, dim: 3, stream: Stream.fromSeed(1) });
    expect(Array.from(a.dataset.y)).toEqual(Array.from(b.dataset.y));
    const c = linearTeacher({ n: 50, dim: 3, stream: Stream.fromSeed(2) });
    expect(Array.from(c.dataset.y)).not.toEqual(Array.from(a.dataset.y));
  });

  it('linear teacher: residuals y − Wᵀx − b have the label-noise variance (within 4 SE)', () => {
    const { dataset: d, weights, bias } = linearTeacher({ n: 20000, dim: 4, noise: 0.5, conditionNumber: 100, stream: Stream.fromSeed(3) });
    const r = new Moments();
    for (let i = 0; i < d.n; i++) {
      let t = bias[0];
      for (let j = 0; j < 4; j++) t += d.x[i * 4 + j] * weights[j];
      r.push(d.y[i] - t);
    }
    expect(Math.abs(r.variance - 0.25)).toBeLessThan(4 * r.varianceSE);
    // input variances fall geometrically from 1 to 1/κ
    const { sd } = featureMoments(d);
    expect(sd[0] ** 2).toBeCloseTo(1, 1);
    expect(sd[3] ** 2 / 0.01).toBeCloseTo(1, 1);
  });

  it('Gaussian mixture: balanced labels, class means at the stated separation', () => {
    const { dataset: d, means } = gaussianMixture({ n: 3000, dim: 5, classes: 3, separation: 2, stream: Stream.fromSeed(4) });
    expect(d.task).toBe('classification');
    const counts = [0, 0, 0];
    for (let i = 0; i < d.n; i++) counts[d.y[i]]++;
    expect(counts).toEqual([1000, 1000, 1000]);
    expect(Math.hypot(...means.subarray(0, 5))).toBeCloseTo(2, 10);
    const bin = gaussianMixture({ n: 10, dim: 2, classes: 2, binary: true, stream: Stream.fromSeed(4) }).dataset;
    expect(bin.task).toBe('binary');
    expect(() => gaussianMixture({ n: 10, dim: 2, classes: 3, binary: true, stream: Stream.fromSeed(4) })).toThrow(/classes/);
  });

  it('teacher-student, 1-D signals and 2-D bars have the declared shapes', () => {
    const ts = teacherStudent({ n: 20, dim: 3, stream: Stream.fromSeed(5) }).dataset;
    expect(validateDataset(ts).inputShape).toEqual([3]);
    const sig = signals1d({ n: 7, length: 12, classes: 3, stream: Stream.fromSeed(5) });
    expect(sig.x.length).toBe(7 * 12);
    expect(sig.inputShape).toEqual([12, 1]);
    const img = bars2d({ n: 3, size: 4, stream: Stream.fromSeed(5) });
    expect(img.inputShape).toEqual([4, 4, 1]);
  });

  it('Iris: 150 flowers, 4 features, 3 balanced species', () => {
    const d = iris();
    expect(d.n).toBe(150);
    expect(d.inputShape).toEqual([4]);
    expect(d.classes).toBe(3);
    expect(d.x[0]).toBe(5.1); // sepal length of the first flower (Fisher 1936)
    const st = standardize(d);
    const m = featureMoments(st);
    for (let j = 0; j < 4; j++) {
      expect(m.mean[j]).toBeCloseTo(0, 12);
      expect(m.sd[j]).toBeCloseTo(1, 12);
    }
  });

  it('gather, subset and split copy the right rows', () => {
    const d = iris();
    const b = gather(d, [3, 0], 2);
    expect(Array.from(b.x.subarray(0, 4))).toEqual(Array.from(d.x.subarray(12, 16)));
    expect(subset(d, [149]).y[0]).toBe(2);
    const [a, c] = split(d, 0.8);
    expect(a.n + c.n).toBe(150);
    expect(() => gather(d, [150], 1)).toThrow(/indices\[0\]/);
  });

  it('validateDataset refuses NaN and shapes that disagree, naming the entry', () => {
    const d = iris();
    const x = Float64Array.from(d.x);
    x[4 * 10 + 2] = NaN;
    expect(() => validateDataset({ ...d, x })).toThrow(/dataset\.x\[10\]\[2\]: got NaN/);
    expect(() => validateDataset({ ...d, y: d.y.subarray(1) })).toThrow(/dataset\.y\.length/);
    expect(() => validateDataset({ ...d, y: Float64Array.from(d.y, (v) => v + 5) })).toThrow(/class index/);
  });
});

describe('CSV and JSON loader', () => {
  const csv = 'length,width,species\n1.0,2.0,setosa\n1.5,2.5,virginica\n\n0.5,1.0,setosa\n';

  it('parses a header, maps string labels to sorted class indices', () => {
    const d = loadCSV(csv);
    expect(d.n).toBe(3);
    expect(d.inputShape).toEqual([2]);
    expect(d.task).toBe('classification');
    expect(d.classNames).toEqual(['setosa', 'virginica']);
    expect(Array.from(d.y)).toEqual([0, 1, 0]);
    expect(d.featureNames).toEqual(['length', 'width']);
  });

  it('numeric labels make a regression set; the label column can be named or indexed', () => {
    const d = loadCSV('y,a,b\n1,2,3\n4,5,6\n', { labelColumn: 'y' });
    expect(d.task).toBe('regression');
    expect(Array.from(d.y)).toEqual([1, 4]);
    expect(Array.from(d.x)).toEqual([2, 3, 5, 6]);
    expect(Array.from(loadCSV('1,2,3\n4,5,6\n', { labelColumn: 0 }).y)).toEqual([1, 4]);
  });

  it('refuses ragged rows, naming the line', () => {
    expect(() => loadCSV('a,b,c\n1,2,3\n4,5\n')).toThrow(/csv line 3: got "2 cells"; expected 3 cells/);
  });

  it('refuses non-numeric cells, naming line and column', () => {
    expect(() => loadCSV('a,b,c\n1,2,x\n4,abc,1\n')).toThrow(/csv line 3, column "b": got "abc"; expected a number/);
  });

  it('JSON: refuses label/feature count mismatches, ragged rows and non-numbers', () => {
    expect(loadJSON({ features: [[1, 2], [3, 4]], labels: [0, 1] }).n).toBe(2);
    expect(() => loadJSON({ features: [[1, 2], [3, 4]], labels: [0] })).toThrow(/json\.labels\.length: got 1; expected 2/);
    expect(() => loadJSON('{"features": [[1, 2], [3]], "labels": [0, 1]}')).toThrow(/json\.features\[1\]\.length: got 1; expected 2/);
    expect(() => loadJSON({ features: [[1, 'x' as unknown as number]], labels: [0] })).toThrow(/json\.features\[0\]\[1\]/);
    expect(() => loadJSON('{"features": ')).toThrow(/valid JSON/);
    expect(() => loadJSON({ features: [[1]], labels: [2] }, { task: 'binary' })).toThrow(/0 or 1/);
  });
});
