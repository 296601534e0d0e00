// Azure clouds and their endpoints. Values from @azure/identity's AzureAuthorityHosts and the `az cloud show`
// output of each cloud; the token audience of ARM and Graph stays the cloud's even when a test points the
// endpoint at a loopback server.
export const CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudEndpoints {
  name: CloudName;
  /** Azure Resource Manager, also serving Resource Graph. */
  arm: string;
  armScope: string;
  graph: string;
  graphScope: string;
  authorityHost: string;
}

const CLOUDS: Record<CloudName, Omit<CloudEndpoints, 'name'>> = {
  AzureCloud: {
    arm: 'https://management.azure.com',
    armScope: 'https://management.azure.com/.default',
    graph: 'https://graph.microsoft.com',
    graphScope: 'https://graph.microsoft.com/.default',
    authorityHost: 'https://login.microsoftonline.com',
  },
  AzureUSGovernment: {
    arm: 'https://management.usgovcloudapi.net',
    armScope: 'https://management.usgovcloudapi.net/.default',
    graph: 'https://graph.microsoft.us',
    graphScope: 'https://graph.microsoft.us/.default',
    authorityHost: 'https://login.microsoftonline.us',
  },
  AzureChinaCloud: {
    arm: 'https://management.chinacloudapi.cn',
    armScope: 'https://management.chinacloudapi.cn/.default',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    graphScope: 'https://microsoftgraph.chinacloudapi.cn/.default',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
};

/**
 * The endpoints of a cloud, with PHIGUARD_ARM_ENDPOINT, PHIGUARD_GRAPH_ENDPOINT and AZURE_AUTHORITY_HOST (the
 * variable @azure/identity reads) overriding them: a private endpoint, a proxy, or the test suite's loopback Azure.
 */
export function cloudEndpoints(name: CloudName, env: NodeJS.ProcessEnv = process.env): CloudEndpoints {
  const cloud = CLOUDS[name];
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    name,
    ...cloud,
    arm: trim(env.PHIGUARD_ARM_ENDPOINT || cloud.arm),
    graph: trim(env.PHIGUARD_GRAPH_ENDPOINT || cloud.graph),
    authorityHost: trim(env.AZURE_AUTHORITY_HOST || cloud.authorityHost),
  };
}

/** True when the authority is one of the public clouds' (MSAL validates those itself; others skip discovery). */
export function isKnownAuthority(host: string): boolean {
  return Object.values(CLOUDS).some((cloud) => cloud.authorityHost === host.replace(/\/+$/, ''));
}
