/**
 * 交通运输 (transport) as a bureau (kit/bureau.ts): joint-punishment notices about a road-transport
 * operator, its licence and its vehicles' 道路运输证 in transport's own format, receipts and feedback back;
 * and the cases routed to transport units (units.json `adapter: "transport"`) as complaint orders
 * naming the lines and vehicles, with receive/finish/delay/reject back.
 */
import type { TransportFeedback, TransportReceipt } from "../../contracts/types";
import type { AdapterSpec } from "../../kit/adapter";
import { bureauSpec } from "../../kit/bureau";
import {
  CASE_HUB,
  CASE_SCHEMA,
  readCaseAccept,
  readCaseExtension,
  readCaseRefuse,
  readCaseResult,
  readFeedback,
  readReceipt,
  SCHEMA,
  SYSTEM,
  toTransportNotice,
  toTransportReminder,
  toTransportRecall,
  toTransportTask,
  toTransportUrge,
} from "./mapping";
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
  cases: {
    hub: CASE_HUB,
    task: { schema: CASE_SCHEMA.task, summary: "派发投诉工单：承办部门、涉及线路与车辆 / a case to a transport unit, with its lines and vehicles", build: toTransportTask },
    urge: { schema: CASE_SCHEMA.urge, summary: "工单预警/催办/督办 / urge or supervise a transport unit", build: toTransportUrge },
    recall: { schema: CASE_SCHEMA.recall, summary: "工单撤回 / recall an order (the case moved elsewhere)", build: toTransportRecall },
    accept: { schema: CASE_SCHEMA.accept, summary: "工单签收：交通运输承办部门签收投诉工单 / a transport unit signs for its order", read: readCaseAccept },
    result: { schema: CASE_SCHEMA.result, summary: "工单办结：处理结果及对经营者、车辆的处理情况 / a transport unit reports the result", read: readCaseResult },
    extension: { schema: CASE_SCHEMA.extension, summary: "工单延期申请 / a transport unit asks for more time", read: readCaseExtension },
    refuse: { schema: CASE_SCHEMA.refuse, summary: "工单退回：非本单位职责 / a transport unit refuses the order", read: readCaseRefuse },
  },
  simulator: (s, log) => createTransportSimulator({ receiptDelayMs: s.unitAcceptMs, feedbackDelayMs: s.unitWorkMs, log }),
});
