import type { Command } from "commander";
import type { App } from "../app.js";

export function register(program: Command, _app: App, gate: "dor" | "dod"): void {
  program.command(gate).command("check");
}
