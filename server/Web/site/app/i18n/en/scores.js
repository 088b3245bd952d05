// The scores page (assessment, 考核计分).
export default {
  'nav.scores': 'Assessment scores',
  'scores.period': 'Period', 'scores.sheet': 'Score sheet', 'scores.sheetDefault': 'By grid level', 'scores.show': 'Show',
  'scores.ranking': 'Ranking', 'scores.rank': 'Rank', 'scores.grid': 'Grid', 'scores.level': 'Level', 'scores.total': 'Score', 'scores.grade': 'Grade',
  'scores.grade.excellent': 'Excellent', 'scores.grade.good': 'Good', 'scores.grade.pass': 'Pass', 'scores.grade.fail': 'Fail',
  'scores.published': 'Published', 'scores.live': 'Computed from the ledgers now, not yet published.', 'scores.publish': 'Approve and publish',
  'scores.bonus': 'Bonus', 'scores.onSite': 'Assessed on site', 'scores.count': '{n} records', 'scores.more': '{n} more',
  'scores.rule.late-case': 'Cases not finished on time', 'scores.rule.missed-complaint': 'Complaints not reached in time', 'scores.rule.patrol-week-missed': 'Weeks without a patrol',
  'scores.rule.uncoded-grid': 'Grids not coded (no boundary)', 'scores.rule.fire-point': 'Fire points during a ban', 'scores.rule.joint-enforcement': 'Transfers not accepted (joint enforcement)',
  'scores.rule.platform-use': 'Platform in use', 'scores.rule.register': 'Register entries',
  'scores.registers': 'Meetings, training and supervision', 'scores.register.kind': 'Kind', 'scores.register.meeting': 'Joint meeting', 'scores.register.training': 'Member training',
  'scores.register.supervision': 'Supervision visit', 'scores.register.date': 'Date', 'scores.register.attendees': 'Attendees', 'scores.register.attendeesHint': 'Names, separated by commas',
  'scores.register.minutes': 'Minutes', 'scores.register.photo': 'Photo (evidence)', 'scores.register.add': 'Register', 'scores.register.saved': 'Registered',
};
