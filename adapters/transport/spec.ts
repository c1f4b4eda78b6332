/**
 * 交通运输 (transport) as a bureau (kit/bureau.ts): joint-punishment notices about a road-transport
 * operator, its licence and its vehicles' 道路运输证 in transport's own format, receipts and feedback back.
 */
import type { TransportFeedback, TransportReceipt } from "../../contracts/types";
import type { AdapterSpec } from "../../kit/adapter";
import { bureauSpec } from "../../kit/bureau";
import { readFeedback, readReceipt, SCHEMA, SYSTEM, toTransportNotice, toTransportReminder } from "./mapping";
import { createTransportSimulator } from "./simulator";

export const transport: AdapterSpec = bureauSpec<TransportReceipt, TransportFeedback>({
  system: SYSTEM,
  title: "交通运输局",
  bureau: "transport",
  callerLabel: "交通运输局联合惩戒接口",
  urlExample: "https://jtj.example.gov.cn/enforcement-api",
  receipt: { schema: SCHEMA.receipt, summary: "抄告签收：交通运输签收联合惩戒抄告或撤销抄告 / transport signs for a notice", read: readReceipt },
  feedback: {
    schema: SCHEMA.feedback,
    summary: "措施落实情况：逐项反馈经营许可、道路运输证核查处理结果 / transport reports per review item",
    needs: [{ fields: ["results", "conclusion"], zh: "至少需要逐项处理结果或处理结论之一", en: "results or a conclusion are needed" }],
    read: readFeedback,
  },
  notice: { schema: SCHEMA.notice, summary: "联合惩戒抄告：核查经营者的道路运输经营许可及车辆道路运输证，撤销抄告时解除 / review an operator's licence and vehicles", build: toTransportNotice },
  receiptRequest: { schema: SCHEMA.reminder, summary: "催签收/催反馈 / remind transport of a due receipt or feedback", build: toTransportReminder },
  simulator: (s, log) => createTransportSimulator({ receiptDelayMs: s.unitAcceptMs, feedbackDelayMs: s.unitWorkMs, log }),
});
