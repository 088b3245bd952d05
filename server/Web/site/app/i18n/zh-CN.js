// The Chinese labels (the default), one file per part of the console; a key missing here shows as ⟦key⟧.
import common from './zh-CN/common.js';
import alerts from './zh-CN/alerts.js';
import registry from './zh-CN/registry.js';
import monitoring from './zh-CN/monitoring.js';
import problems from './zh-CN/problems.js';
import handling from './zh-CN/handling.js';
import reports from './zh-CN/reports.js';
import scores from './zh-CN/scores.js';

export default { ...common, ...alerts, ...registry, ...monitoring, ...problems, ...handling, ...reports, ...scores };
