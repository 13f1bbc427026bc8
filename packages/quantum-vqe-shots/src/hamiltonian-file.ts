/**
 * A user's own Hamiltonian: read from the common file forms, checked with named errors, and carried
 * into the experiments as a plain-data parameter value (`HamiltonianData`, zod-validated).
 *
 * Formats (recognised from the content):
 *  - `openfermion`: OpenFermion `QubitOperator` text, as `str(op)` prints it:
 *      -0.0427 [] +
 *      0.1712 [Z0] +
 *      0.0454 [X0 X1 Y2 Y3]
 *    (terms may share a line; a coefficient may be complex with a zero imaginary part, "(0.17+0j)").
 *  - `qiskit`: Qiskit `SparsePauliOp` label/coefficient lists as JSON, `[["IIZZ", 0.17], ...]`
 *    (`op.to_list()`) or `{"labels": [...], "coeffs": [...]}`. Labels are Qiskit's little-endian
 *    strings: the RIGHTMOST letter acts on qubit 0. Qiskit's qubit k is this package's qubit k (bit k
 *    of the basis index, as in Qiskit), so "IIIZ" is OpenFermion's [Z0]. A coefficient is a number,
 *    a string "(0.17+0j)", [re, im] or {"re", "im"}; a non-zero imaginary part is refused.
 *  - `json`: a plain JSON of Pauli terms, `{"qubits": 4, "terms": [{"pauli": "X0 X1 Y2 Y3",
 *    "coefficient": 0.0454}, ...]}` (or the bare list of terms), with indexed factors as OpenFermion
 *    writes them; the identity is "" or "I". This is also the parameter value's own form.
 */
import { InputFileError, ParameterError, ParameterTypeError, z } from '@snrlab/core';
import { PauliSum, type CoefficientInput } from './pauli.js';
import { MAX_QUBITS, formatBytes, stateBytes } from './simulator/limits.js';

export const HAMILTONIAN_FORMATS = ['openfermion', 'qiskit', 'json'] as const;
export type HamiltonianFormat = (typeof HAMILTONIAN_FORMATS)[number];

/** The parameter value: qubits and terms with indexed Pauli labels ("X0 Y1", "" or "I" for the identity). */
export const hamiltonianDataSchema = z.object({
  label: z.string().optional().describe('where it came from (the file name)'),
  qubits: z.int().min(1).max(MAX_QUBITS).describe(`qubits, at most ${MAX_QUBITS} (the statevector simulator's limit)`),
  terms: z
    .array(
      z.object({
        pauli: z.string().describe('indexed Pauli factors, OpenFermion style: "X0 X1 Y2 Y3"; "" or "I" for the identity'),
        coefficient: z.number().refine(Number.isFinite, 'a finite real number').describe('real coefficient (Ha)'),
      }),
    )
    .min(1),
});

export type HamiltonianData = z.output<typeof hamiltonianDataSchema>;

/** The PauliSum of a parameter value (terms checked by `PauliSum.fromTerms`, which names the bad term). */
export function hamiltonianFromData(d: HamiltonianData): PauliSum {
  return PauliSum.fromTerms(
    d.terms.map((t) => [t.pauli, t.coefficient] as const),
    { order: 'indexed', qubits: d.qubits },
  );
}

/** The parameter value of a PauliSum (its merged terms, in order). */
export function hamiltonianToData(h: PauliSum, label?: string): HamiltonianData {
  return {
    ...(label !== undefined ? { label } : {}),
    qubits: h.qubits,
    terms: h.terms.map((t) => ({ pauli: t.x === 0 && t.z === 0 ? '' : h.label(t, 'indexed'), coefficient: t.coefficient })),
  };
}

