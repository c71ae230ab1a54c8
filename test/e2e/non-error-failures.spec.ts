import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

type Kind =
  | 'throw-string'
  | 'throw-undefined'
  | 'throw-null'
  | 'throw-object'
  | 'throw-circular-object'
  | 'return-bigint'
  | 'return-function'
  | 'return-circular';

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { code: 'E_LOOP' };
  value.self = value;
  return value;
}

@Injectable()
class OddTasks {
  @TaskHandler('odd')
  async odd(payload: { kind: Kind }): Promise<unknown> {
    switch (payload.kind) {
      case 'throw-string':
        throw 'quota exceeded for tenant 7';
      case 'throw-undefined':
        throw undefined;
      case 'throw-null':
        throw null;
      case 'throw-object':
        throw { code: 'E_QUOTA', detail: 'tenant 7 is over quota' };
      case 'throw-circular-object':
        throw circular();
      case 'return-bigint':
        return { total: 10n };
      case 'return-function':
        return () => 'not data';
      case 'return-circular':
        return circular();
    }
  }
}

describe('non-Error throws and results JSON cannot carry are recorded as failures with a readable message', () => {
  const prefix = uniquePrefix('non-error-failures');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [OddTasks], { defaults: { attempts: 1 } });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it.each<[Kind, RegExp]>([
    ['throw-string', /^quota exceeded for tenant 7$/],
    ['throw-undefined', /undefined/],
    ['throw-null', /null/],
    ['throw-object', /E_QUOTA.*tenant 7 is over quota/],
    ['throw-circular-object', /E_LOOP/],
    ['return-bigint', /BigInt/i],
    ['return-function', /function/i],
    ['return-circular', /circular/i],
  ])('%s: dead, with a message matching %s', async (kind, readable) => {
    const ref = await t.queue.enqueue('odd', { kind });
    const error = await rejectionOf(t.queue, ref);
    const info = await finalInfo(t.queue, ref);

    expect(info.state).toBe('dead');
    expect(info.result).toBeUndefined();
    const message = info.error?.message ?? '';
    expect(message).toMatch(readable);
    expect(message).not.toContain('[object Object]');
    expect(error.message).toBe(message);
  });
});
