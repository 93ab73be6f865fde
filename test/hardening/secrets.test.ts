/**
 * Secrets never appear in any output, debug included (shared/cli-contract.md). Every command runs, on
 * its happy path and on the ways it fails, with recognisable credentials in the environment and with
 * debug on (once as `--debug`, once as CLOUD_DEBUG=1); neither stdout nor stderr may contain any of
 * them, nor the base64 `email:token` that basic auth sends, nor a secret that is only in a file or URL.
 *
 * So that a pass means something, each run that reaches a server checks that the server received the
 * credentials (Jira: requests authorized as exactly these; GitHub: the Authorization header carries the
 * token), and every failing run checks that debug output (the stack and causes) was printed too.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { GitHubServer } from "../helpers/github-server.js";
import { loopbackJira, type FaultRule, type JiraServer, type JiraServerOptions } from "../helpers/jira-server.js";
import { scriptedPrompter, type ScriptedPrompter } from "../helpers/prompter.js";
import { baseEnv, cli } from "../helpers/run-cli.js";
import { tempDir, tempRepo } from "../helpers/tmp.js";
import { BULK, closedPortUrl, gateProject, READY_JIRA_ISSUES, startGitHub, startHangingServer } from "./remotes.js";


const SECRETS = {
  GH_TOKEN: "ghp_SECRETsecret1234567890",
  GITHUB_TOKEN: "ghs_SECRETgithubtoken0987654321",
  JIRA_EMAIL: "secret.person@example.com",
  JIRA_API_TOKEN: "ATATT3xSECRETjiratoken1234567890",
} as const;
/** What basic auth puts in the Authorization header. */
const BASIC = Buffer.from(`${SECRETS.JIRA_EMAIL}:${SECRETS.JIRA_API_TOKEN}`).toString("base64");
/** A token written into a config file, and in no environment variable (so no redaction by value can hide it). */
const FILE_SECRET = "ghp_FILEonlySECRET5555555555";
/** A password inside GITHUB_GRAPHQL_URL. */
const URL_PASSWORD = "urlpassSECRET31337";

const NEVER_SHOWN = [...Object.values(SECRETS), BASIC, FILE_SECRET, URL_PASSWORD];

/**
 * The secrets found in `text`; also src/cli.ts's placeholders for them (`<GH_TOKEN>`): redacting an
 * error message is the last line of defence, and a placeholder means a message was built with a secret.
 */
function leaks(text: string): string[] {
  const placeholders = Object.keys(SECRETS).filter((name) => text.includes(`<${name}>`)).map((name) => `<${name}>`);
  return [...NEVER_SHOWN.filter((secret) => text.includes(secret)), ...placeholders];
}

const JIRA_CREDENTIALS: JiraServerOptions["credentials"] = { email: SECRETS.JIRA_EMAIL, apiToken: SECRETS.JIRA_API_TOKEN };
const startJira = loopbackJira();

/** What one scenario runs, and what it checks about the servers afterwards. */
interface Run {
  argv: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  /** On a terminal, answering prompts from this script. */
  terminal?: ScriptedPrompter;
  /** The control: the server saw the credentials (or, for --title, was not asked). */
  control?: () => void;
}

interface Scenario {
  name: string;
  code: number;
  prepare(): Promise<Run>;
}

function jiraServer(options: { faults?: FaultRule[]; credentials?: JiraServerOptions["credentials"] } = {}): Promise<JiraServer> {
  return startJira({ issues: READY_JIRA_ISSUES, credentials: options.credentials ?? JIRA_CREDENTIALS, faults: options.faults ?? [] });
}

function githubServer(tokens: string[] = [SECRETS.GH_TOKEN, SECRETS.GITHUB_TOKEN]): Promise<GitHubServer> {
  return startGitHub({ tokens });
}

/** Every request Jira saw carried exactly our email and token. */
function jiraSawCredentials(jira: JiraServer): () => void {
  return () => {
    expect(jira.requests.length).toBeGreaterThan(0);
    expect(jira.requests.every((r) => r.authorized)).toBe(true);
  };
}

