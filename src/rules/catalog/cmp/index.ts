import type { Rule } from '../../define.js';
import cmp001 from './PHI-CMP-001.js';
import cmp002 from './PHI-CMP-002.js';
import cmp003 from './PHI-CMP-003.js';

export const CMP_RULES: Rule[] = [cmp001, cmp002, cmp003];
