/**
 * For simulator tests: a stand-in for the hub's gateway that records every call (path, API key,
 * JSON body) and answers what the test's `answer` says, and a short wait for a condition.
 * It also takes POST /api/v1/batch as the hub does (kit/hub-link.ts sends posts made together
 * that way): each item is recorded and answered as the call it stands for, in item order, and
 * the batch answers one result per item; `batches` counts the items of each batch received.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { HUB_BATCH_PATH } from "./hub-link";

export interface HubCall {
  path: string;
  apiKey?: string;
  body: any;
}

export async function startFakeHub(answer: (path: string, body: any) => { status: number; body: unknown }) {
  const calls: HubCall[] = [];
  const batches: number[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    const path = req.url ?? "";
    const apiKey = req.headers["x-api-key"] as string | undefined;
    const one = (p: string, b: unknown) => {
      calls.push({ path: p, apiKey, body: b });
      return answer(p, b);
    };
    const a =
      req.method === "POST" && path === HUB_BATCH_PATH && Array.isArray(body?.items)
        ? (batches.push(body.items.length), { status: 200, body: { results: (body.items as { path: string; body: unknown }[]).map((it) => one(it.path, it.body)) } })
        : one(path, body);
    res.writeHead(a.status, { "content-type": "application/json" });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { calls, batches, url, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

export async function until(cond: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
