import type { Rule } from '../../define.js';
import log001 from './PHI-LOG-001.js';
import log002 from './PHI-LOG-002.js';
import log003 from './PHI-LOG-003.js';
import log004 from './PHI-LOG-004.js';
import log005 from './PHI-LOG-005.js';
import log006 from './PHI-LOG-006.js';
import log007 from './PHI-LOG-007.js';
import log008 from './PHI-LOG-008.js';
import log009 from './PHI-LOG-009.js';

export const LOG_RULES: Rule[] = [log001, log002, log003, log004, log005, log006, log007, log008, log009];
