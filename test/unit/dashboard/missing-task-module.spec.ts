import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { InvalidTaskOptionsError } from '../../../lib/index.js';
import { TaskDashboardModule } from '../../../lib/dashboard/index.js';
import { TaskHealthIndicator } from '../../../lib/terminus/index.js';

// Nest's own error named an internal token, or told the user to import TaskQueue
// into TaskDashboardModule, a module they do not own.
describe('the dashboard and the health indicator in an app without TaskModule', () => {
  async function compileError(metadata: Parameters<typeof Test.createTestingModule>[0]): Promise<unknown> {
    return Test.createTestingModule(metadata)
      .setLogger({ log: () => undefined, error: () => undefined, warn: () => undefined })
      .compile()
      .then(
        async (moduleRef) => {
          await moduleRef.close();
          return null;
        },
        (error: unknown) => error,
      );
  }

  it('TaskDashboardModule says to import TaskModule', async () => {
    const error = await compileError({ imports: [TaskDashboardModule.forRoot({ path: '/ops/tasks', guards: [] })] });
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/^TaskDashboardModule needs TaskModule, which this app does not import: add TaskModule\.forRoot\(\.\.\.\)/);
  });

  it('TaskHealthIndicator says to import TaskModule', async () => {
    const error = await compileError({ imports: [TerminusModule], providers: [TaskHealthIndicator] });
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/^TaskHealthIndicator needs TaskModule, which this app does not import/);
  });
});
