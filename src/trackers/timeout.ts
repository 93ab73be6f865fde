/** The per-request timeout shared by the Jira and GitHub clients: CLOUD_HTTP_TIMEOUT_MS, default 30 s. */
import { UsageError } from "../errors.js";
import type { Env } from "../io/streams.js";

export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * The longest delay setTimeout keeps (2^31 − 1 ms, about 24.8 days): a longer one fires at once, which
 * would make every request time out immediately. Refused rather than clamped, so the value in effect is
 * always the one that was set.
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

export function requestTimeoutMs(env: Env): number {
  const text = env.CLOUD_HTTP_TIMEOUT_MS;
  if (text === undefined || text.trim() === "") return DEFAULT_TIMEOUT_MS;
  const digits = text.trim();
  if (!/^\d+$/.test(digits) || Number(digits) <= 0) {
    throw new UsageError(`CLOUD_HTTP_TIMEOUT_MS must be a whole number of milliseconds, not '${text}'`);
  }
  const value = Number(digits);
  if (value > MAX_TIMEOUT_MS) {
    throw new UsageError(`CLOUD_HTTP_TIMEOUT_MS must be at most ${MAX_TIMEOUT_MS} milliseconds (about 24.8 days), not '${digits.length > 24 ? `${digits.slice(0, 20)}…` : digits}'`, {
      hint: "Set it to the number of milliseconds to wait for each request, such as 30000, or unset it.",
    });
  }
  return value;
}
