/**
 * The Nexus endpoints of the tool domains: what the orchestrator calls (TOOL_TRANSPORT=nexus), and what
 * `npm run temporal`, `npm start`, the tests and the bench create on a dev server, targeting each domain's namespace
 * and task queue, where its worker serves the service.
 */
import { z } from 'zod';
import { defineSection } from './section';

export const nexusEndpointVariables = {
  FINANCE_NEXUS_ENDPOINT: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'expected a Nexus endpoint name')
    .default('finance-nexus-endpoint'),
  IT_NEXUS_ENDPOINT: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'expected a Nexus endpoint name')
    .default('it-nexus-endpoint'),
};

export interface NexusEndpointNames {
  finance: string;
  it: string;
}

export const nexusEndpointNamesSection = defineSection(nexusEndpointVariables, (c): NexusEndpointNames => ({
  finance: c.FINANCE_NEXUS_ENDPOINT,
  it: c.IT_NEXUS_ENDPOINT,
}));
