// The Chinese labels (the default), one file per part of the console; a key missing here shows as ⟦key⟧.
import common from './zh-CN/common.js';
import alerts from './zh-CN/alerts.js';
import problems from './zh-CN/problems.js';

export default { ...common, ...alerts, ...problems };
