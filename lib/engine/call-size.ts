/**
 * Characters of values (payloads, results) one store call carries at most; a
 * single value over it goes alone. A call is sent as one string, and V8 holds
 * at most about 512 million characters in one: 30 payloads of 20 MB in one
 * enqueue, or results of tens of MB settled together, made a call that could
 * not be sent at all (and one of hundreds of MB holds Redis and both
 * processes' memory for seconds).
 */
export const MAX_CALL_VALUE_CHARS = 64 * 1024 * 1024;
