/**
 * Hand-off: the messages a change wrote already claimed go to delivery right after commit. When
 * delivery runs in this process they are handed over in memory (no bus, no serialising); when it
 * runs elsewhere they go on the `tg.outbound` channel (JetStream in production) as ONE message
 * per change (a batch), published without waiting for it. Either way the row is leased in the store: if the hand-off or the
 * delivering node fails, the lease runs out and the outbox service sends it again.
 */
import type { ServiceBroker } from "moleculer";
import type { OutboundCommand } from "../kit/adapter";

export const OUTBOUND_CHANNEL = "tg.outbound";

/** What travels on the channel: the messages one change (or one recovery pass) handed off. */
export interface HandOffBatch {
  batch: OutboundCommand[];
}

interface LocalDelivery {
  deliverAll(cmds: OutboundCommand[]): void;
}

export function handOff(broker: ServiceBroker, cmds: OutboundCommand[]): void {
  if (!cmds.length) return;
  const local = broker.getLocalService("delivery") as unknown as LocalDelivery | undefined;
  if (local?.deliverAll) {
    local.deliverAll(cmds);
    return;
  }
  const send = (broker as unknown as { sendToChannel(n: string, p: HandOffBatch): Promise<void> }).sendToChannel.bind(broker);
  send(OUTBOUND_CHANNEL, { batch: cmds }).catch((e: Error) =>
    broker.logger.warn(`outbox ${cmds.map((c) => c.id).join(", ")}: the bus refused the hand-off; the leases will send them again: ${e.message}`),
  );
}
