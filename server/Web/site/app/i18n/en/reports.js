// The reports page: kinds of report, submission and the submission board.
export default {
  'reports.kind': 'Report', 'reports.periodLabel': 'Period',
  'reports.kind.week': 'Weekly', 'reports.kind.month': 'Monthly', 'reports.kind.quarter': 'Quarterly', 'reports.kind.half': 'Half-year', 'reports.kind.year': 'Annual',
  'submit.button': 'Approve and submit', 'submit.done': 'Submitted: {period}', 'submit.confirm': 'Approve and submit the report of {period}? Its figures are frozen; records arriving later are listed as amendments in the next report.',
  'board.title': 'Submissions', 'board.grid': 'Unit', 'board.state': 'State', 'board.by': 'Approved by', 'board.at': 'Submitted at', 'board.late': 'Late',
  'board.submitted': 'Submitted', 'board.missing': 'Not submitted', 'board.overdue': 'Overdue', 'board.summary': '{submitted} submitted, {missing} not',
  'board.none': 'No township or county under this grid',
  'amend.title': 'Amendments to the previous report', 'amend.figure': 'Figure', 'amend.submitted': 'Submitted', 'amend.now': 'Now',
};
