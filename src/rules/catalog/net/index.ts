import type { Rule } from '../../define.js';
import net001 from './PHI-NET-001.js';
import net002 from './PHI-NET-002.js';
import net003 from './PHI-NET-003.js';
import net004 from './PHI-NET-004.js';
import net005 from './PHI-NET-005.js';
import net006 from './PHI-NET-006.js';
import net007 from './PHI-NET-007.js';
import net008 from './PHI-NET-008.js';
import net009 from './PHI-NET-009.js';
import net010 from './PHI-NET-010.js';

export const NET_RULES: Rule[] = [net001, net002, net003, net004, net005, net006, net007, net008, net009, net010];
