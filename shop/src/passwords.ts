import bcrypt from 'bcryptjs';

const BCRYPT_ROUNDS = 10;
/** Compared against when the email is unknown, so a login takes as long whether or not the account exists. */
const UNKNOWN_USER_HASH = bcrypt.hashSync('no-such-user-0', BCRYPT_ROUNDS);

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, BCRYPT_ROUNDS);

export async function passwordMatches(password: string, hash: string | undefined): Promise<boolean> {
  const matches = await bcrypt.compare(password, hash ?? UNKNOWN_USER_HASH);
  return matches && hash !== undefined;
}
