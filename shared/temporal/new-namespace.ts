/**
 * A namespace just registered is in the database at once (DescribeNamespace reads it there), but every other call
 * resolves namespaces through each frontend's namespace cache, which learns of it on its next refresh
 * (`system.namespaceCacheRefreshInterval`). On a self-hosted cluster that is seconds; until then a worker's polls,
 * and the creation of a Nexus endpoint that targets it, fail with "Namespace … is not found". Calls that need a new
 * namespace are retried here until it is known, within a bound; at the bound, a StartupError says which namespace and
 * what to check.
 */
import { StartupError } from '../main';

/** Long past the server's refresh (2 s by default; ~10 s seen on a self-hosted v1.29.1 with PostgreSQL). */
export const NEW_NAMESPACE_BOUND_MS = 60_000;
const RETRY_EVERY_MS = 500;

/** The server does not know `namespace` (yet): NOT_FOUND from a namespaced call, or FAILED_PRECONDITION from Nexus. */
export function isNamespaceUnknown(err: unknown, namespace: string): boolean {
  const { code, details, message } = err as { code?: number; details?: unknown; message?: unknown };
  const text = `${typeof details === 'string' ? details : ''} ${typeof message === 'string' ? message : ''}`;
  return (code === 5 || code === 9) && text.includes(`Namespace ${namespace} is not found`);
}

export class NamespaceNotKnown extends StartupError {
  override name = 'NamespaceNotKnown';
}

/**
 * `attempt()`, retried while it fails because the server does not know `namespace` yet, for at most `boundMs`; then
 * NamespaceNotKnown. `onWait` is told once, at the first retry (a line for the person waiting).
 */
export async function whenNamespaceKnown<T>(
  namespace: string,
  what: string,
  attempt: () => Promise<T>,
  opts: { address: string; boundMs?: number; onWait?: (line: string) => void },
): Promise<T> {
  const boundMs = opts.boundMs ?? NEW_NAMESPACE_BOUND_MS;
  const deadline = Date.now() + boundMs;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isNamespaceUnknown(err, namespace)) throw err;
      if (Date.now() >= deadline) {
        throw new NamespaceNotKnown(
          `namespace ${namespace} is registered, but the Temporal server at ${opts.address} still did not know it after ${Math.round(boundMs / 1000)} s (${what}); ` +
            `a frontend learns of a new namespace on its next namespace-cache refresh (system.namespaceCacheRefreshInterval): check the server's logs, then run \`npm run temporal\` again`,
          { cause: err },
        );
      }
      if (tries === 0)
        opts.onWait?.(
          `waiting for the Temporal server to know namespace ${namespace} (${what}; up to ${Math.round(boundMs / 1000)} s)`,
        );
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}
