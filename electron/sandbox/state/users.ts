/**
 * The sandbox's WeChat users: who can scan, consent and follow. Four are seeded; tests may bring their own.
 */
import { openidOf, unionidOf } from './ids';

export interface SandboxUserSeed {
  id: string;
  nickname: string;
  /** Whether the user has a unionid (the sandbox's apps all belong to one Open Platform account). */
  hasUnionid: boolean;
}

/** Four users with Chinese nicknames; the fourth has no unionid, to exercise clients that must cope without one. */
export const DEFAULT_USERS: readonly SandboxUserSeed[] = [
  { id: 'lin-xiaoman', nickname: '林小满', hasUnionid: true },
  { id: 'zhou-yiming', nickname: '周一鸣', hasUnionid: true },
  { id: 'chen-siyuan', nickname: '陈思远', hasUnionid: true },
  { id: 'su-wanqing', nickname: '苏晚晴', hasUnionid: false },
];

export class UserDirectory {
  private readonly users: Map<string, SandboxUserSeed>;
  /** Follow state per official account: appId → user ids following it. */
  private readonly followers = new Map<string, Set<string>>();

  constructor(seed: readonly SandboxUserSeed[] = DEFAULT_USERS) {
    const ids = new Set<string>();
    for (const user of seed) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(user.id)) throw new Error(`user id "${user.id}" must be 1-64 letters, digits, - or _`);
      if (ids.has(user.id)) throw new Error(`user id "${user.id}" appears twice`);
      ids.add(user.id);
    }
    this.users = new Map(seed.map((u) => [u.id, { ...u }]));
  }

  get(id: string): SandboxUserSeed | undefined {
    return this.users.get(id);
  }

  list(): SandboxUserSeed[] {
    return [...this.users.values()];
  }

  openid(appId: string, userId: string): string {
    return openidOf(appId, userId);
  }

  unionid(userId: string): string | null {
    return this.users.get(userId)?.hasUnionid ? unionidOf(userId) : null;
  }

  isFollowing(appId: string, userId: string): boolean {
    return this.followers.get(appId)?.has(userId) ?? false;
  }

  setFollowing(appId: string, userId: string, following: boolean): void {
    let set = this.followers.get(appId);
    if (!set) this.followers.set(appId, (set = new Set()));
    if (following) set.add(userId);
    else set.delete(userId);
  }
}
