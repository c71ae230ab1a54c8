import { ExternalContextCreator } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { scopedGlobalReader, contextCreatorFor } from '../../../lib/execution/global-enhancers.js';
import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';

// Both checks read Nest's internals by name: they must accept the real
// ExternalContextCreator and refuse, at bootstrap, one that moved them.

const ALL = { guards: true, interceptors: true, pipes: true };

async function realCreator(): Promise<ExternalContextCreator> {
  const moduleRef = await Test.createTestingModule({}).compile();
  return moduleRef.get(ExternalContextCreator);
}

describe('scopedGlobalReader', () => {
  it("accepts the installed @nestjs/core's context creator", async () => {
    const creator = await realCreator();
    expect(() => scopedGlobalReader(creator, ALL)).not.toThrow();
  });

  it('refuses a context creator whose scoped global guards it cannot read, naming the way out', () => {
    const moved = { guardsContextCreator: { getGlobalMetadata: () => [], config: {} } } as unknown as ExternalContextCreator;
    let caught: unknown;
    try {
      scopedGlobalReader(moved, ALL);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidTaskOptionsError);
    expect((caught as Error).message).toContain('request-scoped and transient global guards');
    expect((caught as Error).message).toContain('globalEnhancers: { guards: false }');
  });

  it('does not look for the kinds the options leave out', () => {
    const bare = {} as ExternalContextCreator;
    expect(() => scopedGlobalReader(bare, { guards: false, interceptors: false, pipes: false })).not.toThrow();
  });
});

describe('contextCreatorFor', () => {
  it('refuses to leave out a kind it cannot find', () => {
    expect(() => contextCreatorFor({} as ExternalContextCreator, { ...ALL, pipes: false })).toThrow(
      'globalEnhancers.pipes: false is not supported by this version of @nestjs/core',
    );
  });

  it("leaves the installed @nestjs/core's creator as it is when every kind is kept", async () => {
    const creator = await realCreator();
    expect(contextCreatorFor(creator, ALL)).toBe(creator);
  });
});
