/**
 * The README's generated parts, from their single sources: the external systems' settings and
 * the demo keys, both from the adapter specs. `npm run docs` rewrites them between their markers;
 * a unit test fails when the README is stale.
 */
import fs from "node:fs";
import path from "node:path";
import { ADAPTERS } from "../adapters";
import { DEMO_KEYS, roleLabel } from "../lib/config";

const README = path.resolve(__dirname, "..", "README.md");

export function settingsTable(): string {
  const rows = ADAPTERS.flatMap((a) => a.settings.map((s) => `| \`${s.env}\` | ${a.title} | ${s.description} | \`${s.example}\` |`));
  return ["| setting | system | meaning | example |", "|---|---|---|---|", ...rows].join("\n");
}

export function demoKeysTable(): string {
  const rows = Object.entries(DEMO_KEYS).map(([role, key]) => `| \`${role}\` | ${roleLabel(role)} | \`${key}\` |`);
  return ["| role 角色 | 中文 | X-Api-Key |", "|---|---|---|", ...rows].join("\n");
}

const PARTS: Record<string, () => string> = { settings: settingsTable, "demo-keys": demoKeysTable };

/** The README with every generated part replaced. */
export function renderReadme(text: string): string {
  let out = text;
  for (const [name, make] of Object.entries(PARTS)) {
    const re = new RegExp(`(<!-- generated:${name} [^>]*-->\\n)[\\s\\S]*?(\\n<!-- /generated:${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no generated:${name} markers`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}${make()}${b}`);
  }
  return out;
}

export const readmePath = README;

if (require.main === module) {
  fs.writeFileSync(README, renderReadme(fs.readFileSync(README, "utf8")));
  console.log("README.md: generated parts rewritten");
}
