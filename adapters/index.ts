/**
 * The adapter registry: one line per external system. A new system is a new folder and a new
 * line here; the gateway, intake, delivery and the API docs pick it up from its spec.
 */
import type { AdapterSpec } from "../kit/adapter";
import { hotline12345 } from "./hotline12345/spec";
import { unit } from "./unit/spec";

export const ADAPTERS: AdapterSpec[] = [hotline12345, unit];

export function adapterBySystem(system: string): AdapterSpec | undefined {
  return ADAPTERS.find((a) => a.system === system);
}
