/**
 * Broker options from the configuration. Embedded: no transporter, channels in-process (the
 * outbox in the store is what makes messages durable). Production: NATS for the bus and
 * JetStream for the `tg.outbound` channel, so an outbound message handed to the bus survives
 * the crash of the node delivering it.
 */
import type { BrokerOptions } from "moleculer";
import { Middleware as ChannelsMiddleware } from "@moleculer/channels";
import type { Config } from "./lib/config";
import { inspect } from "node:util";
import { maskText } from "./lib/mask";
import { StoreErrorsMiddleware } from "./lib/db";

/** Every log argument leaves as text with phones and ID numbers masked (objects and errors included). */
const mask = (a: unknown) => maskText(typeof a === "string" ? a : inspect(a, { depth: 4, breakLength: Infinity }));

export function brokerOptions(cfg: Config, nodeID?: string): BrokerOptions {
  const channelsAdapter = cfg.transporter
    ? {
        type: "NATS",
        options: {
          nats: {
            url: cfg.transporter,
            connectionOptions: {},
            streamConfig: {},
            consumerOptions: { config: { deliver_policy: "new", ack_policy: "explicit", ack_wait: 30_000_000_000 } },
          },
          maxInFlight: 16,
          maxRetries: 5,
          deadLettering: { enabled: true, queueName: "DEAD_LETTER" },
        },
      }
    : { type: "Fake" };
  return {
    namespace: cfg.namespace,
    nodeID: nodeID ?? cfg.nodeId,
    transporter: cfg.transporter ? { type: "NATS", options: { url: cfg.transporter } } : undefined,
    registry: { strategy: "RoundRobin", preferLocal: true },
    requestTimeout: 30_000,
    retryPolicy: { enabled: false },
    logger: {
      type: "Console",
      options: {
        // the broker's own start-up chatter (≈ 40 INFO lines) stays below the banner's level;
        // services' lines and every warning or error still show
        level: cfg.logLevel === "info" ? { BROKER: "warn", TRANSIT: "warn", REGISTRY: "warn", DISCOVERY: "warn", TRANSPORTER: "warn", CHANNELS: "warn", METRICS: "warn", "**": "info" } : cfg.logLevel,
        colors: process.stdout.isTTY === true,
        moduleColors: false,
        // personal data never reaches the log: phones and ID numbers in any string are masked
        formatter: (type: string, args: unknown[], bindings: { nodeID: string; mod: string }) => [
          `${new Date().toISOString()} ${type.toUpperCase().padEnd(5)} ${bindings.nodeID}/${bindings.mod.toUpperCase()}:`,
          ...args.map(mask),
        ],
      },
    },
    metrics: cfg.metricsPort
      ? {
          enabled: true,
          reporter: [
            {
              type: "Prometheus",
              options: {
                port: cfg.metricsPort,
                path: "/metrics",
                defaultLabels: (r: { broker: { namespace: string; nodeID: string } }) => ({ namespace: r.broker.namespace, nodeID: r.broker.nodeID }),
              },
            },
          ],
        }
      : { enabled: false },
    // store errors leave a node as 503 STORE_UNAVAILABLE, not as a query text that becomes a 500 elsewhere
    middlewares: [StoreErrorsMiddleware as never, ChannelsMiddleware({ adapter: channelsAdapter } as never)],
    tracking: { enabled: true, shutdownTimeout: 10_000 },
    // Off by default; the in-process channel (embedded mode) turns it on for tg.outbound with
    // maxInFlight as concurrency and needs room to queue a burst the relay hands over at once
    // (with Moleculer's default of 100, a burst overflowed and waited for the outbox lease).
    bulkhead: { enabled: false, concurrency: 16, maxQueueSize: 100_000 },
  };
}
