/** Bad options or payload: thrown before anything is written to Redis, or at bootstrap for module and handler options. */
export class InvalidTaskOptionsError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTaskOptionsError';
  }
}
