// Text of a thrown value; unlike an `instanceof Error` check it also reads errors from another realm (Node's net errors under jest).
export function messageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return String(e);
}
