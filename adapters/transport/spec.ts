/**
 * 交通运输 (transport) as a bureau (kit/bureau.ts): joint-punishment notices about a road-transport
 * operator, its licence and its vehicles' 道路运输证 in transport's own format, receipts and feedback back;
 * and the cases routed to transport units (units.json `adapter: "transport"`) as complaint orders
 * naming the lines and vehicles, with receive/finish/delay/reject back. The wire is the mapping's
 * `WIRE` (kit/bureau-wire.ts); here the titles and summaries.
 */
import type { AdapterSpec } from "../../kit/adapter";
import { bureauAdapter } from "../../kit/bureau-wire";
import { readFeedback, toTransportNotice, toTransportTask, WIRE } from "./mapping";
import { createTransportSimulator } from "./simulator";

export const transport: AdapterSpec = bureauAdapter(WIRE, {
  title: "交通运输局",
  callerLabel: "交通运输局联合惩戒接口",
  urlExample: "https://jtj.example.gov.cn/enforcement-api",
  receipt: "抄告签收：交通运输签收联合惩戒抄告或撤销抄告 / transport signs for a notice",
  feedback: {
    summary: "措施落实情况：逐项反馈经营许可、道路运输证核查处理结果 / transport reports per review item",
    needs: [{ fields: ["results", "conclusion"], zh: "至少需要逐项处理结果或处理结论之一", en: "results or a conclusion are needed" }],
    read: readFeedback,
  },
  notice: { summary: "联合惩戒抄告：核查经营者的道路运输经营许可及车辆道路运输证，撤销抄告时解除 / review an operator's licence and vehicles", build: toTransportNotice },
  receiptRequest: "催签收/催反馈 / remind transport of a due receipt or feedback",
  cases: {
    task: { summary: "派发投诉工单：承办部门、涉及线路与车辆 / a case to a transport unit, with its lines and vehicles", build: toTransportTask },
    urge: "工单预警/催办/督办 / urge or supervise a transport unit",
    recall: "工单撤回 / recall an order (the case moved elsewhere)",
    accept: "工单签收：交通运输承办部门签收投诉工单 / a transport unit signs for its order",
    result: "工单办结：处理结果及对经营者、车辆的处理情况 / a transport unit reports the result",
    extension: "工单延期申请 / a transport unit asks for more time",
    refuse: "工单退回：非本单位职责 / a transport unit refuses the order",
  },
  simulator: createTransportSimulator,
});
