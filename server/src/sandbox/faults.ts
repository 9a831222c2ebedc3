import type { Fault } from './types';

/** Injected faults, matched per API call in the order they were added. */

export type TerminalFault = Exclude<Fault, { kind: 'latency' }>;

export interface FaultPlan {
  latencyMs: number;
  terminal?: TerminalFault;
}

export interface FaultRegistry {
  add(fault: Fault): string;
  remove(id: string): boolean;
  clear(): void;
  /** Consumes one use of every matching latency fault and of the first other matching fault. */
  plan(api: string): FaultPlan;
}

export function createFaultRegistry(): FaultRegistry {
  const active = new Map<string, { fault: Fault; left: number; skip: number }>();
  let nextId = 1;

  return {
    add(fault) {
      const id = String(nextId++);
      active.set(id, {
        fault,
        left: fault.times ?? Number.POSITIVE_INFINITY,
        skip: fault.after ?? 0,
      });
      return id;
    },
    remove(id) {
      return active.delete(id);
    },
    clear() {
      active.clear();
    },
    plan(api) {
      const plan: FaultPlan = { latencyMs: 0 };
      if (active.size === 0) return plan;
      for (const [id, entry] of active) {
        const { fault } = entry;
        if (fault.api !== undefined && fault.api !== api) continue;
        if (entry.skip > 0) {
          entry.skip -= 1;
          continue;
        }
        if (fault.kind !== 'latency' && plan.terminal) continue;
        if (fault.kind === 'latency') plan.latencyMs += fault.ms;
        else plan.terminal = fault;
        entry.left -= 1;
        if (entry.left <= 0) active.delete(id);
      }
      return plan;
    },
  };
}
