import type { Rule } from '../../define.js';
import stg001 from './PHI-STG-001.js';
import stg002 from './PHI-STG-002.js';
import stg003 from './PHI-STG-003.js';
import stg004 from './PHI-STG-004.js';
import stg005 from './PHI-STG-005.js';
import stg006 from './PHI-STG-006.js';
import stg007 from './PHI-STG-007.js';
import stg008 from './PHI-STG-008.js';
import stg009 from './PHI-STG-009.js';

export const STG_RULES: Rule[] = [stg001, stg002, stg003, stg004, stg005, stg006, stg007, stg008, stg009];
