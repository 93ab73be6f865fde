/** `cloud branch <KEY>` (implemented with the Jira issue). */
import type { Command } from "commander";
import { examples, type App } from "../app.js";

export function register(program: Command, _app: App): void {
  examples(program.command("branch").description("create and switch to a branch named after a Jira issue").argument("[key]", "Jira issue key"), [
    "cloud branch CLOUD-42",
  ]);
}
