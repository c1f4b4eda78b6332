/**
 * The adapter conformance test (DESIGN-NOTES example 5): one set of checks that every adapter
 * in the registry passes, so a new system is a folder plus one line in adapters/index.ts and
 * adapters/conformance.test.ts proves it is wired right. The checks are plain functions that
 * answer a list of problems (empty = conforms); `describeAdapter` turns them into jest cases.
 * Every problem names the adapter, the route / command / contract and the field.
 *
 *   spec        system, title, roles, basePath, routes, callers, settings, origin, simulator role
 *   contracts   every contract the spec names is loaded; every contract in its folder is used
 *               and has examples, and each example validates
 *   commands    each is a canonical command; every canonical example, built for a plausible
 *               target (a unit, for a perTarget or handler adapter), is a POST/PUT to a path whose
 *               body the receiving contract accepts
 *   routes      every example of a route's contract goes through `handle` and a fake hub: no
 *               throw, at least one hub call, a 2xx answer, the body left as it was
 *   simulator   created with the default SIM_* settings, starts on port 0, stops
 */
import path from "node:path";
import { allSchemas, getSchema, ROOT, validate } from "../contracts";
import { COMMANDS, type AdapterSimulator, type AdapterSpec, type InboundResult, type OutboundRequest, type CommandName, type HubPort, type InboundRoute, type SimSettings } from "./adapter";

export interface ConformanceOptions {
  /** the target handed to `build` of a perTarget or handler adapter (default "CZ-ZL-CGJ", a unit of the city data) */
  target?: string;
  /** path parameter values, before PATH_PARAMS and "X1" */
  params?: Record<string, string>;
  /** the adapter's folder under adapters/ (default: the folders of the contracts its spec names) */
  folder?: string;
}

/** Path parameter values the fake-hub check fills in; any other parameter is "X1". */
export const PATH_PARAMS: Record<string, string> = { orderNo: "X1", unitId: "CZ-ZL-CGJ", taskId: "TK1" };

/** The SIM_* defaults of lib/config.ts. */
export const DEFAULT_SIM_SETTINGS: SimSettings = { ordersPerMinute: 6, dispatchSamples: true, unitWorkMs: 3000, unitAcceptMs: 500, callbackDelayMs: 3000 };

const ROLES = ["source", "handler", "bureau", "registry"];
const PURPOSES = ["url", "targetUrl", "apiKey", "simPort", "via"];

// ---------------------------------------------------------------------------------------------
// The fake hub

export interface FakeHub extends HubPort {
  calls: Array<{ action: string; params: any }>;
}

/** What the hub's case actions answer: cases.open → {caseId, duplicate: false}, a step → {caseId, status}. */
export function plausibleAnswer(action: string): unknown {
  return action === "cases.open" ? { caseId: "TG-FAKE-1", duplicate: false } : { caseId: "TG-FAKE-1", status: "IN_PROGRESS" };
}

