// The steps grid members took on a task from their terminals (到达现场, 整改, 核查), each applied or refused with why:
// what the problem and complaint pages show under their handling record.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, errorText } from '../ui.js';
import { dateTime } from '../time.js';

// The steps of taskId ("problem-12", "complaint-5") as a table; member ids named by member(id).
export async function taskSteps(taskId, member) {
  try {
    const r = await get('/api/tasks/' + encodeURIComponent(taskId) + '/steps');
    return h('div', { class: 'task-steps', 'data-task': taskId }, table([
      { label: t('steps.at'), cell: s => dateTime(s.at) },
      { label: t('steps.member'), cell: s => member(s.member) },
      { label: t('steps.step'), cell: s => termOf('steps.step', s.step) },
      { label: t('steps.geofence'), optional: true, cell: s => termOf('geofence', s.geofence) },
      { label: t('steps.note'), optional: true, cell: s => v(s.note ?? '') },
      { label: t('steps.outcome'), cell: s => s.outcome
        ? [badge(termOf('steps.outcome', s.outcome), s.outcome === 'applied' ? 'ok' : 'bad'), s.reason ? [' ', v(s.reason)] : null]
        : badge(t('steps.undecided'), 'muted') },
    ], r.steps));
  } catch (e) { return h('p', { class: 'muted' }, errorText(e)); }
}
