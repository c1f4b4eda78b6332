/**
 * Starts the hub: `npm start`. Reads the configuration (fails fast naming any bad setting),
 * starts the simulators for external systems without a URL (embedded mode, or SIMULATORS=on),
 * then the Moleculer services chosen by SERVICES.
 */
import { ServiceBroker } from "moleculer";
import { brokerOptions } from "../moleculer.config";
import { randomBytes } from "node:crypto";
import { ConfigError, DEMO_KEYS, loadConfig, setConfig, type Config, type ServiceName } from "../lib/config";
import { setSimulatorUrl } from "../lib/endpoints";
import { closeAllDbs } from "../lib/db";
import { maskText } from "../lib/mask";
import { compileAll } from "../contracts";
import { ADAPTERS } from "../adapters";
import type { AdapterSimulator } from "../kit/adapter";
import CasesService from "../services/cases.service";
import IntakeService from "../services/intake.service";
import RoutingService from "../services/routing.service";
import DeliveryService from "../services/delivery.service";
import OutboxService from "../services/outbox.service";
import ScheduleService from "../services/schedule.service";
import SanctionsService from "../services/sanctions.service";
import GatewayService from "../services/gateway.service";

const SERVICES: Record<ServiceName, object> = {
  routing: RoutingService,
  intake: IntakeService,
  cases: CasesService,
  outbox: OutboxService,
  delivery: DeliveryService,
  schedule: ScheduleService,
  sanctions: SanctionsService,
  gateway: GatewayService,
};

export interface Hub {
  cfg: Config;
  broker: ServiceBroker;
  /** the simulators this process runs, by system */
  sims: Record<string, AdapterSimulator>;
  /** prints the start-up banner (call it last, once the simulators have started their streams) */
  banner(): void;
  stop(): Promise<void>;
}

function keyFor(cfg: Config, role: string): string | undefined {
  for (const [k, r] of cfg.apiKeys) if (r === role) return k;
  return undefined;
}

export async function startHub(cfg: Config, opts: { nodeID?: string; quiet?: boolean } = {}): Promise<Hub> {
  setConfig(cfg);
  compileAll(); // a broken contract stops start-up here, not at the first request
  const say = (line: string) => !opts.quiet && console.log(line);
  // every external system without a URL is played by its adapter's simulator (in the process that delivers)
  const sims: Hub["sims"] = {};
  if (cfg.simulators && cfg.services.includes("delivery")) {
    for (const spec of ADAPTERS) {
      const ep = cfg.systems[spec.system];
      if (!spec.simulator || ep?.url) continue;
      const sim = spec.simulator.create(cfg.sim, (l) => say(`[${spec.title}·模拟器] ${maskText(l)}`));
      setSimulatorUrl(spec.system, await sim.start(ep?.simPort ?? 0));
      sims[spec.system] = sim;
    }
  }
  const simKeys = simulatorKeys(cfg, sims);

  const broker = new ServiceBroker(brokerOptions(cfg, opts.nodeID));
  for (const name of cfg.services) broker.createService(SERVICES[name] as never);
  await broker.start();

  const hubUrl = cfg.services.includes("gateway") && !process.env.HUB_URL ? `http://127.0.0.1:${gatewayPort(broker) ?? cfg.port}` : cfg.hubUrl;
  for (const spec of ADAPTERS) if (sims[spec.system]) sims[spec.system].setHub(hubUrl, simKeys[spec.system]);
  return {
    cfg,
    broker,
    sims,
    banner: () => {
      if (cfg.services.includes("gateway")) banner(cfg, hubUrl, sims, say);
    },
    async stop() {
      for (const sim of Object.values(sims)) await sim.stop();
      await broker.stop();
      await closeAllDbs();
    },
  };
}

/**
 * The key each simulator calls the hub with. With API_KEYS set, a simulated system may have no
 * key of its own: in the process that runs the gateway it gets a generated one (said at start);
 * elsewhere that is a start-up error naming the role, never a silent stream of 401s.
 */
function simulatorKeys(cfg: Config, sims: Hub["sims"]): Record<string, string> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const spec of ADAPTERS) {
    if (!sims[spec.system]) continue;
    const role = spec.simulator!.role;
    let key = keyFor(cfg, role);
    if (!key && cfg.services.includes("gateway")) {
      key = `sim-${role}-${randomBytes(12).toString("hex")}`;
      cfg.apiKeys.set(key, role);
      console.log(`模拟器「${spec.title}」没有 API_KEYS 中角色 ${role} 的密钥，已为本进程生成一个 / generated a key for the ${role} simulator`);
    }
    if (key) out[spec.system] = key;
    else missing.push(`${role}（${spec.title}模拟器）`);
  }
  if (missing.length)
    throw new ConfigError(missing.map((m) => `API_KEYS: 已开启模拟器，但没有角色 ${m} 的密钥；网关在其他节点上，请在 API_KEYS 中为它配置 / the simulator has no key and the gateway runs elsewhere`));
  return out;
}

function banner(cfg: Config, hubUrl: string, sims: Hub["sims"], say: (l: string) => void) {
  {
    say("");
    say(`tongguan 统管 已启动（${cfg.mode === "embedded" ? "嵌入模式 embedded: PGlite " + cfg.dataDir : "生产模式 production"}）`);
    say(`  控制台      ${hubUrl}/console`);
    say(`  API        ${hubUrl}/api/v1/cases`);
    say(`  接口文档    ${hubUrl}/api/docs`);
    if (cfg.demoKeys) {
      say("  演示密钥 demo keys (X-Api-Key):");
      for (const [role, key] of Object.entries(DEMO_KEYS)) say(`    ${role.padEnd(13)} ${key}`);
    }
    for (const spec of ADAPTERS) if (sims[spec.system]) say(`  模拟器 ${spec.title.padEnd(12, "　")} ${sims[spec.system].url}`);
    const agentKey = keyFor(cfg, "agent");
    say("  试一试 try:");
    say(`    curl -s -H 'X-Api-Key: ${cfg.demoKeys && agentKey ? agentKey : "<agent 密钥>"}' '${hubUrl}/api/v1/cases?pageSize=5'`);
    say("");
  }
}

function gatewayPort(broker: ServiceBroker): number | undefined {
  const gw = broker.getLocalService("gateway") as unknown as { server?: { address(): { port: number } | string | null } } | undefined;
  const a = gw?.server?.address();
  return a && typeof a === "object" ? a.port : undefined;
}

async function main() {
  let cfg: Config;
  try {
    cfg = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  let hub: Hub;
  try {
    hub = await startHub(cfg);
  } catch (e) {
    console.error(`启动失败 / start-up failed: ${(e as Error).message}`);
    process.exit(1);
  }
  if (cfg.services.includes("gateway")) for (const sim of Object.values(hub.sims)) await sim.hubReady?.();
  hub.banner();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`收到 ${signal}，正在停止… / stopping`);
    await hub.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

if (require.main === module) void main();