/** A HubPort that records every call and answers from `answer` (which may throw a hub refusal). */
export function fakeHub(answer: (action: string, params: any) => unknown = plausibleAnswer): FakeHub {
  const calls: FakeHub["calls"] = [];
  return {
    calls,
    async call<T>(action: string, params?: unknown): Promise<T> {
      calls.push({ action, params });
      return (await answer(action, params)) as T;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

const nonEmpty = (s: unknown): boolean => typeof s === "string" && s.trim().length > 0;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const examplesOf = (schema: Record<string, unknown> | undefined): unknown[] => (Array.isArray(schema?.examples) ? schema.examples : []);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function loaded(id: string): Record<string, unknown> | undefined {
  try {
    return getSchema(id);
  } catch {
    return undefined;
  }
}

/** A schema by $id, also one nested in another's $defs (the canonical commands are). */
function findSchema(id: string): Record<string, unknown> | undefined {
  const walk = (s: unknown): Record<string, unknown> | undefined => {
    if (!s || typeof s !== "object") return undefined;
    const o = s as Record<string, unknown>;
    if (o.$id === id) return o;
    for (const d of Object.values((o.$defs ?? {}) as Record<string, unknown>)) {
      const f = walk(d);
      if (f) return f;
    }
    return undefined;
  };
  return (
    loaded(id) ??
    allSchemas()
      .map((s) => walk(s.schema))
      .find(Boolean)
  );
}

/** Field errors of `data` against contract `id`, one line each ("/unitName is required"), or []. */
function fieldErrors(id: string, data: unknown): string[] {
  const r = validate(id, data);
  return r.ok ? [] : r.errors.map((e) => `${e.pointer} ${e.messageEn}`);
}

/** Every `$ref` target ($id without the fragment) inside a schema. */
function refsOf(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) s.forEach((x) => refsOf(x, out));
  else if (s && typeof s === "object") {
    for (const [k, v] of Object.entries(s)) {
      if (k === "$ref" && typeof v === "string") out.add(v.split("#")[0]);
      else refsOf(v, out);
    }
  }
  return out;
}

/** The ids of every contract the spec names (routes and commands). */
function namedContracts(spec: AdapterSpec): string[] {
  return [...spec.routes.map((r) => r.schema), ...Object.values(spec.commands).map((k) => k!.schema)];
}

/** The adapter's own contracts: every schema under adapters/<folder>/contract/. */
export function contractsOf(spec: AdapterSpec, opts: ConformanceOptions = {}): string[] {
  const folderOf = (file: string) => path.relative(ROOT, file).split(path.sep);
  const named = new Set(namedContracts(spec));
  const folders = new Set(
    opts.folder !== undefined
      ? [opts.folder]
      : allSchemas()
          .filter((s) => named.has(s.id))
          .map((s) => folderOf(s.file))
          .filter((p) => p[0] === "adapters" && p[2] === "contract")
          .map((p) => p[1]),
  );
  return allSchemas()
    .filter((s) => {
      const p = folderOf(s.file);
      return p[0] === "adapters" && p[2] === "contract" && folders.has(p[1]);
    })
    .map((s) => s.id);
}

/** Values for the `:name` parameters of a route path. */
export function pathParams(routePath: string, opts: ConformanceOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name] of routePath.matchAll(/:(\w+)/g)) out[name] = opts.params?.[name] ?? (name === "unitId" ? opts.target : undefined) ?? PATH_PARAMS[name] ?? "X1";
  return out;
}

// ---------------------------------------------------------------------------------------------
// The checks

