/** How much load a run puts on the system, and how long it may take: the full run and `--quick`. */

export interface Plan {
  sessions: number;
  callsPerSession: number;
  financeCalls: number;
  financeConcurrency: number;
  conversations: number;
  turns: number;
  /** The whole run, start-up included, is stopped (and fails) after this long. */
  maxMinutes: number;
}

export const FULL: Plan = {
  sessions: 200,
  callsPerSession: 50,
  financeCalls: 500,
  financeConcurrency: 64,
  conversations: 20,
  turns: 10,
  maxMinutes: 12,
};

export const QUICK: Plan = {
  sessions: 40,
  callsPerSession: 20,
  financeCalls: 120,
  financeConcurrency: 32,
  conversations: 5,
  turns: 10,
  maxMinutes: 6,
};