/** Write a Hamiltonian in one of the formats (the inverse of `parseHamiltonian`, up to merging equal terms). */
export function formatHamiltonian(h: PauliSum, format: HamiltonianFormat): string {
  if (format === 'openfermion') {
    return h.terms.map((t) => `${t.coefficient} [${t.x === 0 && t.z === 0 ? '' : h.label(t, 'indexed')}]`).join(' +\n') + '\n';
  }
  if (format === 'qiskit') {
    return '[\n' + h.terms.map((t) => `  [${JSON.stringify(h.label(t, 'little-endian'))}, ${t.coefficient}]`).join(',\n') + '\n]\n';
  }
  const d = hamiltonianToData(h);
  return '{\n  "qubits": ' + d.qubits + ',\n  "terms": [\n' + d.terms.map((t) => `    { "pauli": ${JSON.stringify(t.pauli)}, "coefficient": ${t.coefficient} }`).join(',\n') + '\n  ]\n}\n';
}

// --- reading ---------------------------------------------------------------------------------

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The problem of a ParameterError without its parameter name (the file error names the field). */
function problemOf(e: unknown): string {
  if (e instanceof ParameterError || e instanceof ParameterTypeError) {
    return `got ${JSON.stringify(e.value) ?? String(e.value)}; expected ${e.allowed}${e.note ? ` (${e.note})` : ''}`;
  }
  return (e as Error).message;
}

function qubitLimit(file: string, qubits: number, at: { line?: number; field?: string }): void {
  if (qubits > MAX_QUBITS) {
    throw new InputFileError(
      file,
      `${qubits} qubits; the statevector simulator holds at most ${MAX_QUBITS} (a state of ${qubits} qubits needs ${formatBytes(stateBytes(qubits))})`,
      at,
    );
  }
}

interface Located {
  label: unknown;
  coefficient: unknown;
  /** The joining − of OpenFermion text, applied to the coefficient once it is read. */
  sign?: number;
  line: number;
  field: string;
}

/** Check every term alone (to name the one that is wrong), then build the sum. */
function build(file: string, terms: Located[], order: 'indexed' | 'little-endian', qubits: number | undefined): PauliSum {
  if (terms.length === 0) throw new InputFileError(file, 'no terms; expected at least one Pauli term');
  let n = qubits;
  if (order === 'little-endian') {
    const first = terms.find((t) => typeof t.label === 'string' && t.label.trim() !== '');
    if (first) {
      n = (first.label as string).trim().length;
      qubitLimit(file, n, { line: first.line, field: `${first.field}.label` });
    }
  } else {
    let max = -1;
    for (const t of terms) {
      if (typeof t.label !== 'string') continue;
      for (const m of t.label.matchAll(/[A-Za-z](\d+)/g)) {
        const q = Number(m[1]);
        if (q >= MAX_QUBITS) qubitLimit(file, q + 1, { line: t.line, field: `${t.field}.label` });
        max = Math.max(max, q);
      }
    }
    if (n === undefined) n = Math.max(1, max + 1);
    qubitLimit(file, n, {});
  }
  const pairs: [string, CoefficientInput][] = [];
  for (const t of terms) {
    if (typeof t.label !== 'string') throw new InputFileError(file, `label ${JSON.stringify(t.label)}; expected a string of Pauli letters`, { line: t.line, field: `${t.field}.label` });
    let value: number;
    try {
      value = PauliSum.fromTerms([[t.label, t.coefficient as CoefficientInput]], { order, qubits: n }).terms[0].coefficient;
    } catch (e) {
      const which = /coefficient/.test((e as Error).message) ? 'coefficient' : 'label';
      throw new InputFileError(file, problemOf(e), { line: t.line, field: `${t.field}.${which}` });
    }
    pairs.push([t.label, (t.sign ?? 1) * value]);
  }
  return PauliSum.fromTerms(pairs, { order, qubits: n });
}

