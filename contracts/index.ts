/**
 * The contract registry: every JSON Schema of the hub (canonical ones here, external ones in
 * each adapter's `contract/` folder, data-file schemas in `contracts/data/`) is loaded and
 * compiled by ajv exactly once, at first use. Validation answers field errors as JSON pointers
 * with a Chinese and an English message, ready for a 400/422 answer.
 */
import fs from "node:fs";
import path from "node:path";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import localizeZh from "ajv-i18n/localize/zh";

export const ROOT = path.resolve(__dirname, "..");

export interface FieldError {
  pointer: string;
  message: string;
  messageEn: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Every folder that holds schemas, relative to the project root. */
function schemaFiles(): string[] {
  const dirs = [path.join(ROOT, "contracts")];
  const adaptersDir = path.join(ROOT, "adapters");
  if (fs.existsSync(adaptersDir)) {
    for (const a of fs.readdirSync(adaptersDir)) {
      const c = path.join(adaptersDir, a, "contract");
      if (fs.existsSync(c)) dirs.push(c);
    }
  }
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".schema.json")) out.push(p);
    }
  };
  dirs.forEach(walk);
  return out.sort();
}

export interface LoadedSchema {
  id: string;
  file: string;
  schema: Record<string, unknown>;
}

let registry: { ajv: Ajv2020; schemas: Map<string, LoadedSchema>; compiled: Map<string, ValidateFunction> } | undefined;
let lenientAjv: Ajv2020 | undefined;

/** The same schemas, compiled to drop the properties a schema does not know (for tolerant intake). */
function lenient(): Ajv2020 {
  if (lenientAjv) return lenientAjv;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true, removeAdditional: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: "x-zh" });
  ajv.addKeyword({ keyword: "x-labels" });
  for (const s of load().schemas.values()) ajv.addSchema(s.schema);
  return (lenientAjv = ajv);
}

function load() {
  if (registry) return registry;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: "x-zh" });
  ajv.addKeyword({ keyword: "x-labels" });
  const schemas = new Map<string, LoadedSchema>();
  for (const file of schemaFiles()) {
    let schema: Record<string, unknown>;
    try {
      schema = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`契约文件不是合法 JSON / contract file is not valid JSON: ${path.relative(ROOT, file)}: ${(e as Error).message}`);
    }
    const id = schema.$id;
    if (typeof id !== "string") throw new Error(`契约缺少 $id / contract has no $id: ${path.relative(ROOT, file)}`);
    if (schemas.has(id)) throw new Error(`契约 $id 重复 / duplicate contract $id ${id} in ${path.relative(ROOT, file)}`);
    schemas.set(id, { id, file, schema });
    ajv.addSchema(schema);
  }
  registry = { ajv, schemas, compiled: new Map() };
  return registry;
}

/** All loaded schemas (for the OpenAPI document and type generation). */
export function allSchemas(): LoadedSchema[] {
  return [...load().schemas.values()];
}

export function getSchema(id: string): Record<string, unknown> {
  const s = load().schemas.get(id);
  if (!s) throw new Error(`unknown contract ${id}`);
  return s.schema;
}

function validator(id: string): ValidateFunction {
  const r = load();
  let fn = r.compiled.get(id);
  if (!fn) {
    fn = r.ajv.getSchema(id);
    if (!fn) throw new Error(`unknown contract ${id}`);
    r.compiled.set(id, fn);
  }
  return fn;
}

/** Compile every schema now, so a broken contract stops start-up instead of the first request. */
export function compileAll(): number {
  const r = load();
  for (const id of r.schemas.keys()) validator(id);
  return r.schemas.size;
}

function pointerOf(e: ErrorObject): string {
  if (e.keyword === "required") return `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`;
  if (e.keyword === "additionalProperties") return `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`;
  return e.instancePath || "/";
}

