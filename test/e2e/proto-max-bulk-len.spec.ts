import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { TaskModule, TaskQueue, TaskStoreError } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { uniquePrefix } from '../utils/redis.js';

// A Redis whose proto-max-bulk-len is under the app's maxPayloadBytes refuses a payload over it as a protocol
// error and closes the connection. The enqueue fails naming that setting and what to do, writes nothing, and
// the app goes on once the connection is back.

describe('a payload over the server\'s proto-max-bulk-len', () => {
  let server: OwnRedis;
  let admin: Redis;
  let app: TestingModule;

  beforeAll(async () => {
    server = await ownRedis(['--appendonly', 'no', '--proto-max-bulk-len', '1mb']);
    await server.start();
    admin = new Redis(server.url);
    app = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: server.url, prefix: uniquePrefix('bulk-len'), worker: false, maxPayloadBytes: 4 * 1024 * 1024 })],
    }).compile();
    app.useLogger(false);
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    admin?.disconnect();
    await server?.destroy();
  });

  it('fails naming proto-max-bulk-len, writes nothing, and the next enqueue works', async () => {
    const queue = app.get(TaskQueue);
    const call = queue.enqueue('doc.parse', { blob: 'x'.repeat(1_500_000) }, { id: 'too-long' });
    await expect(call).rejects.toBeInstanceOf(TaskStoreError);
    await expect(call).rejects.toThrow(/refused a value longer than its proto-max-bulk-len .* nothing of this call was written\. Keep maxPayloadBytes and maxResultBytes under that setting \(CONFIG GET proto-max-bulk-len\), or raise it/);
    expect(await queue.get('too-long')).toBeNull();
    expect(await admin.dbsize()).toBeLessThan(5);
    const ok = await queue.enqueue('doc.parse', { blob: 'x'.repeat(500_000) });
    expect((await queue.get(ok))?.state).toBe('waiting');
  });
});
