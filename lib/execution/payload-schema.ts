import type { StandardSchemaV1 } from '@standard-schema/spec';
import { TaskPayloadError, type TaskPayloadIssue } from '../errors/task-payload.error.js';
import type { TaskSchema } from '../interfaces/task-definition.interface.js';

/** A schema's verdict: its output (defaults and transforms applied), or what was wrong. */
export type SchemaVerdict = { ok: true; value: unknown } | { ok: false; issues: TaskPayloadIssue[] };

/** Runs a Standard Schema over a payload; a schema that throws counts as one issue. */
export async function checkPayload(schema: TaskSchema, payload: unknown): Promise<SchemaVerdict> {
  let result: StandardSchemaV1.Result<unknown>;
  try {
    result = await schema['~standard'].validate(payload);
  } catch (error) {
    return { ok: false, issues: [{ message: `the schema threw: ${error instanceof Error ? error.message : String(error)}`, path: [] }] };
  }
  if (result.issues === undefined) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map(plainIssue) };
}

/** The payload's schema output, or a TaskPayloadError naming the task, where, and every issue. */
export async function validatePayload(schema: TaskSchema, payload: unknown, taskName: string, where?: string): Promise<unknown> {
  const verdict = await checkPayload(schema, payload);
  if (verdict.ok) return verdict.value;
  throw new TaskPayloadError(taskName, verdict.issues, where);
}

/** An issue as plain JSON: its message, and its path as keys (a symbol key by its description). */
function plainIssue(issue: StandardSchemaV1.Issue): TaskPayloadIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    return typeof key === 'number' ? key : String(key);
  });
  return { message: String(issue.message), path };
}
