import { Context } from '@temporalio/activity';

export async function describeActivityContext(input: {
  greeting: string;
}): Promise<{ echoed: string; namespace: string; attempt: number }> {
  const info = Context.current().info;
  return { echoed: input.greeting, namespace: info.workflowNamespace ?? '(unknown)', attempt: info.attempt };
}
