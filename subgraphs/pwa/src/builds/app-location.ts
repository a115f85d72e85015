/** The GraphQL API of the gateway, on the same public origin as the apps (the load balancer routes both). */
export const API_PATH = '/graphql';

/**
 * Where a business's app lives on the public origin: `<publicUrl>/apps/<businessId>/...`.
 * Paths keep the public URL's own path prefix, if it has one.
 */
export function appLocation(publicUrl: string, businessId: string) {
  const root = publicUrl.replace(/\/+$/, '');
  const prefix = new URL(root).pathname.replace(/\/+$/, '');
  return {
    appBasePath: `${prefix}/apps/${businessId}`,
    versionUrl: (version: number, file: string) => `${root}/apps/${businessId}/v/${version}/${file}`,
    latestUrl: (file: string) => `${root}/apps/${businessId}/latest/${file}`,
  };
}