/** Ajv errors → field errors with Chinese (ajv-i18n zh) and English messages; oneOf noise removed. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  if (!errors?.length) return [];
  const en = errors.map((e) => ({ ...e }));
  const zh = errors.map((e) => ({ ...e }));
  localizeZh(zh);
  const seen = new Set<string>();
  const out: FieldError[] = [];
  errors.forEach((e, i) => {
    if (e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "if") return;
    const pointer = pointerOf(e);
    let messageEn = en[i].message ?? e.keyword;
    let message = zh[i].message ?? messageEn;
    if (e.keyword === "enum") {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ");
      messageEn = `must be one of ${allowed}`;
      message = `取值必须是以下之一：${allowed}`;
    }
    if (e.keyword === "additionalProperties") {
      messageEn = "is not a known field";
      message = "不是约定的字段";
    }
    if (e.keyword === "required") {
      messageEn = "is required";
      message = "为必填项";
    }
    const key = `${pointer}|${messageEn}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ pointer, message, messageEn });
  });
  return out;
}

export function validate<T>(id: string, data: unknown): Validation<T> {
  const fn = validator(id);
  if (fn(data)) return { ok: true, value: data as T };
  return { ok: false, errors: toFieldErrors(fn.errors) };
}

/** Removes every string property that is empty or blank ("" means unknown), at any depth; answers their pointers. */
function dropEmpty(v: unknown, at = "", out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => dropEmpty(x, `${at}/${i}`, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === "string" && x.trim() === "") {
        delete (v as Record<string, unknown>)[k];
        out.push(`${at}/${k}`);
      } else dropEmpty(x, `${at}/${k}`, out);
    }
  }
  return out;
}

/**
 * What messages from other systems get: structure is checked, completeness is not. A message
 * that fits the contract as it is passes untouched; otherwise an empty string is taken as
 * unknown (the field left out) and a field the contract does not know is ignored (a platform
 * upgrade that adds one must never stop intake) — both named in `ignored`, the raw message
 * keeps them — and only what is still wrong after that is refused. `data` is changed in place.
 */
export function validateTolerant<T>(id: string, data: unknown): (Validation<T> & { ignored: FieldError[] }) | ({ ok: false; errors: FieldError[] } & { ignored: FieldError[] }) {
  const strict = validate<T>(id, data);
  if (strict.ok) return { ...strict, ignored: [] };
  const unknown = strict.errors.filter((e) => e.messageEn === "is not a known field").map((e) => e.pointer);
  const emptied = dropEmpty(data);
  const fn = lenient().getSchema(id);
  if (!fn) throw new Error(`unknown contract ${id}`);
  const ignored: FieldError[] = [
    ...emptied.map((pointer) => ({ pointer, message: "空值，视为未提供", messageEn: "empty: taken as not given" })),
    ...unknown.map((pointer) => ({ pointer, message: "不是约定的字段，已忽略（原文保留）", messageEn: "not a known field: ignored (kept in the raw message)" })),
  ];
  if (fn(data)) return { ok: true, value: data as T, ignored };
  return { ok: false, errors: toFieldErrors(fn.errors), ignored };
}

/** Throwing variant for internal invariants (data files, messages the hub builds itself). */
export function assertValid<T>(id: string, data: unknown, what: string): T {
  const r = validate<T>(id, data);
  if (!r.ok) {
    const lines = r.errors.map((e) => `  ${e.pointer}: ${e.messageEn} (${e.message})`).join("\n");
    throw new Error(`${what} does not match ${id}:\n${lines}`);
  }
  return r.value;
}

/**
 * The Chinese label of each value of a vocabulary defined once in `contracts/canonical/common`
 * (`x-labels`): case statuses, 12345 outcome and satisfaction codes.
 */
export function labels(def: "CaseStatus" | "Outcome" | "Satisfaction"): Record<string, string> {
  const defs = getSchema("tongguan:canonical/common").$defs as Record<string, { "x-labels"?: Record<string, string> }>;
  const l = defs[def]?.["x-labels"];
  if (!l) throw new Error(`no x-labels for ${def} in contracts/canonical/common.schema.json`);
  return l;
}
