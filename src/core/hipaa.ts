// Names of the 45 CFR Part 164 Subpart C paragraphs phiguard cites (controls.md section 2, from the eCFR text),
// so reports can group findings under the section an auditor recognises.
export const HIPAA_SECTIONS: Readonly<Record<string, string>> = {
  '164.308(a)(1)(ii)(A)': 'Risk analysis',
  '164.308(a)(1)(ii)(B)': 'Risk management',
  '164.308(a)(1)(ii)(D)': 'Information system activity review',
  '164.308(a)(3)(ii)(A)': 'Workforce authorization and/or supervision',
  '164.308(a)(3)(ii)(B)': 'Workforce clearance procedure',
  '164.308(a)(3)(ii)(C)': 'Workforce termination procedures',
  '164.308(a)(4)(ii)(B)': 'Access authorization',
  '164.308(a)(4)(ii)(C)': 'Access establishment and modification',
  '164.308(a)(5)(ii)(B)': 'Protection from malicious software',
  '164.308(a)(5)(ii)(C)': 'Log-in monitoring',
  '164.308(a)(5)(ii)(D)': 'Password management',
  '164.308(a)(6)(ii)': 'Security incident response and reporting',
  '164.308(a)(7)(ii)(A)': 'Data backup plan',
  '164.308(a)(7)(ii)(B)': 'Disaster recovery plan',
  '164.308(a)(7)(ii)(D)': 'Testing and revision procedures',
  '164.310(d)(1)': 'Device and media controls',
  '164.310(d)(2)(i)': 'Disposal',
  '164.310(d)(2)(iv)': 'Data backup and storage',
  '164.312(a)(1)': 'Access control',
  '164.312(a)(2)(i)': 'Unique user identification',
  '164.312(a)(2)(ii)': 'Emergency access procedure',
  '164.312(a)(2)(iii)': 'Automatic logoff',
  '164.312(a)(2)(iv)': 'Encryption and decryption',
  '164.312(b)': 'Audit controls',
  '164.312(c)(1)': 'Integrity',
  '164.312(c)(2)': 'Mechanism to authenticate electronic PHI',
  '164.312(d)': 'Person or entity authentication',
  '164.312(e)(1)': 'Transmission security',
  '164.312(e)(2)(i)': 'Integrity controls',
  '164.312(e)(2)(ii)': 'Encryption',
  '164.316(b)(2)(i)': 'Documentation: time limit (6 years)',
};

export function hipaaTitle(cite: string): string {
  return HIPAA_SECTIONS[cite] ?? 'HIPAA Security Rule';
}
