import { loadConfig, ConfigError, DEMO_KEYS, parseDuration } from "./config";

const load = (env: Record<string, string>) => loadConfig(env as NodeJS.ProcessEnv);
const problems = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe("configuration", () => {
  it("runs embedded with demo keys, PGlite and simulators when nothing is set", () => {
    const c = load({});
    expect(c.mode).toBe("embedded");
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.simulators).toBe(true);
    expect(c.demoKeys).toBe(true);
    expect(c.apiKeys.get(DEMO_KEYS.agent)).toBe("agent");
    expect(c.services).toEqual(["gateway", "intake", "cases", "outbox", "routing", "delivery", "schedule", "sanctions"]);
  });

  it("production needs a database and keys, and names each missing setting", () => {
    const p = problems({ TRANSPORTER: "nats://127.0.0.1:4222" });
    expect(p.some((x) => x.startsWith("DATABASE_URL"))).toBe(true);
    expect(p.some((x) => x.startsWith("API_KEYS"))).toBe(true);
  });

  it("production turns simulators off unless SIMULATORS=on", () => {
    const base = { TRANSPORTER: "nats://h:4222", DATABASE_URL: "postgres://u@h/db", API_KEYS: "agent:aaaaaaaaaaaaaaaaaaaa" };
    expect(load(base).simulators).toBe(false);
    expect(load({ ...base, SIMULATORS: "on" }).simulators).toBe(true);
  });

  it("reports every malformed setting at once, naming it", () => {
    const p = problems({
      PORT: "http",
      TRANSPORTER: "redis://x",
      DATABASE_URL: "mysql://x",
      SERVICES: "gateway,billing",
      API_KEYS: "agent:short,nobody:abcdefabcdefabcdef",
      EXT_HOTLINE12345_URL: "not a url",
      TRIAGE_TIMEOUT: "soon",
      SIM_HUB_BATCH: "sometimes",
    });
    for (const name of ["PORT", "TRANSPORTER", "DATABASE_URL", "SERVICES", "API_KEYS", "EXT_HOTLINE12345_URL", "TRIAGE_TIMEOUT", "SIM_HUB_BATCH"]) expect(p.some((x) => x.startsWith(name))).toBe(true);
    expect(p.find((x) => x.startsWith("SERVICES"))).toContain("billing");
    // a secret is never echoed back in an error
    expect(p.join("\n")).not.toContain("abcdefabcdefabcdef");
  });

  it("refuses to split services without a transporter", () => {
    expect(problems({ SERVICES: "gateway" }).some((x) => x.startsWith("SERVICES"))).toBe(true);
  });

  it("reads per-unit URLs and unit keys", () => {
    const c = load({ EXT_UNIT_CZ_ZL_CGJ_URL: "http://10.0.0.1:8080", API_KEYS: "unit.CZ-ZL-CGJ:k1,units:k2" });
    expect(c.systems.unit.targetUrls.CZ_ZL_CGJ).toBe("http://10.0.0.1:8080");
    expect(c.apiKeys.get("k1")).toBe("unit.CZ-ZL-CGJ");
  });

  it("parses durations", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("1 fortnight")).toBeUndefined();
  });
});
