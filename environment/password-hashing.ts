/** The shop's password-hashing cost in a test run: chosen here, passed to the shop, named in the log and the report. */

/**
 * bcrypt's lowest cost, for the suite's throwaway customers: a registration or login hashes in about 2 ms instead of
 * the production 10 rounds' 90 ms. PASSWORD_HASH_ROUNDS=10 runs the suite at production strength.
 */
export const TEST_PASSWORD_HASH_ROUNDS = '4';

/** PASSWORD_HASH_ROUNDS when set, else the test setting. */
export function passwordHashRounds(env: NodeJS.ProcessEnv = process.env): string {
  return env.PASSWORD_HASH_ROUNDS?.trim() || TEST_PASSWORD_HASH_ROUNDS;
}

/** What the run's password hashing costs, for its log and its report: a run below production strength says so. */
export function passwordHashingNote(rounds: string): string {
  const cost = Number(rounds);
  if (cost === 10) return 'password hashes: 10 bcrypt rounds, production strength (PASSWORD_HASH_ROUNDS)';
  const versus = cost < 10 ? "a test setting below the shop's production 10" : "above the shop's production 10";
  return `password hashes: ${rounds} bcrypt rounds, ${versus} (PASSWORD_HASH_ROUNDS=10 runs at production strength)`;
}