/** OpenFermion `QubitOperator` text: `coef [factors]` terms joined by + or −. */
function parseOpenFermion(text: string, file: string): PauliSum {
  const terms: Located[] = [];
  const re = /([^[\]]*)\[([^[\]]*)\]/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(text)) !== null) {
    const at = lineColumn(text, m.index + m[1].length);
    let coef = m[1].trim();
    // the joining operator: a leading '+' (OpenFermion ends lines with it) or a '-'
    let sign = 1;
    if (i > 0 || coef.startsWith('+') || coef.startsWith('-')) {
      const j = /^([+-])\s*/.exec(coef);
      if (!j && i > 0) throw new InputFileError(file, `'${coef}' before term ${i + 1}; expected + or − between terms`, { line: at.line, field: `terms[${i}].coefficient` });
      if (j) {
        sign = j[1] === '-' ? -1 : 1;
        coef = coef.slice(j[0].length);
      }
    }
    coef = coef.replace(/\s*\*\s*$/, '').trim();
    if (coef === '') coef = '1';
    terms.push({ label: m[2].trim().replace(/\s+/g, ' '), coefficient: coef, sign, line: at.line, field: `terms[${i}]` });
    last = m.index + m[0].length;
    i++;
  }
  const rest = text.slice(last).trim();
  if (rest !== '' && rest !== '+') {
    const at = lineColumn(text, last + text.slice(last).indexOf(rest[0]));
    throw new InputFileError(file, `'${rest.slice(0, 40)}' after the last term; expected 'coefficient [factors]' terms such as '0.17 [Z0]'`, { line: at.line, field: `terms[${i}]` });
  }
  if (i === 0) throw new InputFileError(file, "no terms; expected OpenFermion QubitOperator text such as '-0.04 [] + 0.17 [Z0] + 0.045 [X0 X1 Y2 Y3]', or JSON");
  return build(file, terms, 'indexed', undefined);
}

// A small JSON reader that keeps where each value starts, so that a bad term is named by line.
interface JNode {
  value: unknown;
  offset: number;
  children?: JNode[] | Map<string, JNode>;
}

function readJSON(text: string, file: string): JNode {
  try {
    JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    throw new InputFileError(file, `not valid JSON (${(e as Error).message})`, m ? lineColumn(text, Number(m[1])) : {});
  }
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): JNode => {
    ws();
    const start = i;
    const ch = text[i];
    if (ch === '{') {
      i++;
      const map = new Map<string, JNode>();
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return { value: obj, offset: start, children: map };
      }
      for (;;) {
        ws();
        const k = value().value as string;
        ws();
        i++; // ':'
        const v = value();
        map.set(k, v);
        obj[k] = v.value;
        ws();
        if (text[i++] === '}') break;
      }
      return { value: obj, offset: start, children: map };
    }
    if (ch === '[') {
      i++;
      const list: JNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { value: [], offset: start, children: list };
      }
      for (;;) {
        list.push(value());
        ws();
        if (text[i++] === ']') break;
      }
      return { value: list.map((n) => n.value), offset: start, children: list };
    }
    if (ch === '"') {
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return { value: JSON.parse(text.slice(start, i)), offset: start };
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    i += m![0].length;
    return { value: JSON.parse(m![0]), offset: start };
  };
  return value();
}

const lineOf = (text: string, n: JNode | undefined) => (n ? lineColumn(text, n.offset).line : undefined);
const childList = (n: JNode | undefined) => (n && Array.isArray(n.children) ? n.children : undefined);
const childMap = (n: JNode | undefined) => (n && n.children instanceof Map ? n.children : undefined);

