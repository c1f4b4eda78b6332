/**
 * Every adapter of the registry passes the kit's conformance test (kit/conformance.ts), and the
 * registry answers "which system …" consistently. A new adapter is a folder plus one line in
 * adapters/index.ts; this file picks it up with no change.
 */
import { loadCities } from "../domain/routing";
import { describeAdapter } from "../kit/conformance";
import { ADAPTERS, adapterBySystem, adapterOfTarget, bureauSystem, callerRoles, defaultHandler, deliverer, mayCall, originOf, rolePrefixes } from "./index";

for (const spec of ADAPTERS) describeAdapter(spec);

describe("the adapter registry", () => {
  const units = loadCities().flatMap((c) => c.units);

  it("names each system, mount point and caller role once", () => {
    const systems = ADAPTERS.map((a) => a.system);
    expect(new Set(systems).size).toBe(systems.length);
    const basePaths = ADAPTERS.map((a) => a.basePath);
    expect(new Set(basePaths).size).toBe(basePaths.length);
    const roles = callerRoles().map((c) => c.role);
    expect(new Set(roles).size).toBe(roles.length);
    const envs = ADAPTERS.flatMap((a) => a.settings.map((s) => s.env));
    expect(new Set(envs).size).toBe(envs.length);
    for (const a of ADAPTERS) expect(adapterBySystem(a.system)).toBe(a);
    expect(adapterBySystem("nope")).toBeUndefined();
  });

  it("has exactly one default handler: the generic unit adapter", () => {
    expect(ADAPTERS.filter((a) => a.defaultHandler).map((a) => a.system)).toEqual(["unit"]);
    expect(defaultHandler().system).toBe("unit");
  });

  it("callerRoles: every caller of every adapter, with its system", () => {
    expect(callerRoles()).toEqual(ADAPTERS.flatMap((a) => a.callers.map((c) => ({ ...c, system: a.system }))));
    expect(callerRoles()).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: "hotline12345", system: "hotline12345", label: "12345热线平台" }), expect.objectContaining({ role: "units", system: "unit" })]),
    );
  });

  it("no caller role is taken by another adapter's role prefix", () => {
    for (const p of rolePrefixes()) {
      for (const c of callerRoles()) expect({ role: c.role, prefix: p.prefix, taken: c.role.startsWith(p.prefix) }).toMatchObject({ taken: false });
    }
  });

  it("deliverer: an origin takes the commands its spec declares, and null for the others", () => {
    expect(deliverer("sign", { origin: "hotline12345" })).toEqual({ system: "hotline12345", target: null });
    expect(deliverer("reply", { origin: "hotline12345" })).toEqual({ system: "hotline12345", target: null });
    expect(deliverer("task", { origin: "hotline12345" })).toBeNull();
    expect(deliverer("sign", { origin: "no-such-system" })).toBeNull();
  });

  it("deliverer: a unit of the city data without an `adapter` is served by the default handler", () => {
    const plain = units.find((u) => !u.adapter)!;
    expect(plain).toBeDefined();
    expect(deliverer("task", { target: plain.id })).toEqual({ system: "unit", target: plain.id });
    expect(deliverer("task", { target: "CZ-ZL-CGJ" })).toEqual({ system: defaultHandler().system, target: "CZ-ZL-CGJ" });
    expect(deliverer("sign", { target: plain.id })).toBeNull();
  });

  it("every unit of the city data has a registered adapter that takes tasks", () => {
    for (const u of units) {
      const named = adapterOfTarget(u.id);
      if (named) expect({ unit: u.id, adapter: adapterBySystem(named)?.system }).toEqual({ unit: u.id, adapter: named });
      expect({ unit: u.id, to: deliverer("task", { target: u.id }) }).toEqual({ unit: u.id, to: { system: named ?? defaultHandler().system, target: u.id } });
    }
  });

  it("a unit whose 条线 has a bureau with a case line gets its cases (task, urge, recall) through that bureau, and the bureau's routes take only the bureau's key", () => {
    const withCases = ADAPTERS.filter((a) => a.roles.includes("bureau") && a.roles.includes("handler"));
    expect(withCases.map((a) => a.system).sort()).toEqual(["housing", "police", "transport"]);
    for (const spec of withCases) {
      const served = units.filter((u) => "bureau" in u && u.bureau === spec.bureau);
      expect(served.length).toBeGreaterThan(0);
      expect(bureauSystem(spec.bureau!)).toBe(spec.system);
      for (const u of served)
        for (const c of ["task", "urge", "recall"] as const) expect({ unit: u.id, c, to: deliverer(c, { target: u.id }) }).toEqual({ unit: u.id, c, to: { system: spec.system, target: u.id } });
      const caseRoute = spec.routes.find((r) => r.kind === "accept")!;
      expect(mayCall(spec, spec.system, { taskId: "TK1" })).toBe(true);
      expect(mayCall(spec, "units", { taskId: "TK1" })).toBe(false);
      expect(caseRoute.path).toMatch(/^\/[^:]+\/:taskId\/[a-z]+$/);
    }
  });

  it("originOf: a source's own words, else its title and 案件", () => {
    expect(originOf("hotline12345")).toEqual({ label: "12345", noun: "工单" });
    expect(originOf("unit")).toEqual({ label: adapterBySystem("unit")!.title, noun: "案件" });
    expect(originOf("nope")).toEqual({ label: "nope", noun: "案件" });
  });

  it("mayCall: an adapter's own callers, or roles its authorize() accepts", () => {
    const hotline = adapterBySystem("hotline12345")!;
    const unit = adapterBySystem("unit")!;
    expect(mayCall(hotline, "hotline12345", {})).toBe(true);
    expect(mayCall(hotline, "units", {})).toBe(false);
    expect(mayCall(unit, "units", { unitId: "CZ-ZL-CGJ" })).toBe(true);
    expect(mayCall(unit, "unit.CZ-ZL-CGJ", { unitId: "CZ-ZL-CGJ" })).toBe(true);
    expect(mayCall(unit, "unit.CZ-ZL-CGJ", { unitId: "CZ-WJ-ZJJ" })).toBe(false);
    expect(mayCall(unit, "hotline12345", { unitId: "CZ-ZL-CGJ" })).toBe(false);
  });
});
