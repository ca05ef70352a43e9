/** Workflow histories as text a test can search: every payload decoded, so nothing hides in base64. */
import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

export function historyText(history: History): string {
  const parts: string[] = [];
  const visit = (node: unknown): void => {
    if (node instanceof Uint8Array) {
      parts.push(Buffer.from(node).toString('utf8'));
      return;
    }
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === 'object') {
      for (const value of Object.values(node)) visit(value);
      return;
    }
    if (typeof node === 'string') parts.push(node);
  };
  visit(history);
  return parts.join('\n');
}