/** The spec's own declarations: names, mount point, routes, commands, callers, settings. */
export function checkSpec(spec: AdapterSpec): string[] {
  const sys = typeof spec.system === "string" && spec.system ? spec.system : "(no system)";
  const problems: string[] = [];
  const bad = (what: string) => problems.push(`${sys}: ${what}`);

  if (!/^[a-z][a-z0-9_]*$/.test(spec.system ?? "")) bad(`system "${spec.system}" must be a lowercase identifier (it names env variables and outbox rows)`);
  if (!nonEmpty(spec.title)) bad("title is empty");
  if (!spec.roles?.length) bad("roles is empty");
  for (const r of spec.roles ?? []) if (!ROLES.includes(r)) bad(`role "${r}" is not one of ${ROLES.join(", ")}`);
  if (new Set(spec.roles).size !== (spec.roles ?? []).length) bad("roles repeat");
  if (!/^\/v1\/[^/]/.test(spec.basePath ?? "") || spec.basePath.endsWith("/")) bad(`basePath "${spec.basePath}" must start with /v1/ and not end with /`);

  const seen = new Set<string>();
  for (const r of spec.routes ?? []) {
    const at = `route ${r.method} ${r.path}`;
    if (r.method !== "POST") bad(`${at}: method must be POST`);
    if (!r.path?.startsWith("/")) bad(`${at}: path must start with /`);
    if (seen.has(`${r.method} ${r.path}`)) bad(`${at}: declared twice`);
    seen.add(`${r.method} ${r.path}`);
    if (!nonEmpty(r.kind)) bad(`${at}: kind is empty`);
    if (!nonEmpty(r.summary)) bad(`${at}: summary is empty`);
    if (typeof r.handle !== "function") bad(`${at}: handle is not a function`);
    if (!loaded(r.schema)) bad(`${at}: schema "${r.schema}" is not a loaded contract`);
  }

  for (const [name, k] of Object.entries(spec.commands ?? {})) {
    const at = `command ${name}`;
    if (!(name in COMMANDS)) bad(`${at}: not a canonical command (one of ${Object.keys(COMMANDS).join(", ")})`);
    if (!k) continue;
    if (!loaded(k.schema)) bad(`${at}: schema "${k.schema}" is not a loaded contract`);
    if (!nonEmpty(k.summary)) bad(`${at}: summary is empty`);
    if (typeof k.build !== "function") bad(`${at}: build is not a function`);
  }

  if (!spec.callers?.length) bad("callers is empty: who calls its routes?");
  const callerRoles = (spec.callers ?? []).map((c) => c.role);
  for (const c of spec.callers ?? []) {
    if (!nonEmpty(c.role)) bad("a caller has no role");
    if (!nonEmpty(c.label)) bad(`caller "${c.role}": label is empty`);
  }
  if (new Set(callerRoles).size !== callerRoles.length) bad(`caller roles repeat: ${callerRoles.join(", ")}`);
  if (spec.rolePrefix && (!nonEmpty(spec.rolePrefix.prefix) || !nonEmpty(spec.rolePrefix.label))) bad("rolePrefix needs a prefix and a label");
  if (spec.rolePrefix && typeof spec.authorize !== "function") bad(`rolePrefix "${spec.rolePrefix.prefix}" without authorize(): nothing accepts those roles`);

  const envs = (spec.settings ?? []).map((s) => s.env);
  for (const s of spec.settings ?? []) {
    const at = `setting ${s.env ?? "(no env)"}`;
    if (!/^[A-Z][A-Z0-9_]*$/.test((s.env ?? "").replace("<ID>", "ID"))) bad(`${at}: env must be UPPER_SNAKE_CASE (a per-target one with <ID>)`);
    if (!PURPOSES.includes(s.purpose)) bad(`${at}: purpose "${s.purpose}" is not one of ${PURPOSES.join(", ")}`);
    if (!nonEmpty(s.description)) bad(`${at}: description is empty`);
    if (!nonEmpty(s.example)) bad(`${at}: example is empty`);
  }
  if (new Set(envs).size !== envs.length) bad(`settings repeat an env variable: ${envs.join(", ")}`);
  const purposes = (spec.settings ?? []).map((s) => s.purpose);
  if (purposes.filter((p) => p === "url").length !== 1) bad(`settings need exactly one "url" setting (found ${purposes.filter((p) => p === "url").length})`);
  const targetUrl = (spec.settings ?? []).filter((s) => s.purpose === "targetUrl");
  if (spec.perTarget && !targetUrl.some((s) => s.env?.includes("<ID>"))) bad('perTarget: settings need a "targetUrl" setting whose env carries <ID>');
  if (!spec.perTarget && targetUrl.length) bad('a "targetUrl" setting but perTarget is not set');
  const via = (spec.settings ?? []).filter((s) => s.purpose === "via");
  if (via.length > 1) bad(`at most one "via" setting (found ${via.length})`);
  for (const s of via) {
    if (!spec.roles?.includes("source")) bad(`setting ${s.env}: only a source can be folded into another system ("via")`);
    if (!s.values?.length || s.values.some((v) => !/^[a-z][a-z0-9]{1,31}$/.test(v) || v === spec.system)) bad(`setting ${s.env}: a "via" setting needs values, each another system's name`);
  }

  const source = spec.roles?.includes("source");
  if (source && !(spec.origin && nonEmpty(spec.origin.label) && nonEmpty(spec.origin.noun))) bad("role source: origin needs a label and a noun");
  if (!source && spec.origin) bad("origin given but roles has no source");
  if (spec.defaultHandler && !spec.roles?.includes("handler")) bad("defaultHandler but roles has no handler");
  if (spec.simulator && !callerRoles.includes(spec.simulator.role)) bad(`simulator role "${spec.simulator.role}" is none of its callers' roles (${callerRoles.join(", ")})`);
  return problems;
}

