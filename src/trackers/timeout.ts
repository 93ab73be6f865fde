/** The per-request timeout shared by the Jira and GitHub clients: CLOUD_HTTP_TIMEOUT_MS, default 30 s. */
import { UsageError } from "../errors.js";
import type { Env } from "../io/streams.js";

export const DEFAULT_TIMEOUT_MS = 30_000;

export function requestTimeoutMs(env: Env): number {
  const text = env.CLOUD_HTTP_TIMEOUT_MS;
  if (text === undefined || text.trim() === "") return DEFAULT_TIMEOUT_MS;
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0) {
    throw new UsageError(`CLOUD_HTTP_TIMEOUT_MS must be a whole number of milliseconds, not '${text}'`);
  }
  return Number(text);
}
