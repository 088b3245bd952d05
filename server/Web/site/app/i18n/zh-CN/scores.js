// 考核计分 (the scores page): terms of 003's 考核细则 and 002's 村级网格考核.
export default {
  'nav.scores': '考核计分',
  'scores.period': '考核期', 'scores.sheet': '考核细则', 'scores.sheetDefault': '按网格层级', 'scores.show': '查看',
  'scores.ranking': '排名', 'scores.rank': '名次', 'scores.grid': '网格', 'scores.level': '层级', 'scores.total': '得分', 'scores.grade': '等次',
  'scores.grade.excellent': '优秀', 'scores.grade.good': '良好', 'scores.grade.pass': '合格', 'scores.grade.fail': '不合格',
  'scores.published': '已通报公布', 'scores.live': '按台账实时计分，尚未公布。', 'scores.publish': '审定公布',
  'scores.bonus': '加分项', 'scores.onSite': '现场考核', 'scores.count': '{n} 项', 'scores.more': '另有 {n} 项',
  'scores.rule.late-case': '未按规定时间办结', 'scores.rule.missed-complaint': '信访未按时到场', 'scores.rule.patrol-week-missed': '未完成每周巡查',
  'scores.rule.uncoded-grid': '网格未编码（无边界）', 'scores.rule.fire-point': '禁烧期火点', 'scores.rule.joint-enforcement': '移交移送未受理（联合执法）',
  'scores.rule.platform-use': '使用网格化平台', 'scores.rule.register': '台账登记',
  'scores.registers': '会议、培训、督查台账', 'scores.register.kind': '类别', 'scores.register.meeting': '联席会议', 'scores.register.training': '网格员培训',
  'scores.register.supervision': '督查', 'scores.register.date': '日期', 'scores.register.attendees': '参加人员', 'scores.register.attendeesHint': '姓名，用顿号或逗号分隔',
  'scores.register.minutes': '会议纪要／记录', 'scores.register.photo': '照片（佐证）', 'scores.register.add': '登记', 'scores.register.saved': '已登记',
};
