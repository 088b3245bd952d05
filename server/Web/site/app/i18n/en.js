// The English labels, one file per part of the console, with the same keys as the Chinese ones.
import common from './en/common.js';
import alerts from './en/alerts.js';
import registry from './en/registry.js';
import monitoring from './en/monitoring.js';
import problems from './en/problems.js';
import handling from './en/handling.js';
import reports from './en/reports.js';
import scores from './en/scores.js';

export default { ...common, ...alerts, ...registry, ...monitoring, ...problems, ...handling, ...reports, ...scores };
