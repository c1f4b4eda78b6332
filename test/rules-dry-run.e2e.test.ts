/**
 * `npm run rules:dry-run` against a production hub's PostgreSQL: sample orders are routed live,
 * then the CLI replays them against a candidate folder where one rule's owner changed. The report
 * names those cases with the new owner, and the store is left exactly as it was.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { startProductionHub, type TestHub, http, waitFor, KEYS } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";
import { ROOT } from "../contracts";
import type { RoutingRule } from "../domain/routing";
import type { DryRunReport } from "../domain/dry-run";

jest.setTimeout(90_000);

const run = promisify(execFile);
let hub: TestHub;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tg-dry-run-e2e-"));
  // units never sign and 12345 never calls back: the cases stay where routing put them
  hub = await startProductionHub({ SIM_UNIT_ACCEPT_MS: "600000", SIM_CALLBACK_DELAY_MS: "600000" });
});

afterAll(async () => {
  await hub?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function sql<T extends Record<string, unknown>>(text: string): Promise<T[]> {
  const c = new Client({ connectionString: hub.cfg.databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

/** Everything the dry run could disturb: every case row, and the row counts. */
async function snapshot(): Promise<string> {
  const rows = await sql("SELECT id, status, owner_unit_id, routing, version, updated_at FROM cases ORDER BY id");
  const counts = await sql("SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_events) AS events, (SELECT count(*) FROM case_tasks) AS tasks");
  return JSON.stringify({ rows, counts });
}

async function settled(): Promise<string> {
  let last = "";
  return waitFor(
    "the store to settle",
    async () => {
      const now = await snapshot();
      const same = now === last;
      last = now;
      return same && now;
    },
    20_000,
    700,
  );
}

it("reports the cases whose rule got a new owner, and writes nothing", async () => {
  const samples = loadSamples();
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const o = { ...fromSample(samples[i % samples.length], new Date()), orderNo: `CZ27${String(i + 1).padStart(11, "0")}` };
    const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body: o });
    expect(r.status).toBe(202);
    ids.push(r.body.caseId as string);
  }
  await waitFor("the cases to be routed", async () => {
    const rows = await sql<{ status: string }>(`SELECT status FROM cases WHERE id IN (${ids.map((id) => `'${id}'`).join(",")})`);
    return rows.length === ids.length && rows.every((r) => r.status !== "RECEIVED");
  });
  const before = await settled();

  const routed = await sql<{ id: string; owner_unit_id: string; routing: { ruleId: string } }>(
    "SELECT id, owner_unit_id, routing FROM cases WHERE routing->>'decidedBy' = 'rules' AND routing->>'ruleId' IS NOT NULL ORDER BY id",
  );
  expect(routed.length).toBeGreaterThan(0);
  const ruleId = routed[0].routing.ruleId;
  const affected = routed.filter((r) => r.routing.ruleId === ruleId);

  // the candidate: cities/ with that rule's owner replaced by another city-level functional unit
  const folder = path.join(tmp, "candidate");
  fs.cpSync(path.join(ROOT, "cities"), folder, { recursive: true });
  let newOwner = "";
  for (const city of fs.readdirSync(folder)) {
    const rulesFile = path.join(folder, city, "rules.json");
    const data = JSON.parse(fs.readFileSync(rulesFile, "utf8")) as { rules: RoutingRule[] };
    const rule = data.rules.find((r) => r.id === ruleId);
    if (!rule) continue;
    const units = (JSON.parse(fs.readFileSync(path.join(folder, city, "units.json"), "utf8")) as { units: { id: string; kind: string; districtCode?: string }[] }).units;
    newOwner = units.find((u) => u.kind === "functional" && !u.districtCode && !affected.some((a) => a.owner_unit_id === u.id))!.id;
    Object.assign(rule, { principle: "条线", owners: [{ unit: newOwner }] });
    fs.writeFileSync(rulesFile, JSON.stringify(data, null, 2));
  }
  expect(newOwner).not.toBe("");

  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "bin/rules-dry-run.ts", "--rules", folder, "--format", "json"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: hub.cfg.databaseUrl, NODE_OPTIONS: "" },
  });
  const report = JSON.parse(stdout) as DryRunReport;
  expect(report.total).toBe(ids.length);
  const changed = new Map(report.changes.map((c) => [c.id, c]));
  for (const a of affected) {
    const c = changed.get(a.id);
    expect(c).toMatchObject({ kind: "owner", storedOwnerUnitId: a.owner_unit_id, before: { ownerUnitId: a.owner_unit_id, ruleId }, after: { ownerUnitId: newOwner, ruleId } });
  }
  expect(report.changes.every((c) => affected.some((a) => a.id === c.id))).toBe(true);
  expect(report.counts.changedOwner).toBe(affected.length);
  expect(report.byUnit.find((u) => u.unitId === newOwner)).toMatchObject({ gains: affected.length, losses: 0 });
  expect(stderr.trim().split("\n").at(-1)).toBe(`RESULT changed=${affected.length} to_triage=0 from_triage=0 unchanged=${report.counts.unchanged}`);

  // the text report ends with the RESULT line too
  const text = await run(process.execPath, ["--import", "tsx", "bin/rules-dry-run.ts", "--rules", folder], { cwd: ROOT, env: { ...process.env, DATABASE_URL: hub.cfg.databaseUrl, NODE_OPTIONS: "" } });
  expect(text.stdout).toContain(affected[0].id);
  expect(text.stdout.trim().split("\n").at(-1)).toMatch(/^RESULT changed=\d+ to_triage=0 from_triage=0 unchanged=\d+$/);

  expect(await snapshot()).toBe(before);
});

it("a bad rules folder prints the loader's error and exits 2", async () => {
  const folder = path.join(tmp, "bad");
  fs.cpSync(path.join(ROOT, "cities"), folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "changzhou", "rules.json"), "{ not json");
  const err = await run(process.execPath, ["--import", "tsx", "bin/rules-dry-run.ts", "--rules", folder], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: hub.cfg.databaseUrl, NODE_OPTIONS: "" },
  }).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  expect(err?.code).toBe(2);
  expect(err?.stderr).toContain("城市数据文件不是合法 JSON / city data file is not valid JSON");
});