/** One contract of the adapter's folder: it is used, it has examples and each validates. */
export function checkContract(spec: AdapterSpec, id: string): string[] {
  const at = `${spec.system}: contract ${id}`;
  const schema = loaded(id);
  if (!schema) return [`${at}: not a loaded contract`];
  const problems: string[] = [];
  const named = namedContracts(spec);
  const refd = new Set(named.flatMap((n) => [...refsOf(loaded(n))]));
  if (!named.includes(id) && !refd.has(id)) problems.push(`${at}: named by no route or command of the spec (and $ref'd by none)`);
  const examples = examplesOf(schema);
  if (!examples.length) problems.push(`${at}: has no examples (the conformance test sends them through the adapter)`);
  examples.forEach((ex, i) => {
    for (const e of fieldErrors(id, ex)) problems.push(`${at}: example ${i + 1}: ${e}`);
  });
  return problems;
}

/** One command: every canonical example builds a request whose body the receiving contract accepts. */
export function checkCommand(spec: AdapterSpec, name: string, opts: ConformanceOptions = {}): string[] {
  const at = `${spec.system}: command ${name}`;
  const kind = spec.commands[name as CommandName];
  const canonicalId = COMMANDS[name as CommandName];
  if (!kind || !canonicalId) return [`${at}: not a canonical command`];
  const canonical = findSchema(canonicalId);
  if (!canonical) return [`${at}: canonical contract ${canonicalId} is not loaded`];
  if (!loaded(kind.schema)) return [`${at}: schema "${kind.schema}" is not a loaded contract`];
  const examples = examplesOf(canonical);
  if (!examples.length) return [`${at}: ${canonicalId} has no examples to build from`];
  // a handler (also a bureau's case line, one URL for all its units) builds for a unit
  const target = spec.perTarget || spec.roles?.includes("handler") ? (opts.target ?? PATH_PARAMS.unitId) : null;
  const problems: string[] = [];
  for (const [i, ex] of examples.entries()) {
    const of = `${at}: ${canonicalId} example ${i + 1}`;
    const invalid = fieldErrors(canonicalId, ex);
    if (invalid.length) {
      problems.push(...invalid.map((e) => `${of} does not match its own contract: ${e}`));
      continue;
    }
    const payload = structuredClone(ex) as Record<string, any>;
    let req: OutboundRequest;
    try {
      req = kind.build(payload, target);
    } catch (e) {
      problems.push(`${of}: build threw: ${message(e)}`);
      continue;
    }
    if (!req || typeof req !== "object") {
      problems.push(`${of}: build returned no request`);
      continue;
    }
    if (req.method !== "POST" && req.method !== "PUT") problems.push(`${of}: method "${req.method}" must be POST or PUT`);
    if (typeof req.path !== "string" || !req.path.startsWith("/")) problems.push(`${of}: path "${req.path}" must start with /`);
    else if (/undefined|\[object Object\]/.test(req.path)) problems.push(`${of}: path "${req.path}" has a missing value in it`);
    for (const e of fieldErrors(kind.schema, req.body)) problems.push(`${of}: built body does not match ${kind.schema}: ${e}`);
    if (!same(payload, ex)) problems.push(`${of}: build changed the payload it was given`);
  }
  return problems;
}

/** One inbound route: every example of its contract goes through `handle` and a fake hub. */
export async function checkRoute(spec: AdapterSpec, route: InboundRoute, opts: ConformanceOptions = {}): Promise<string[]> {
  const at = `${spec.system}: route ${route.method} ${route.path}`;
  const schema = loaded(route.schema);
  if (!schema) return [`${at}: schema "${route.schema}" is not a loaded contract`];
  const examples = examplesOf(schema);
  if (!examples.length) return [`${at}: ${route.schema} has no examples to send`];
  const params = pathParams(route.path, opts);
  const problems: string[] = [];
  for (const [i, ex] of examples.entries()) {
    const of = `${at}: ${route.schema} example ${i + 1}`;
    const hub = fakeHub();
    const body = structuredClone(ex);
    let res: InboundResult;
    try {
      res = await route.handle(body, { ...params }, hub);
    } catch (e) {
      problems.push(`${of}: handle threw: ${message(e)}`);
      continue;
    }
    if (!hub.calls.length) problems.push(`${of}: handle made no hub call`);
    for (const c of hub.calls) if (!nonEmpty(c.action)) problems.push(`${of}: a hub call names no action`);
    const status = res?.status;
    if (typeof status !== "number" || status < 200 || status > 299) problems.push(`${of}: answered status ${status}, not 2xx`);
    if (!same(body, ex)) problems.push(`${of}: handle changed the body it was given`);
  }
  return problems;
}

