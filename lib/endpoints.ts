/**
 * Where each external system (and each of its targets) is reached, from the settings its
 * adapter spec declares: a target's own URL (`targetUrl` setting, then the `url` in the city
 * data), else the system's URL, else the built-in simulator this process started (bin/hub.ts
 * registers its URL here).
 */
import { targetKey, type Config } from "./config";

const simulators = new Map<string, string>();

export function setSimulatorUrl(system: string, url: string | undefined): void {
  if (url) simulators.set(system, url);
  else simulators.delete(system);
}

export function resolveEndpoint(cfg: Config, system: string, target: string | null, dataUrl?: string): string | undefined {
  const ep = cfg.systems[system];
  if (target && ep?.targetUrls[targetKey(target)]) return ep.targetUrls[targetKey(target)];
  return (target ? dataUrl : undefined) ?? ep?.url ?? simulators.get(system);
}

/** The X-Api-Key sent to a system, when its `apiKey` setting is set (secrets come from the environment). */
export function outboundHeaders(cfg: Config, system: string): Record<string, string> {
  const key = cfg.systems[system]?.apiKey;
  return key ? { "x-api-key": key } : {};
}
