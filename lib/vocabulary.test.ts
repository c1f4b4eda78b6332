import { ADAPTERS } from "../adapters";
import { getSchema, labels } from "../contracts";
import { OVERDUE_STATUSES } from "../domain/lifecycle";
import { COMMANDS } from "../kit/adapter";
import { vocabulary } from "./vocabulary";

const CJK = /[\u4e00-\u9fff]/;

describe("vocabulary() for the console", () => {
  const v = vocabulary();

  it("labels every case status, in the schema's order, with the contract's label", () => {
    const order = (getSchema("tongguan:canonical/common").$defs as Record<string, { enum: string[] }>).CaseStatus.enum;
    expect(v.statuses.map((s) => s.value)).toEqual(order);
    for (const s of v.statuses) expect(s.label).toBe(labels("CaseStatus")[s.value]);
    expect(v.statuses.find((s) => s.value === "TRIAGE")!.label).toBe("待人工分拨");
  });

  it("labels the outcome and satisfaction codes as numbers", () => {
    expect(v.outcomes).toEqual([0, 1, 2, 3].map((n) => ({ value: n, label: labels("Outcome")[String(n)] })));
    expect(v.satisfaction.map((s) => s.value)).toEqual([0, 1, 2, 3]);
    expect(v.satisfaction[0].label).toBe("不满意");
  });

  it("labels every timeline entry type in Chinese", () => {
    const types = (getSchema("tongguan:canonical/case-event").properties as Record<string, { enum: string[] }>).type.enum;
    expect(v.eventTypes.map((e) => e.value)).toEqual(types);
    for (const e of v.eventTypes) expect(e.label).toMatch(CJK);
  });

  it("lists the agent actions each status allows, from the lifecycle", () => {
    expect(Object.keys(v.actions)).toEqual(v.statuses.map((s) => s.value));
    expect(v.actions.TRIAGE.map((a) => a.action)).toEqual(["assign", "returnCase"]);
    expect(v.actions.TRIAGE[0].label).toBe("人工派单");
    expect(v.actions.DISPATCHED.map((a) => a.action)).toEqual(["reassign", "returnCase"]);
    expect(v.actions.IN_PROGRESS.map((a) => a.action)).toEqual(["reassign", "returnCase"]);
    for (const s of ["RECEIVED", "REPLIED", "ARCHIVED", "RETURNED"] as const) expect(v.actions[s]).toEqual([]);
  });

  it("names every connected system with its title and roles, and says which raise cases", () => {
    expect(v.systems).toEqual(ADAPTERS.map((a) => ({ system: a.system, title: a.title, roles: a.roles, origin: a.roles.includes("source") })));
    expect(v.systems.find((s) => s.system === "hotline12345")).toMatchObject({ roles: ["source"], origin: true });
    expect(v.systems.find((s) => s.system === "unit")).toMatchObject({ roles: ["handler"], origin: false });
  });

  it("names every outbound command by the Chinese part of its command-schema title, in COMMANDS' order", () => {
    expect(v.commands.map((c) => c.value)).toEqual(Object.keys(COMMANDS));
    const defs = Object.values(getSchema("tongguan:command").$defs as Record<string, { $id: string; title: string }>);
    for (const c of v.commands) {
      const def = defs.find((d) => d.$id === COMMANDS[c.value])!;
      expect(def.title).toBe(`${def.title.split(" ")[0]} ${c.label}`);
      expect(c.label).toMatch(CJK);
    }
    expect(v.commands.find((c) => c.value === "sign")!.label).toBe("签收");
    expect(v.commands.find((c) => c.value === "task")!.label).toBe("承办任务");
  });

  it("lists the statuses 超期 counts, from the lifecycle", () => {
    expect(v.overdueStatuses).toEqual(OVERDUE_STATUSES);
    expect(v.overdueStatuses).toEqual(["TRIAGE", "ADJUDICATION", "DISPATCHED", "IN_PROGRESS", "VERIFYING"]);
    for (const s of v.overdueStatuses) expect(v.statuses.map((x) => x.value)).toContain(s);
  });
});