/** Every request GitHub saw carried this token. */
function githubSawToken(gh: GitHubServer, token: string = SECRETS.GH_TOKEN): () => void {
  return () => {
    expect(gh.requests.length).toBeGreaterThan(0);
    expect(gh.requests.every((r) => r.authorization === `bearer ${token}`)).toBe(true);
  };
}

const both = (...checks: (() => void)[]) => () => checks.forEach((check) => check());

/** A folder with this cloud.config.yaml and a git repository, for config errors. */
function withConfig(text: string): string {
  const dir = tempRepo();
  writeFileSync(path.join(dir, "cloud.config.yaml"), text);
  mkdirSync(path.join(dir, "docs/projects"), { recursive: true });
  return dir;
}

function withPassword(endpoint: string): string {
  const url = new URL(endpoint);
  url.username = "x-access-token";
  url.password = URL_PASSWORD;
  return url.href;
}

const REPORT = ["milestone", "report", "--owner", "acme", "--project", "7"];

const scenarios: Scenario[] = [
  // ---- every command, working
  {
    name: "project init",
    code: 0,
    prepare: async () => ({ argv: ["project", "init", "Rotate the signing keys", "--dri", "@alice", "--yes"], cwd: tempDir() }),
  },
  {
    name: "dor check (linked Jira and GitHub issues)",
    code: 0,
    async prepare() {
      const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
      return { argv: ["dor", "check"], cwd: gateProject(), env: { ...jira.env, ...gh.env() }, control: both(jiraSawCredentials(jira), githubSawToken(gh)) };
    },
  },
  {
    name: "dod check --json (linked issues not done)",
    code: 1,
    async prepare() {
      const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
      return { argv: ["dod", "check", "--json"], cwd: gateProject(), env: { ...jira.env, ...gh.env() }, control: both(jiraSawCredentials(jira), githubSawToken(gh)) };
    },
  },
  {
    name: "branch KEY",
    code: 0,
    async prepare() {
      const jira = await jiraServer();
      return { argv: ["branch", "CLOUD-42"], cwd: tempRepo(), env: jira.env, control: jiraSawCredentials(jira) };
    },
  },
  {
    name: "branch KEY --title (Jira not asked)",
    code: 0,
    async prepare() {
      const jira = await jiraServer();
      return { argv: ["branch", "CLOUD-42", "--title", "Rotate keys"], cwd: tempRepo(), env: jira.env, control: () => expect(jira.requests).toEqual([]) };
    },
  },
  {
    name: "branch with no key, picking one of my issues on a terminal",
    code: 0,
    async prepare() {
      const jira = await jiraServer();
      const terminal = scriptedPrompter([{ select: 0 }]);
      return {
        argv: ["branch"],
        cwd: tempRepo(),
        env: jira.env,
        terminal,
        control: both(jiraSawCredentials(jira), () => expect(terminal.asked).toEqual(["Branch for which issue?"])),
      };
    },
  },
  {
    name: "branch KEY with a Data Center bearer token",
    code: 0,
    async prepare() {
      const jira = await jiraServer({ credentials: { bearer: SECRETS.JIRA_API_TOKEN } });
      return { argv: ["branch", "CLOUD-42"], cwd: tempRepo(), env: { ...jira.env, JIRA_AUTH_TYPE: "bearer" }, control: jiraSawCredentials(jira) };
    },
  },
  {
    name: "milestone report",
    code: 0,
    async prepare() {
      const gh = await githubServer();
      return { argv: REPORT, cwd: tempDir(), env: gh.env(), control: githubSawToken(gh) };
    },
  },
  {
    name: "milestone report with GITHUB_TOKEN alone",
    code: 0,
    async prepare() {
      const gh = await githubServer();
      return { argv: [...REPORT, "--json"], cwd: tempDir(), env: { GITHUB_GRAPHQL_URL: gh.url, GH_TOKEN: undefined }, control: githubSawToken(gh, SECRETS.GITHUB_TOKEN) };
    },
  },

  // ---- the ways they fail
  {
    name: "Jira rejects the token (401)",
    code: 3,
    async prepare() {
      const jira = await jiraServer({ credentials: { email: SECRETS.JIRA_EMAIL, apiToken: "the-token-jira-expects" } });
      return {
        argv: ["branch", "CLOUD-42"],
        cwd: tempRepo(),
        env: { ...jira.env, JIRA_API_TOKEN: SECRETS.JIRA_API_TOKEN },
        // serverInfo refused the credentials, then asked without any to name the deployment in the error.
        control: () => expect(jira.requests.map((r) => [r.path, r.authorized, r.status])).toEqual([
          ["/rest/api/2/serverInfo", false, 401],
          ["/rest/api/2/serverInfo", false, 200],
        ]),
      };
    },
  },
  {
    name: "GitHub rejects the token (401)",
    code: 3,
    async prepare() {
      const gh = await githubServer(["a-token-github-expects"]);
      return { argv: REPORT, cwd: tempDir(), env: { GITHUB_GRAPHQL_URL: gh.url }, control: githubSawToken(gh) };
    },
  },
  {
    name: "Jira 403",
    code: 3,
    async prepare() {
      const [jira, gh] = await Promise.all([jiraServer({ faults: [{ path: BULK, status: 403 }] }), githubServer()]);
      return { argv: ["dor", "check"], cwd: gateProject(), env: { ...jira.env, ...gh.env() }, control: jiraSawCredentials(jira) };
    },
  },
  {
    name: "GitHub 403",
    code: 3,
    async prepare() {
      const [jira, gh] = await Promise.all([jiraServer(), githubServer()]);
      gh.failNext({ status: 403, body: "Resource not accessible by personal access token" });
      return { argv: ["dod", "check"], cwd: gateProject(), env: { ...jira.env, ...gh.env() }, control: githubSawToken(gh) };
    },
  },
  {
    name: "Jira 503 until the retries give up (notices on stderr)",
    code: 3,
    async prepare() {
      const jira = await jiraServer({ faults: [{ status: 503, retryAfter: "0", times: 4 }] });
      return { argv: ["branch", "CLOUD-42"], cwd: tempRepo(), env: jira.env, control: jiraSawCredentials(jira) };
    },
  },
  {
    name: "GitHub 500 (not retried)",
    code: 3,
    async prepare() {
      const gh = await githubServer();
      gh.failNext({ status: 500 });
      return { argv: REPORT, cwd: tempDir(), env: gh.env(), control: githubSawToken(gh) };
    },
  },
  {
    name: "GitHub secondary rate limit, then 502 until the retries give up (warnings on stderr)",
    code: 3,
    async prepare() {
      const gh = await githubServer();
      gh.failNext({ secondaryRateLimit: { retryAfter: 0 } }, { status: 502 }, { status: 502 }, { status: 502 });
      return { argv: REPORT, cwd: tempDir(), env: gh.env(), control: githubSawToken(gh) };
    },
  },
  {
    name: "Jira never answers (timeout)",
    code: 3,
    async prepare() {
      const jira = await jiraServer({ faults: [{ hang: true }] });
      return { argv: ["branch", "CLOUD-42"], cwd: tempRepo(), env: { ...jira.env, CLOUD_HTTP_TIMEOUT_MS: "300" }, control: jiraSawCredentials(jira) };
    },
  },
  {
    name: "GitHub never answers (timeout)",
    code: 3,
    async prepare() {
      const hanging = await startHangingServer("/graphql");
      return { argv: REPORT, cwd: tempDir(), env: { GITHUB_GRAPHQL_URL: hanging.url, CLOUD_HTTP_TIMEOUT_MS: "300" }, control: () => expect(hanging.requests()).toBe(1) };
    },
  },
  {
    name: "nothing listening for Jira or GitHub (connection refused)",
    code: 3,
    async prepare() {
      return { argv: ["dor", "check"], cwd: gateProject(), env: { JIRA_HOST: await closedPortUrl(), GITHUB_GRAPHQL_URL: await closedPortUrl("/graphql") } };
    },
  },
  {
    name: "unknown GitHub project",
    code: 3,
    async prepare() {
      const gh = await githubServer();
      return { argv: ["milestone", "report", "--owner", "acme", "--project", "99"], cwd: tempDir(), env: gh.env(), control: githubSawToken(gh) };
    },
  },
  {
    name: "unknown Jira issue",
    code: 3,
    async prepare() {
      const jira = await jiraServer();
      return { argv: ["branch", "CLOUD-404"], cwd: tempRepo(), env: jira.env, control: jiraSawCredentials(jira) };
    },
  },
  {
    name: "malformed config, the token on the broken line",
    code: 2,
    async prepare() {
      const jira = await jiraServer();
      return { argv: ["branch", "CLOUD-42"], cwd: withConfig(`jira:\n  host: "https://jira.example.com\n  project: [CLOUD, ${SECRETS.JIRA_API_TOKEN}\n`), env: jira.env };
    },
  },
  {
    name: "config with a token-looking key holding the GH_TOKEN",
    code: 2,
    async prepare() {
      const gh = await githubServer();
      return { argv: REPORT, cwd: withConfig(`github:\n  owner: acme\n  token: ${SECRETS.GH_TOKEN}\n`), env: gh.env(), control: () => expect(gh.requests).toEqual([]) };
    },
  },
  {
    name: "config with a token-looking key holding a token found nowhere else",
    code: 2,
    async prepare() {
      const jira = await jiraServer();
      return { argv: ["dor", "check"], cwd: withConfig(`jira:\n  project: CLOUD\n  apiToken: "${FILE_SECRET}"\n`), env: jira.env, control: () => expect(jira.requests).toEqual([]) };
    },
  },
  {
    name: "config with a wrong type whose value is a token",
    code: 2,
    async prepare() {
      return { argv: ["dor", "check"], cwd: withConfig(`jira:\n  project: [${FILE_SECRET}]\n`) };
    },
  },
  {
    // The client takes the origin and path only, so the user info is neither sent nor shown.
    name: "GITHUB_GRAPHQL_URL with a password in it",
    code: 0,
    async prepare() {
      const gh = await githubServer();
      return { argv: REPORT, cwd: tempDir(), env: { GITHUB_GRAPHQL_URL: withPassword(gh.url) }, control: githubSawToken(gh) };
    },
  },
  {
    name: "GITHUB_GRAPHQL_URL with a password in it, nothing listening",
    code: 3,
    async prepare() {
      return { argv: REPORT, cwd: tempDir(), env: { GITHUB_GRAPHQL_URL: withPassword(await closedPortUrl("/graphql")) } };
    },
  },
];

