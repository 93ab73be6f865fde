/**
 * Bounded retries shared by the Jira and GitHub clients: exponential backoff with jitter,
 * `Retry-After` honoured, a cap on attempts and on total time.
 */

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Give up rather than wait past this many milliseconds since the first attempt. */
  maxTotalMs: number;
  /** First backoff delay; doubled each retry. */
  baseDelayMs: number;
  /** Longest single wait. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, maxTotalMs: 30_000, baseDelayMs: 500, maxDelayMs: 10_000 };

/** What to do with a failed attempt. */
export type RetryDecision = { retry: false } | { retry: true; afterMs?: number };

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  decide(error: unknown): RetryDecision;
  signal?: AbortSignal;
  /**
   * What to throw when giving up on a failed attempt, knowing how many attempts were made: a client
   * turns the library's error into one of ours here. The error itself when absent.
   */
  giveUp?: (error: unknown, attempts: number) => unknown;
  /** Called before each wait, e.g. to say on stderr that we are waiting. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Injectable for tests of the policy itself. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Parse a Retry-After header: delta-seconds or an HTTP date. Returns milliseconds, or undefined.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const giveUp = options.giveUp ?? ((error: unknown) => error);
  const started = now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = options.decide(error);
      if (!decision.retry || n >= policy.attempts) throw giveUp(error, n);
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      const delayMs = Math.round(decision.afterMs ?? jittered);
      if (delayMs > policy.maxDelayMs || now() - started + delayMs > policy.maxTotalMs) throw giveUp(error, n);
      options.onRetry?.({ attempt: n, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}
