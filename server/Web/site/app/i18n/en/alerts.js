// The alerts page.
export default {
  'alerts.filter.state': 'State', 'alerts.filter.kind': 'Kind', 'alerts.filter.severity': 'Severity',
  'alerts.open': 'Open', 'alerts.closed': 'Cleared',
  'alerts.severity': 'Severity', 'alerts.kind': 'Kind', 'alerts.gateway': 'Gateway', 'alerts.values': 'Values', 'alerts.opened': 'Opened',
  'alerts.state': 'State', 'alerts.acknowledgedBy': 'Acknowledged by', 'alerts.response': 'Response', 'alerts.rule': 'Rule',
  'alerts.chart': 'Readings around the alert', 'alerts.acknowledge': 'Acknowledge', 'alerts.sent': 'Sent to the gateway; waiting for its answer…', 'alerts.answer': 'Gateway answered',
  'alerts.responseTimes': 'Response times this week',
  'alerts.rule.text': '{week}: respond within {working} min in working hours ({hours}), {other} min otherwise',
  'alerts.count': 'Alerts', 'alerts.met': 'In time', 'alerts.missed': 'Late', 'alerts.pending': 'Pending', 'alerts.median': 'Median response',
};
