/**
 * The adapter registry: one line per external system. A new system is a new folder and a new
 * line here; the gateway, intake, delivery, configuration, the demo keys and the API docs pick
 * it up from its spec. This file answers every "which system …" question core code has, so no
 * service, store or lib file names a system.
 */
import { foldedInto, type AdapterSpec, type CallerRole, type CommandName, type OriginBehaviour } from "../kit/adapter";
import { loadCities } from "../domain/routing";
import { credit } from "./credit/spec";
import { enforcement } from "./enforcement/spec";
import { grid } from "./grid/spec";
import { hotline12345 } from "./hotline12345/spec";
import { housing } from "./housing/spec";
import { line12319 } from "./line12319/spec";
import { police } from "./police/spec";
import { transport } from "./transport/spec";
import { unit } from "./unit/spec";

/** A system folded into another by its `via` setting (LINE12319_VIA=hotline12345) is left out: not mounted, no simulator. */
export const ADAPTERS: AdapterSpec[] = [hotline12345, line12319, unit, grid, credit, enforcement, housing, police, transport].filter((a) => !foldedInto(a, process.env));

const bySystem = new Map(ADAPTERS.map((a) => [a.system, a]));

export function adapterBySystem(system: string): AdapterSpec | undefined {
  return bySystem.get(system);
}

/** The handler adapter for units whose city data names none. */
export function defaultHandler(): AdapterSpec {
  const found = ADAPTERS.filter((a) => a.defaultHandler);
  if (found.length !== 1) throw new Error(`exactly one adapter must be the default handler (defaultHandler: true), found ${found.length}`);
  return found[0];
}

/** Where a command goes: the origin of a case (by its system) or a handling target (by its id). */
export type Destination = { origin: string } | { target: string };

let targetAdapters: Map<string, string> | undefined;
/** The adapter the city data names for a target (`adapter` of the unit), if any. */
export function adapterOfTarget(target: string): string | undefined {
  targetAdapters ??= new Map(loadCities().flatMap((c) => c.units.flatMap((u) => (u.adapter ? [[u.id, u.adapter] as [string, string]] : []))));
  return targetAdapters.get(target);
}

/**
 * Who delivers command C to destination D: the system and target the outbox row names, or
 * null when that system does not take that command (e.g. an origin that hears no 签收).
 * A target's adapter comes from the city data (`adapter` of the unit), default the generic one.
 */
export function deliverer(command: CommandName, to: Destination): { system: string; target: string | null } | null {
  if ("origin" in to) {
    const spec = bySystem.get(to.origin);
    return spec?.commands[command] ? { system: spec.system, target: null } : null;
  }
  const named = adapterOfTarget(to.target);
  const spec = named ? bySystem.get(named) : defaultHandler();
  if (!spec) throw new Error(`no adapter "${named}" for target ${to.target} (adapters/index.ts)`);
  return spec.commands[command] ? { system: spec.system, target: to.target } : null;
}

/** The system that verifies city-management cases on site (核查结案): the adapter that takes `verification`, if any. */
export function verifier(): string | null {
  const found = ADAPTERS.filter((a) => a.commands.verification);
  return found.length === 1 ? found[0].system : null;
}

/** Which part of the monthly assessment each source's cases count for (their spec's origin.assessment; default 市). */
export function assessmentLevels(): Record<string, "city" | "district"> {
  return Object.fromEntries(ADAPTERS.filter((a) => a.origin).map((a) => [a.system, a.origin!.assessment ?? "city"]));
}

/** The bureau system that receives joint-punishment notices for a 条线 tag (housing, police, transport …), if one is registered. */
export function bureauSystem(tag: string): string | null {
  return ADAPTERS.find((a) => a.roles.includes("bureau") && a.bureau === tag)?.system ?? null;
}

/** The system that publishes to the public-credit platform (the adapter in role "registry" that takes `publication`), if any. */
export function creditRegistry(): string | null {
  return ADAPTERS.find((a) => a.roles.includes("registry") && a.commands.publication)?.system ?? null;
}

/** How a source is named in timeline texts; a system without `origin` is named by its title. */
export function originOf(system: string): OriginBehaviour {
  const spec = bySystem.get(system);
  return spec?.origin ?? { label: spec?.title ?? system, noun: "案件" };
}

/** Every API-key role an external caller may hold, from the specs. */
export function callerRoles(): (CallerRole & { system: string })[] {
  return ADAPTERS.flatMap((a) => a.callers.map((c) => ({ ...c, system: a.system })));
}

/** Roles of the form `<prefix><id>` (e.g. `unit.CZ-ZL-CGJ`) and their labels. */
export function rolePrefixes(): { prefix: string; label: string; system: string }[] {
  return ADAPTERS.flatMap((a) => (a.rolePrefix ? [{ ...a.rolePrefix, system: a.system }] : []));
}

/** The adapter whose inbound routes a role may call (its own callers' roles or its role prefix). */
export function mayCall(spec: AdapterSpec, role: string, params: Record<string, string>): boolean {
  return spec.callers.some((c) => c.role === role) || spec.authorize?.(role, params) === true;
}