/** The simulator, if any: created with the default SIM_* settings, starts on port 0, stops. */
export async function checkSimulator(spec: AdapterSpec): Promise<string[]> {
  if (!spec.simulator) return [];
  const at = `${spec.system}: simulator`;
  let sim: AdapterSimulator;
  try {
    sim = spec.simulator.create(DEFAULT_SIM_SETTINGS, () => {});
  } catch (e) {
    return [`${at}: create threw: ${message(e)}`];
  }
  const problems: string[] = [];
  try {
    const url = await sim.start(0);
    if (!/^https?:\/\/[^/]+:\d+$/.test(url ?? "")) problems.push(`${at}: start(0) answered "${url}", not a base URL with a port`);
    else if (sim.url !== url) problems.push(`${at}: url "${sim.url}" differs from what start() answered (${url})`);
    else if (spec.batch) {
      // the system takes batches: its stand-in must too, answering one result per item
      const r = await fetch(`${url}${spec.batch.path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ items: [{ method: "POST", path: "/conformance/no-such-route", body: {} }] }),
      });
      const answer = (await r.json().catch(() => null)) as { results?: unknown[] } | null;
      if (r.status !== 200 || answer?.results?.length !== 1) problems.push(`${at}: POST ${spec.batch.path} (the spec's batch endpoint) answered ${r.status} without one result per item`);
    }
    if (spec.batch && !(spec.batch.max >= 2 && spec.batch.max <= 500)) problems.push(`${at}: batch.max ${spec.batch.max} must be 2 to 500 (the envelope's limit)`);
  } catch (e) {
    problems.push(`${at}: start(0) threw: ${message(e)}`);
  } finally {
    await sim.stop().catch((e: unknown) => problems.push(`${at}: stop threw: ${message(e)}`));
  }
  return problems;
}

/** Every synchronous check of an adapter (spec, contracts, commands): its problems, [] when it conforms. */
export function checkAdapter(spec: AdapterSpec, opts: ConformanceOptions = {}): string[] {
  return [...checkSpec(spec), ...contractsOf(spec, opts).flatMap((id) => checkContract(spec, id)), ...Object.keys(spec.commands).flatMap((name) => checkCommand(spec, name, opts))];
}

/** Every inbound route through the fake hub: its problems, [] when they all conform. */
export async function checkInbound(spec: AdapterSpec, opts: ConformanceOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for (const r of spec.routes) out.push(...(await checkRoute(spec, r, opts)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The jest cases

/** The conformance test of one adapter: one case per check, each expecting no problems. */
export function describeAdapter(spec: AdapterSpec, opts: ConformanceOptions = {}): void {
  describe(`adapter ${spec.system} conforms`, () => {
    it("declares system, title, roles, basePath, routes, commands, callers and settings", () => {
      expect(checkSpec(spec)).toEqual([]);
    });
    for (const id of contractsOf(spec, opts)) {
      it(`contract ${id}: is used and its examples validate`, () => expect(checkContract(spec, id)).toEqual([]));
    }
    for (const [name, k] of Object.entries(spec.commands)) {
      it(`command ${name}: bodies built from the canonical examples match ${k!.schema}`, () => expect(checkCommand(spec, name, opts)).toEqual([]));
    }
    for (const r of spec.routes) {
      it(`route ${r.method} ${r.path}: every ${r.schema} example goes through a fake hub, 2xx`, async () => {
        expect(await checkRoute(spec, r, opts)).toEqual([]);
      });
    }
    if (spec.simulator) it("simulator: starts on port 0 with the default settings and stops", async () => expect(await checkSimulator(spec)).toEqual([]));
  });
}
