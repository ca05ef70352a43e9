/**
 * The worker's calculator: calculator.ts in a worker thread with a time and a memory limit, so that no expression can
 * stall or crash the worker's main thread, where every conversation's activities run. An expression that passes a
 * limit is refused like any other bad input (a CalculatorInputError the model reads), and the thread is replaced.
 */
import type { CalculatorAnswer } from './calculator-thread';
import { CalculatorInputError, type CalculationResult } from './calculator-result';
import { LimitedThread, ThreadLimitError, type ThreadLimits } from './limited-thread';

/**
 * A calculation takes microseconds; a second is far past any the bounds allow. The heap has room for the thread's
 * own code (tsx and mathjs, about 45 MB) and the largest matrices allowed, and not much more.
 */
export const calculatorThreadLimits: ThreadLimits = {
  timeoutMs: 1000,
  maxOldGenerationSizeMb: 128,
  maxYoungGenerationSizeMb: 32,
  stackSizeMb: 4,
  maxQueued: 64,
};

export interface Calculator {
  calculate(expression: string): Promise<CalculationResult>;
}

export class IsolatedCalculator implements Calculator {
  private readonly thread: LimitedThread<string, CalculatorAnswer>;

  /** `handler`: the thread's module, calculator-thread.ts unless a test gives one that misbehaves on purpose. */
  constructor(
    limits: ThreadLimits = calculatorThreadLimits,
    handler = new URL('./calculator-thread.ts', import.meta.url),
  ) {
    this.thread = new LimitedThread(handler, limits);
  }

  /** Starts the thread ahead of the first calculation. */
  start(): void {
    this.thread.start();
  }

  close(): Promise<void> {
    return this.thread.close();
  }

  /** The result, or a CalculatorInputError saying why not; a busy or unavailable thread is an ordinary error (retried). */
  async calculate(expression: string): Promise<CalculationResult> {
    let answer: CalculatorAnswer;
    try {
      answer = await this.thread.run(expression);
    } catch (err) {
      const shown = expression.trim().slice(0, 200);
      if (err instanceof ThreadLimitError && (err.limit === 'time' || err.limit === 'memory')) {
        throw new CalculatorInputError(
          `too large to compute: "${shown}" ${err.message}, the calculator's ${err.limit} limit`,
        );
      }
      // Whatever ended the thread, the expression did it: trying again would only do it again.
      if (err instanceof ThreadLimitError && err.limit === 'died') {
        throw new CalculatorInputError(`cannot calculate "${shown}": ${err.message}`);
      }
      throw err;
    }
    if ('refusal' in answer) throw new CalculatorInputError(answer.refusal);
    return answer.result;
  }
}
