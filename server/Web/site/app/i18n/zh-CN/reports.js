// The reports page: kinds of report, submission (审定上报) and the submission board.
export default {
  'reports.kind': '报表类型', 'reports.periodLabel': '周期',
  'reports.kind.week': '周报', 'reports.kind.month': '月报', 'reports.kind.quarter': '季报', 'reports.kind.half': '半年报', 'reports.kind.year': '年报',
  'submit.button': '审定上报', 'submit.done': '已审定上报：{period}', 'submit.confirm': '审定并上报 {period} 的报表？上报后数据冻结，之后到达的记录列入下期更正。',
  'board.title': '报送情况', 'board.grid': '单位', 'board.state': '状态', 'board.by': '审定人', 'board.at': '上报时间', 'board.late': '逾期上报',
  'board.submitted': '已报送', 'board.missing': '未报送', 'board.overdue': '逾期未报', 'board.summary': '已报送 {submitted}，未报送 {missing}',
  'board.none': '该网格下没有乡镇或区县',
  'amend.title': '上期报表更正', 'amend.figure': '指标', 'amend.submitted': '上报值', 'amend.now': '现值',
};
