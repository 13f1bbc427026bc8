/**
 * Parametrised circuits: a list of gates, some of whose angles are trainable parameters θ_k.
 * `run(θ, state)` prepares the initial basis state and applies every gate in place; it can shift
 * the angle of one gate occurrence, which is what the parameter-shift rule needs. The gate list is
 * compiled to typed arrays, so running allocates nothing.
 */
import { ParameterError, ParameterTypeError, assertFinite } from '@snrlab/core';
import { assertQubits } from './simulator/limits.js';
import * as gates from './simulator/gates.js';
import { StateVector, occupationIndex } from './simulator/state.js';

export const GATE_NAMES = ['X', 'Y', 'Z', 'H', 'S', 'T', 'RX', 'RY', 'RZ', 'CNOT', 'CZ', 'SWAP', 'SingleExcitation', 'DoubleExcitation'] as const;
export type GateName = (typeof GATE_NAMES)[number];

/**
 * How the derivative of a gate's angle is read from shifted circuits. Pauli rotations
 * exp(−iθP/2) have generator eigenvalues ±1/2: the two-term rule is exact. Givens
 * (SingleExcitation) and DoubleExcitation have generator eigenvalues {−1/2, 0, +1/2}: they need
 * the four-term rule (frequencies 1/2 and 1).
 */
export type ShiftRule = 'two-term' | 'four-term';

const OPCODE: Record<GateName, number> = {
  X: 0, Y: 1, Z: 2, H: 3, S: 4, T: 5, RX: 6, RY: 7, RZ: 8, CNOT: 9, CZ: 10, SWAP: 11, SingleExcitation: 12, DoubleExcitation: 13,
};
const ARITY: Record<GateName, number> = {
  X: 1, Y: 1, Z: 1, H: 1, S: 1, T: 1, RX: 1, RY: 1, RZ: 1, CNOT: 2, CZ: 2, SWAP: 2, SingleExcitation: 2, DoubleExcitation: 4,
};
const PARAMETRIC = new Set<GateName>(['RX', 'RY', 'RZ', 'SingleExcitation', 'DoubleExcitation']);

export function shiftRuleOf(gate: GateName): ShiftRule | null {
  if (gate === 'RX' || gate === 'RY' || gate === 'RZ') return 'two-term';
  if (gate === 'SingleExcitation' || gate === 'DoubleExcitation') return 'four-term';
  return null;
}

export interface Operation {
  readonly gate: GateName;
  readonly wires: readonly number[];
  /** Index of the trainable parameter, or −1 for a fixed angle. */
  readonly param: number;
  /** The fixed angle (ignored when param ≥ 0). */
  readonly angle: number;
}

/** A rotation angle: a fixed number, a reference to an existing parameter, or omitted for a new one. */
export type AngleInput = number | { param: number } | undefined;

export interface CircuitOptions {
  /** Initial basis state as an occupation per wire (PennyLane's |1100⟩ is [1, 1, 0, 0]); default all 0. */
  occupation?: readonly number[];
}

export class Circuit {
  readonly qubits: number;
  /** Basis index the circuit starts from. */
  readonly initialIndex: number;
  private readonly list: Operation[] = [];
  private nParams = 0;
  private compiled: { op: Uint8Array; w: Int32Array; param: Int32Array; angle: Float64Array } | null = null;

  constructor(qubits: number, opts: CircuitOptions = {}) {
    assertQubits('qubits', qubits);
    this.qubits = qubits;
    if (opts.occupation) {
      if (opts.occupation.length !== qubits) throw new ParameterError('occupation.length', opts.occupation.length, `${qubits}`);
      this.initialIndex = occupationIndex(opts.occupation);
    } else this.initialIndex = 0;
  }

  get operations(): readonly Operation[] {
    return this.list;
  }

  /** Number of trainable parameters d. */
  get numParams(): number {
    return this.nParams;
  }

  /** Append a gate; returns the parameter index it uses (−1 for fixed or non-parametric gates). */
  add(gate: GateName, wires: readonly number[], angle?: AngleInput): number {
    if (!GATE_NAMES.includes(gate)) throw new ParameterError('gate', gate, `one of ${GATE_NAMES.join(', ')}`);
    if (!Array.isArray(wires) || wires.length !== ARITY[gate]) {
      throw new ParameterError('wires', wires, `${ARITY[gate]} wire${ARITY[gate] > 1 ? 's' : ''} for ${gate}`);
    }
    for (let i = 0; i < wires.length; i++) {
      const w = wires[i];
      if (!Number.isInteger(w) || w < 0 || w >= this.qubits) throw new ParameterError(`wires[${i}]`, w, `an integer in [0, ${this.qubits - 1}]`);
      for (let j = 0; j < i; j++) if (wires[j] === w) throw new ParameterError('wires', [...wires], 'distinct wires');
    }
    let param = -1;
    let fixed = 0;
    if (PARAMETRIC.has(gate)) {
      if (angle === undefined) param = this.nParams++;
      else if (typeof angle === 'number') {
        assertFinite('angle', angle);
        fixed = angle;
      } else if (angle && typeof angle === 'object' && Number.isInteger(angle.param)) {
        if (angle.param < 0 || angle.param >= this.nParams) throw new ParameterError('angle.param', angle.param, `an existing parameter index in [0, ${this.nParams - 1}]`);
        param = angle.param;
      } else throw new ParameterTypeError('angle', angle, 'a number, { param: index } or nothing (a new parameter)');
    } else if (angle !== undefined) throw new ParameterError('angle', angle, `no angle: ${gate} has none`);
    this.list.push({ gate, wires: [...wires], param, angle: fixed });
    this.compiled = null;
    return param;
  }

