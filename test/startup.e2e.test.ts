/**
 * Start-up as a new user meets it: `npm start`'s banner comes last, after the broker's start-up
 * (which says little), with one command to try; and simulators keep working when API_KEYS is set
 * without a key for them (they get one, and start-up says so), instead of stalling on 401s.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { startTestHub, testEnv, http, waitFor, freePort, type TestHub } from "./harness";

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "..");
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "tg-startup-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("start-up", () => {
  it("prints the banner last, with one command to try, above a quiet broker", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "bin/hub.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: tmp(), PORT: String(port), SIM_ORDERS_PER_MINUTE: "0", SIM_DISPATCH_SAMPLES: "off", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    try {
      await waitFor("the banner", async () => out.includes("试一试"), 60_000, 100);
      await new Promise((r) => setTimeout(r, 500));
      const lines = out.split("\n").filter((l) => l.trim());
      const bannerAt = lines.findIndex((l) => l.startsWith("tongguan 统管 已启动"));
      expect(bannerAt).toBeGreaterThan(0);
      // nothing from the broker after the banner, and its own chatter stays short
      expect(lines.slice(bannerAt).some((l) => / (INFO|WARN|ERROR) /.test(l))).toBe(false);
      expect(lines.filter((l) => / INFO /.test(l)).length).toBeLessThan(25);
      const tryLine = lines[lines.length - 1];
      expect(tryLine).toContain(`curl -s -H 'X-Api-Key: demo-agent-key' 'http://127.0.0.1:${port}/api/v1/cases?pageSize=5'`);
      // and the command works
      const r = await http(`http://127.0.0.1:${port}/api/v1/cases?pageSize=5`, { key: "demo-agent-key" });
      expect(r.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });

  it("gives a simulator without a key of its own a working one when API_KEYS is set", async () => {
    const logged: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void logged.push(a.join(" "));
    let hub: TestHub;
    try {
      hub = await startTestHub(testEnv({ DATA_DIR: tmp(), API_KEYS: "agent:agent-key-for-startup-test,engineer:engineer-key-for-startup" }));
    } finally {
      console.log = log;
    }
    try {
      expect(hub.cfg.demoKeys).toBe(false);
      expect(logged.some((l) => l.includes("没有 API_KEYS 中角色 hotline12345 的密钥"))).toBe(true);
      const sent = await hub.sims.hotline12345!.dispatchSamples(new Date());
      expect(sent.map((r) => r.status)).toEqual(sent.map(() => 202));
      const id = sent[0].body.caseId;
      await waitFor("the loop completes with the generated keys", async () => (await http(`${hub.url}/api/v1/cases/${id}`, { key: "agent-key-for-startup-test" })).body.status === "ARCHIVED", 40_000);
    } finally {
      await hub.stop();
    }
  });
});
