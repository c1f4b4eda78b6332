/**
 * Where each external system is reached: EXT_<SYSTEM>_URL when set, else the built-in
 * simulator started by this process (bin/hub.ts registers its URL here). Units: their own
 * EXT_UNIT_<ID>_URL, else the `url` in the routing data, else EXT_UNITS_URL, else the unit
 * simulator.
 */
import type { Config } from "./config";

const simulators = new Map<string, string>();

export function setSimulatorUrl(system: string, url: string | undefined): void {
  if (url) simulators.set(system, url);
  else simulators.delete(system);
}

export function unitKey(unitId: string): string {
  return unitId.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

export function resolveEndpoint(cfg: Config, system: string, target: string | null, unitDataUrl?: string): string | undefined {
  if (system === "unit") {
    if (target && cfg.unitUrls[unitKey(target)]) return cfg.unitUrls[unitKey(target)];
    return unitDataUrl ?? cfg.unitsUrl ?? simulators.get("unit");
  }
  return cfg.externalUrls[system] ?? simulators.get(system);
}

/** EXT_<SYSTEM>_API_KEY, sent as X-Api-Key to that system when set (secrets come from the environment). */
export function outboundHeaders(system: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const key = env[`EXT_${system.toUpperCase()}_API_KEY`];
  return key ? { "x-api-key": key } : {};
}
