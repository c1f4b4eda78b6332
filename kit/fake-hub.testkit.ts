/**
 * For simulator tests: a stand-in for the hub's gateway that records every call (path, API key,
 * JSON body) and answers what the test's `answer` says, and a short wait for a condition.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HubCall {
  path: string;
  apiKey?: string;
  body: any;
}

export async function startFakeHub(answer: (path: string, body: any) => { status: number; body: unknown }) {
  const calls: HubCall[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    const path = req.url ?? "";
    calls.push({ path, apiKey: req.headers["x-api-key"] as string | undefined, body });
    const a = answer(path, body);
    res.writeHead(a.status, { "content-type": "application/json" });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { calls, url, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

export async function until(cond: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
