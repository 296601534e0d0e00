import type { Rule } from '../../define.js';
import dat001 from './PHI-DAT-001.js';
import dat002 from './PHI-DAT-002.js';
import dat003 from './PHI-DAT-003.js';
import dat004 from './PHI-DAT-004.js';

export const DAT_RULES: Rule[] = [dat001, dat002, dat003, dat004];