  x(q: number): this { this.add('X', [q]); return this; }
  y(q: number): this { this.add('Y', [q]); return this; }
  z(q: number): this { this.add('Z', [q]); return this; }
  h(q: number): this { this.add('H', [q]); return this; }
  s(q: number): this { this.add('S', [q]); return this; }
  t(q: number): this { this.add('T', [q]); return this; }
  cnot(control: number, target: number): this { this.add('CNOT', [control, target]); return this; }
  cz(a: number, b: number): this { this.add('CZ', [a, b]); return this; }
  swap(a: number, b: number): this { this.add('SWAP', [a, b]); return this; }
  rx(q: number, angle?: AngleInput): this { this.add('RX', [q], angle); return this; }
  ry(q: number, angle?: AngleInput): this { this.add('RY', [q], angle); return this; }
  rz(q: number, angle?: AngleInput): this { this.add('RZ', [q], angle); return this; }
  singleExcitation(wires: readonly [number, number], angle?: AngleInput): this { this.add('SingleExcitation', wires, angle); return this; }
  doubleExcitation(wires: readonly [number, number, number, number], angle?: AngleInput): this { this.add('DoubleExcitation', wires, angle); return this; }

  /** Indices of the operations whose angle is trainable, in circuit order. */
  trainableOperations(): number[] {
    const out: number[] = [];
    this.list.forEach((o, i) => {
      if (o.param >= 0) out.push(i);
    });
    return out;
  }

  private compile() {
    const n = this.list.length;
    const op = new Uint8Array(n);
    const w = new Int32Array(4 * n);
    const param = new Int32Array(n);
    const angle = new Float64Array(n);
    this.list.forEach((o, i) => {
      op[i] = OPCODE[o.gate];
      for (let k = 0; k < o.wires.length; k++) w[4 * i + k] = o.wires[k];
      param[i] = o.param;
      angle[i] = o.angle;
    });
    this.compiled = { op, w, param, angle };
    return this.compiled;
  }

  /** Check a parameter vector's length and values. */
  checkParameters(theta: ArrayLike<number>, name = 'parameters'): void {
    if (!theta || typeof theta.length !== 'number') throw new ParameterTypeError(name, theta, `an array of ${this.nParams} angles`);
    if (theta.length !== this.nParams) throw new ParameterError(`${name}.length`, theta.length, `${this.nParams} (the circuit's parameter count)`);
    for (let i = 0; i < theta.length; i++) if (!Number.isFinite(theta[i])) throw new ParameterError(`${name}[${i}]`, theta[i], 'a finite angle in radians');
  }

  /**
   * Prepare the initial state in `state` and apply the circuit with parameters θ. If `shiftOp` ≥ 0,
   * that operation's angle is increased by `shiftAngle` (the parameter-shift rule shifts one
   * gate occurrence, not every use of a shared parameter). Allocates nothing.
   */
  run(theta: ArrayLike<number>, state: StateVector, shiftOp = -1, shiftAngle = 0): StateVector {
    if (state.qubits !== this.qubits) throw new ParameterError('state.qubits', state.qubits, `${this.qubits}`);
    if (theta.length !== this.nParams) throw new ParameterError('parameters.length', theta.length, `${this.nParams} (the circuit's parameter count)`);
    const c = this.compiled ?? this.compile();
    state.reset(this.initialIndex);
    const n = c.op.length;
    for (let i = 0; i < n; i++) {
      const k = 4 * i;
      const p = c.param[i];
      let a = p >= 0 ? theta[p] : c.angle[i];
      if (i === shiftOp) a += shiftAngle;
      switch (c.op[i]) {
        case 0: gates.x(state, c.w[k]); break;
        case 1: gates.y(state, c.w[k]); break;
        case 2: gates.z(state, c.w[k]); break;
        case 3: gates.h(state, c.w[k]); break;
        case 4: gates.sGate(state, c.w[k]); break;
        case 5: gates.tGate(state, c.w[k]); break;
        case 6: gates.rx(state, c.w[k], a); break;
        case 7: gates.ry(state, c.w[k], a); break;
        case 8: gates.rz(state, c.w[k], a); break;
        case 9: gates.cnot(state, c.w[k], c.w[k + 1]); break;
        case 10: gates.cz(state, c.w[k], c.w[k + 1]); break;
        case 11: gates.swap(state, c.w[k], c.w[k + 1]); break;
        case 12: gates.singleExcitation(state, c.w[k], c.w[k + 1], a); break;
        case 13: gates.doubleExcitation(state, c.w[k], c.w[k + 1], c.w[k + 2], c.w[k + 3], a); break;
      }
    }
    return state;
  }

  /** A fresh state holding the circuit's output at θ. */
  state(theta: ArrayLike<number>): StateVector {
    this.checkParameters(theta);
    return this.run(theta, new StateVector(this.qubits));
  }
}
