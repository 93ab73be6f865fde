/**
 * Where the GitHub token and endpoint come from: GH_TOKEN, then GITHUB_TOKEN, then `gh auth token`
 * when gh is installed; GITHUB_GRAPHQL_URL or https://api.github.com/graphql.
 */
import { execFile } from "node:child_process";
import { UsageError } from "../../errors.js";
import type { Env } from "../../io/streams.js";
import { refuseUnencrypted } from "../jira/jira.js";

export const DEFAULT_GRAPHQL_URL = "https://api.github.com/graphql";

export interface Token {
  value: string;
  /** Where it came from, for messages: "GH_TOKEN", "GITHUB_TOKEN" or "gh auth token". Never the value. */
  source: string;
}

/**
 * The GraphQL endpoint, checked: an http(s) URL, https unless the host is this machine (the token goes
 * out with every request). The value is echoed in a message only when it cannot hold a password.
 */
export function graphqlEndpoint(env: Env): URL {
  const raw = env.GITHUB_GRAPHQL_URL?.trim() || DEFAULT_GRAPHQL_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Unparsed, the user info cannot be told from the rest reliably: say nothing of a value with an @.
    const shown = raw.includes("@") ? " (not shown: it may hold a password)" : `: '${raw}'`;
    throw new UsageError(`GITHUB_GRAPHQL_URL is not a URL${shown}`, { hint: `Set it to ${DEFAULT_GRAPHQL_URL} or your server's https://HOST/api/graphql, or unset it.` });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`GITHUB_GRAPHQL_URL must be an http(s) URL, not '${url.protocol}'`, { hint: `Set it to ${DEFAULT_GRAPHQL_URL} or unset it.` });
  }
  refuseUnencrypted(url, "GITHUB_GRAPHQL_URL");
  return url;
}

/** The URL as shown in messages: no user name, password, query or fragment. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** The host name `gh auth token --hostname` knows the endpoint by; undefined for github.com. */
function ghHostname(endpoint: URL): string | undefined {
  return endpoint.hostname === "api.github.com" ? undefined : endpoint.host;
}

/** Ask gh for its token. Any failure (not installed, not logged in, slow) means "no token". */
export function tokenFromGh(env: Env, endpoint: URL, timeoutMs = 5_000): Promise<string | undefined> {
  const host = ghHostname(endpoint);
  const args = ["auth", "token", ...(host ? ["--hostname", host] : [])];
  return new Promise((resolve) => {
    try {
      execFile(
        "gh",
        args,
        { env: { ...env, GH_PROMPT_DISABLED: "1" } as NodeJS.ProcessEnv, timeout: timeoutMs, windowsHide: true, encoding: "utf8" },
        (error, stdout) => {
          const token = String(stdout ?? "").trim();
          resolve(!error && token !== "" && !/\s/.test(token) ? token : undefined);
        },
      );
    } catch {
      resolve(undefined);
    }
  });
}

export async function resolveToken(env: Env, endpoint: URL): Promise<Token> {
  for (const name of ["GH_TOKEN", "GITHUB_TOKEN"] as const) {
    const value = env[name]?.trim();
    if (value) return { value, source: name };
  }
  const fromGh = await tokenFromGh(env, endpoint);
  if (fromGh) return { value: fromGh, source: "gh auth token" };
  throw new UsageError("no GitHub token found", {
    hint: "Set GH_TOKEN (or GITHUB_TOKEN) to a token with the read:project and repo scopes, or log in with `gh auth login`.",
  });
}
