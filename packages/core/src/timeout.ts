/** The one deadline helper: the promise's value, or an Error("<what> did not answer within N ms") once N ms pass. */
export async function withTimeout<T>(ms: number, p: Promise<T>, what = "it"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
