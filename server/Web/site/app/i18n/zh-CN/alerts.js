// 告警页。
export default {
  'alerts.filter.state': '状态', 'alerts.filter.kind': '类型', 'alerts.filter.severity': '级别',
  'alerts.open': '未解除', 'alerts.closed': '已解除',
  'alerts.severity': '级别', 'alerts.kind': '类型', 'alerts.gateway': '网关', 'alerts.values': '触发数值', 'alerts.opened': '发生时间',
  'alerts.state': '状态', 'alerts.acknowledgedBy': '确认人', 'alerts.response': '响应用时', 'alerts.rule': '报警规则',
  'alerts.chart': '告警前后的监测数据', 'alerts.acknowledge': '确认告警', 'alerts.sent': '确认指令已下发，等待网关回复…', 'alerts.answer': '网关回复',
  'alerts.responseTimes': '本周响应时间',
  'alerts.rule.text': '{week}：工作时间（{hours}）{working} 分钟内、其他时间 {other} 分钟内响应',
  'alerts.count': '告警数', 'alerts.met': '按时响应', 'alerts.missed': '超时', 'alerts.pending': '待响应', 'alerts.median': '响应用时中位数',
};
