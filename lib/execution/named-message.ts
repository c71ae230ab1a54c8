/**
 * An error as a line shows it: "TypeError: x is undefined", the name left
 * out when the message already starts with it. Its own file: the dashboard's
 * browser code imports it too.
 */
export function namedMessage(error: { name?: string; message: string }): string {
  return error.name && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
}
