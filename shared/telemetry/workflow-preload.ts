/**
 * Preloaded into the workflow sandbox once per worker thread (see PRELOADED_WORKFLOW_MODULES in ./sdk): the
 * stateless OpenTelemetry modules the workflow interceptors import. Naming the package itself in `preloadModules`
 * does nothing, since webpack drops an unused require of a side-effect-free package; exporting its namespace keeps
 * every module of it in the preload.
 */
import * as semanticConventions from '@opentelemetry/semantic-conventions';

export const preloaded = { semanticConventions };
