/**
 * The one way a tracker sends a request: each attempt under a timeout and the caller's signal, bounded
 * retries (trackers/retry.ts), and every failure read once by the tracker's own `classify` into its
 * failure type, then either retried (`decide`) or turned into the error the user sees (`explain`).
 * Ctrl-C (the caller's signal) is an InterruptedError, whether it comes during an attempt or a wait.
 */
import { CliError, InterruptedError } from "../errors.js";
import { withRetry, type RetryDecision, type RetryPolicy } from "./retry.js";

/** The attempt's own timer fired: the same for every tracker. */
export const TIMED_OUT = { kind: "timeout" } as const;
export type TimedOut = typeof TIMED_OUT;

export interface RequestSpec<F, T> {
  /** One attempt. `signal` fires when the attempt's time is up or the caller aborts. */
  attempt(signal: AbortSignal, n: number): Promise<T>;
  /** What the library threw, in the tracker's terms. */
  classify(error: unknown): F;
  decide(failure: F): RetryDecision;
  /** The error to throw after the last attempt. */
  explain(failure: F | TimedOut, attempts: number, cause: unknown): CliError;
  /** Told before each wait: the failure, the wait, the next attempt and the most attempts. */
  onWait?: ((failure: F, delayMs: number, next: number, of: number) => void) | undefined;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Per attempt. */
  timeoutMs: number;
  policy: RetryPolicy;
  /** Injectable for tests of the waits. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

/** A failed attempt, classified; the library's error is its cause (kept for --debug, never printed raw). */
class Failed<F> extends Error {
  constructor(
    readonly failure: F | TimedOut,
    cause: unknown,
  ) {
    super("attempt failed", { cause });
  }
}

export async function send<F, T>(spec: RequestSpec<F, T>, options: RequestOptions): Promise<T> {
  const { signal } = options;
  const once = async (n: number): Promise<T> => {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), options.timeoutMs);
    try {
      return await spec.attempt(signal ? AbortSignal.any([signal, timer.signal]) : timer.signal, n);
    } catch (error) {
      if (signal?.aborted) throw new InterruptedError();
      if (error instanceof CliError) throw error;
      throw new Failed(timer.signal.aborted ? TIMED_OUT : spec.classify(error), error);
    } finally {
      clearTimeout(timeout);
    }
  };
  try {
    return await withRetry(once, {
      policy: options.policy,
      ...(signal ? { signal } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      decide: (error) => (error instanceof Failed && error.failure !== TIMED_OUT ? spec.decide(error.failure as F) : { retry: false }),
      giveUp: (error, attempts) => (error instanceof Failed ? spec.explain(error.failure, attempts, error.cause) : error),
      onRetry: ({ attempt, delayMs, error }) => {
        if (error instanceof Failed && error.failure !== TIMED_OUT) spec.onWait?.(error.failure as F, delayMs, attempt + 1, options.policy.attempts);
      },
    });
  } catch (error) {
    // Ctrl-C while waiting between attempts rejects with the signal's reason.
    if (signal?.aborted && !(error instanceof CliError)) throw new InterruptedError();
    throw error;
  }
}
