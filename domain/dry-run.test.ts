import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../contracts";
import { loadCities, type RoutingRule } from "./routing";
import { dryRun, formatReport, type StoredCase } from "./dry-run";

const current = loadCities();
let tmp: string;

/** cities/ copied to a temp folder, with changzhou's rules edited. */
function candidateFolder(edit: (rules: RoutingRule[]) => RoutingRule[]): string {
  const dir = fs.mkdtempSync(path.join(tmp, "rules-"));
  fs.cpSync(path.join(ROOT, "cities"), dir, { recursive: true });
  const file = path.join(dir, "changzhou", "rules.json");
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as { rules: RoutingRule[] };
  fs.writeFileSync(file, JSON.stringify({ ...data, rules: edit(data.rules) }, null, 2));
  return dir;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tg-dry-run-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A case in 常州市钟楼区南大街街道. */
function stored(id: string, categoryPath: string[], extra: Partial<StoredCase> = {}): StoredCase {
  return {
    id,
    receivedAt: new Date("2025-06-01T08:00:00Z"),
    categoryPath,
    appealType: "投诉",
    urgency: "一般",
    location: { gridCode: "32040400100301", districtCode: "320404", address: "常州市钟楼区南大街" },
    ownerUnitId: null,
    status: "DISPATCHED",
    routing: { decidedBy: "rules", ruleId: null },
    ...extra,
  };
}

const BRIDGE = ["城乡建设", "市政设施", "桥梁设施"];
const GAS = ["公用事业", "供气", "燃气泄漏"];
const OTHER = ["其他", "其他诉求"];
const PILES = ["城乡建设", "市容管理", "乱堆乱放"];

describe("dryRun", () => {
  const folder = () =>
    candidateFolder((rules) => {
      const out = rules
        .filter((r) => r.id !== "CZ-R002" && r.id !== "CZ-R142") // gas: no rule left → triage
        .map((r) => (r.id === "CZ-R042" ? { ...r, owners: [{ unit: "CZ-PSGLC" }, ...r.owners.slice(1)] } : r)); // bridges: another owner
      const template = rules.find((r) => r.id === "CZ-R011")!;
      out.push({ ...template, id: "CZ-R900", name: "其他诉求属地", owners: [{ street: true }], coUnits: undefined, match: { categoryPrefixes: [OTHER] } });
      return out;
    });

  it("reports owner changes, cases going to and leaving triage, by unit and by rule", () => {
    const candidate = loadCities(folder(), { candidate: true });
    const cases = [
      stored("TG-1", BRIDGE, { ownerUnitId: "CZ-CGJ", routing: { decidedBy: "rules", ruleId: "CZ-R042" } }),
      stored("TG-2", GAS, { ownerUnitId: "CZ-RQ", routing: { decidedBy: "rules", ruleId: "CZ-R002" } }),
      stored("TG-3", OTHER, { status: "TRIAGE", routing: { decidedBy: "rules", ruleId: null } }),
      stored("TG-4", PILES, { ownerUnitId: "CZ-ZL-NDJ-JD" }),
      // refused by 城管局 earlier: the excluded unit stays excluded under both rule sets
      stored("TG-5", BRIDGE, { ownerUnitId: "CZ-ZL-CGJ", routing: { decidedBy: "rules", ruleId: "CZ-R042", excluded: ["CZ-CGJ"] } }),
      // a person chose the owner: listed apart, not a change
      stored("TG-6", GAS, { ownerUnitId: "CZ-RQ", routing: { decidedBy: "agent", ruleId: null } }),
    ];
    const r = dryRun(cases, current, candidate);

    expect(r.total).toBe(6);
    expect(r.counts).toEqual({ changedOwner: 2, toTriage: 1, fromTriage: 1, unchanged: 1, decidedByPerson: 1, personAgreed: 0 });

    const byId = Object.fromEntries(r.changes.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(["TG-1", "TG-2", "TG-3", "TG-5"]);
    expect(byId["TG-1"]).toMatchObject({ kind: "owner", before: { triage: false, ownerUnitId: "CZ-CGJ", ruleId: "CZ-R042" }, after: { triage: false, ownerUnitId: "CZ-PSGLC", ruleId: "CZ-R042" } });
    expect(byId["TG-1"].after.reason).toContain("常州市排水管理处");
    expect(byId["TG-2"]).toMatchObject({ kind: "to_triage", before: { ownerUnitId: "CZ-RQ", ruleId: "CZ-R002" }, after: { triage: true } });
    expect(byId["TG-2"].after.reason).toContain("人工分拨");
    expect(byId["TG-3"]).toMatchObject({ kind: "from_triage", before: { triage: true }, after: { ownerUnitId: "CZ-ZL-NDJ-JD", ruleId: "CZ-R900" } });
    expect(byId["TG-5"]).toMatchObject({ kind: "owner", before: { ownerUnitId: "CZ-ZL-CGJ" }, after: { ownerUnitId: "CZ-PSGLC" } });

    expect(r.decidedByPerson).toEqual([expect.objectContaining({ id: "TG-6", ownerUnitId: "CZ-RQ", rulesWouldSay: expect.objectContaining({ triage: true }) })]);

    const unit = (id: string) => r.byUnit.find((u) => u.unitId === id);
    expect(unit("CZ-PSGLC")).toMatchObject({ gains: 2, losses: 0 });
    expect(unit("CZ-CGJ")).toMatchObject({ gains: 0, losses: 1 });
    expect(unit("CZ-ZL-CGJ")).toMatchObject({ gains: 0, losses: 1 });
    expect(unit("CZ-RQ")).toMatchObject({ gains: 0, losses: 1 });
    expect(unit("CZ-ZL-NDJ-JD")).toMatchObject({ gains: 1, losses: 0 });

    expect(r.byRule).toEqual(
      expect.arrayContaining([
        { ruleId: "CZ-R002", before: 1, after: 0 },
        { ruleId: "CZ-R900", before: 0, after: 1 },
      ]),
    );
    expect(r.transitions).toEqual(
      expect.arrayContaining([
        { from: "CZ-R002", to: "triage", count: 1 },
        { from: "triage", to: "CZ-R900", count: 1 },
      ]),
    );

    const text = formatReport(r);
    expect(text.split("\n").at(-1)).toBe("RESULT changed=2 to_triage=1 from_triage=1 unchanged=1");
    expect(text).toContain("TG-1");
    expect(text).toContain("人工派单的工单");
  });

  it("the same data changes nothing", () => {
    const cases = [stored("TG-1", BRIDGE), stored("TG-2", GAS), stored("TG-3", OTHER)];
    const r = dryRun(cases, current, loadCities());
    expect(r.counts).toEqual({ changedOwner: 0, toTriage: 0, fromTriage: 0, unchanged: 3, decidedByPerson: 0, personAgreed: 0 });
    expect(r.changes).toEqual([]);
    expect(r.byUnit).toEqual([]);
    expect(r.byRule).toEqual([]);
  });

  it("a bad candidate folder fails in loadCities with the rule named", () => {
    const dir = candidateFolder((rules) => rules.map((r) => (r.id === "CZ-R042" ? { ...r, owners: [{ unit: "CZ-NOPE" }] } : r)));
    expect(() => loadCities(dir)).toThrow(/规则 CZ-R042.*CZ-NOPE/);
  });
});