const DEBUG_MODES = [
  { mode: "--debug", argv: ["--debug"], env: {} },
  { mode: "CLOUD_DEBUG=1", argv: [], env: { CLOUD_DEBUG: "1" } },
] as const;

describe("secrets never appear in output, debug included", () => {
  it("the check finds a secret when there is one", () => {
    expect(leaks(`error: bad credentials ${SECRETS.GH_TOKEN}`)).toEqual([SECRETS.GH_TOKEN]);
    expect(leaks(`Authorization: Basic ${BASIC}`)).toEqual([BASIC]);
    expect(leaks("error: the token <JIRA_API_TOKEN> was refused")).toEqual(["<JIRA_API_TOKEN>"]);
    expect(leaks("error: GitHub rejected the token from GH_TOKEN")).toEqual([]);
  });

  const cases = scenarios.flatMap((scenario) => DEBUG_MODES.map((debug) => [`${scenario.name} (${debug.mode})`, scenario, debug] as const));

  it.each(cases)("%s", async (_name, scenario, debug) => {
    const run = await scenario.prepare();
    const env = baseEnv({ ...SECRETS, ...run.env, ...debug.env });
    const result = await cli([...run.argv, ...debug.argv], { cwd: run.cwd, env, ...(run.terminal ? { tty: true, prompter: run.terminal } : {}) });
    const context = `exit ${result.code}\nstdout: ${result.stdout.slice(0, 600)}\nstderr: ${result.stderr.slice(0, 3000)}`;

    expect(leaks(result.stdout), context).toEqual([]);
    expect(leaks(result.stderr), context).toEqual([]);
    expect(result.code, context).toBe(scenario.code);

    // The controls: the credentials were really there to leak. The command got them (a scenario may
    // only unset one), and the server it asked received them.
    expect(env).toMatchObject({ ...SECRETS, ...run.env });
    run.control?.();
    // A failure printed its debug details (stack, causes), which were searched as well.
    if (scenario.code >= 2) {
      expect(result.stderr, context).toMatch(/^error: /m);
      expect(result.stderr, context).toMatch(/\n\s+at /);
    }
  });
});
