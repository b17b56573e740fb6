/**
 * README's configuration table and `.env.example`, rendered from the settings declared in
 * config.ts (their descriptions and defaults), so the documentation has one source.
 * `npm run docs:config` rewrites both; config.test.ts fails while either is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configDefaults, SETTING_GROUPS, settingsSchema, type SettingName } from "./config.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const README_PATH = `${ROOT}README.md`;
export const ENV_EXAMPLE_PATH = `${ROOT}.env.example`;
export const TABLE_START = "<!-- settings: rendered from server/src/config.ts by `npm run docs:config` -->";
export const TABLE_END = "<!-- /settings -->";

/** A setting's default as it would be written in the environment; undefined when unset by default. */
export function defaultAsEnv(name: SettingName): string | undefined {
  const v: unknown = configDefaults()[name];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function describeSetting(name: SettingName): string {
  const doc = settingsSchema.shape[name].description;
  if (!doc) throw new Error(`setting ${name} has no description in server/src/config.ts`);
  return doc;
}

/** The settings table of README's "Configuration" section (markers included). */
export function readmeTable(): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [TABLE_START, "", "| variable | default | meaning |", "|---|---|---|"];
  for (const group of SETTING_GROUPS) {
    lines.push(`| **${group.title}** | | |`);
    for (const name of Object.keys(group.settings) as SettingName[]) {
      const d = defaultAsEnv(name);
      const shown = d === undefined ? "–" : d === "" ? "empty" : `\`${d}\``;
      lines.push(`| \`${name}\` | ${cell(shown)} | ${cell(describeSetting(name))} |`);
    }
  }
  lines.push("", TABLE_END);
  return lines.join("\n");
}

function wrapComment(text: string, width = 100): string[] {
  const out: string[] = [];
  let line = "#";
  for (const word of text.split(" ")) {
    if (line.length + 1 + word.length > width && line !== "#") {
      out.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out;
}

/** The whole `.env.example`: every setting, commented out at its default. */
export function envExample(): string {
  const lines = [
    "# Plaza configuration. Every variable is optional: `npm start` works with none of them set.",
    "# Copy to .env and export, or set in your process manager. Each setting is shown at its default",
    "# (empty: unset); uncomment to change it. Rendered from server/src/config.ts by",
    "# `npm run docs:config`: edit the descriptions there. README \"Configuration\" has the same table.",
  ];
  for (const group of SETTING_GROUPS) {
    lines.push("", `# ---- ${group.title} ----`);
    for (const name of Object.keys(group.settings) as SettingName[]) {
      lines.push(...wrapComment(describeSetting(name)), `# ${name}=${defaultAsEnv(name) ?? ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** README with its settings table replaced by the rendered one. */
export function withReadmeTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no settings table markers (${TABLE_START} … ${TABLE_END})`);
  return readme.slice(0, start) + readmeTable() + readme.slice(end + TABLE_END.length);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README_PATH, withReadmeTable(readFileSync(README_PATH, "utf8")));
  writeFileSync(ENV_EXAMPLE_PATH, envExample());
  console.log("docs:config: README.md (Configuration) and .env.example rewritten from server/src/config.ts");
}
