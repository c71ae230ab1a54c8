/** One field of an INFO reply (`field:value` lines), or null when the reply has none. */
export function infoField(info: string, field: string): string | null {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null;
}