function parseJSONHamiltonian(text: string, file: string): { h: PauliSum; format: HamiltonianFormat } {
  const root = readJSON(text, file);
  const list = childList(root);
  const map = childMap(root);
  // Qiskit: [["IIZZ", 0.17], ...]
  if (list && list.length > 0 && list.every((n) => Array.isArray(n.value))) {
    const terms = list.map((n, i): Located => {
      const pair = n.value as unknown[];
      if (pair.length !== 2) throw new InputFileError(file, `${pair.length} entries; expected a [label, coefficient] pair`, { line: lineOf(text, n), field: `[${i}]` });
      return { label: pair[0], coefficient: pair[1], line: lineOf(text, n)!, field: `[${i}]` };
    });
    return { h: build(file, terms, 'little-endian', undefined), format: 'qiskit' };
  }
  // Qiskit: {"labels": [...], "coeffs": [...]}
  if (map && (map.has('labels') || map.has('coeffs'))) {
    const labels = childList(map.get('labels'));
    const coeffs = childList(map.get('coeffs'));
    if (!labels) throw new InputFileError(file, "expected 'labels', a list of Qiskit Pauli labels such as \"IIZZ\"", { line: lineOf(text, map.get('labels') ?? root), field: 'labels' });
    if (!coeffs) throw new InputFileError(file, "expected 'coeffs', a list of coefficients, one per label", { line: lineOf(text, map.get('coeffs') ?? root), field: 'coeffs' });
    if (labels.length !== coeffs.length) throw new InputFileError(file, `${coeffs.length} coefficients for ${labels.length} labels; expected one per label`, { line: lineOf(text, map.get('coeffs')), field: 'coeffs' });
    const terms = labels.map((n, i): Located => ({ label: n.value, coefficient: coeffs[i].value, line: lineOf(text, n)!, field: `labels[${i}]` }));
    // name the coefficient by its own line
    for (let i = 0; i < terms.length; i++) {
      try {
        PauliSum.fromTerms([['', coeffs[i].value as CoefficientInput]], { order: 'indexed', qubits: 1 });
      } catch (e) {
        throw new InputFileError(file, problemOf(e), { line: lineOf(text, coeffs[i]), field: `coeffs[${i}]` });
      }
    }
    return { h: build(file, terms, 'little-endian', undefined), format: 'qiskit' };
  }
  // plain JSON of terms: {"qubits": n, "terms": [...]} or [...]
  const termsNode = list ? root : map?.get('terms');
  const termList = childList(termsNode);
  if (!termList) {
    throw new InputFileError(file, "expected Qiskit [[label, coeff], ...] or {labels, coeffs}, or {\"qubits\": n, \"terms\": [{\"pauli\": \"X0 Z1\", \"coefficient\": 0.5}, ...]}", { line: lineOf(text, termsNode ?? root), field: 'terms' });
  }
  let qubits: number | undefined;
  const qn = map?.get('qubits');
  if (qn !== undefined) {
    if (typeof qn.value !== 'number' || !Number.isInteger(qn.value) || qn.value < 1) throw new InputFileError(file, `${JSON.stringify(qn.value)}; expected a whole number of qubits ≥ 1`, { line: lineOf(text, qn), field: 'qubits' });
    qubits = qn.value;
    qubitLimit(file, qubits, { line: lineOf(text, qn), field: 'qubits' });
  }
  const prefix = list ? '' : 'terms';
  const terms = termList.map((n, i): Located => {
    const fields = childMap(n);
    const field = `${prefix}[${i}]`;
    if (!fields) throw new InputFileError(file, `${JSON.stringify(n.value)}; expected a term {"pauli": "X0 Z1", "coefficient": 0.5}`, { line: lineOf(text, n), field });
    for (const k of ['pauli', 'coefficient']) if (!fields.has(k)) throw new InputFileError(file, `missing '${k}'; expected a term {"pauli": "X0 Z1", "coefficient": 0.5}`, { line: lineOf(text, n), field: `${field}.${k}` });
    const pauli = fields.get('pauli')!;
    return { label: pauli.value, coefficient: fields.get('coefficient')!.value, line: lineOf(text, pauli)!, field };
  });
  const h = build(file, terms, 'indexed', qubits);
  return { h, format: 'json' };
}

/** Parse a Hamiltonian file's text (format recognised from the content). */
export function parseHamiltonian(text: string, file = '(inline)'): { data: HamiltonianData; hamiltonian: PauliSum; format: HamiltonianFormat } {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new InputFileError(file, 'empty file; expected OpenFermion QubitOperator text or JSON (Qiskit labels and coefficients, or Pauli terms)');
  const { h, format } = /^\s*[[{]/.test(body) && !/^\s*\[[^\]"]*\]/.test(body) ? parseJSONHamiltonian(body, file) : { h: parseOpenFermion(body, file), format: 'openfermion' as const };
  const label = file === '(inline)' ? undefined : file.split(/[\\/]/).pop();
  return { data: hamiltonianToData(h, label), hamiltonian: h, format };
}

/** Read and parse a Hamiltonian file (Node only; loads `node:fs` on first use, so browsers can import the package). */
export async function readHamiltonianFile(path: string): Promise<{ data: HamiltonianData; hamiltonian: PauliSum; format: HamiltonianFormat }> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputFileError(path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseHamiltonian(text, path);
}
