import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ROLES, type BindingSession, type Member, type Role } from '../../../../shared/companion/api';
import { useApp, useStores } from '../../app/stores';
import { CompanionPanel } from './CompanionPanel';
import { createTeamStore, type TeamStore } from './team-store';
import { CachedNote } from '../publishing/CachedNote';

/** The team on the companion: members with their bound WeChat, roles, and binding by QR code. */
export function TeamPage() {
  const { client } = useStores();
  const [store] = useState<TeamStore>(() => createTeamStore(client));
  useEffect(() => {
    void store.getState().load();
    return () => store.getState().dispose();
  }, [store]);
  return <Team store={store} />;
}

function Team({ store }: { store: TeamStore }) {
  const { t } = useTranslation();
  const companion = useApp((s) => s.companion);
  const members = useStore(store, (s) => s.members);
  const meId = useStore(store, (s) => s.meId);
  const loaded = useStore(store, (s) => s.loaded);
  const cachedAt = useStore(store, (s) => s.cachedAt);
  const error = useStore(store, (s) => s.error);
  const binding = useStore(store, (s) => s.binding);
  const settings = useStore(store, (s) => s.settings);
  const [inviting, setInviting] = useState(false);
  const modeId = useId();
  const me = members.find((m) => m.id === meId);
  const isOwner = me?.role === 'owner';

  // When the companion comes up (or back), load what could not be loaded before.
  useEffect(() => {
    if (companion?.state === 'ready') void store.getState().load();
  }, [companion?.state, store]);

  return (
    <main className="page" aria-labelledby="team-title">
      <header className="page-header">
        <h1 id="team-title">{t('team.title')}</h1>
        {isOwner && (
          <button type="button" className="primary" onClick={() => setInviting(true)}>
            {t('team.invite')}
          </button>
        )}
      </header>
      <p className="muted">{t('team.intro')}</p>
      {settings && isOwner && (
        <div className="toolbar">
          <label htmlFor={modeId}>{t('team.bindingMode')}</label>
          <select
            id={modeId}
            value={settings.bindingMode}
            onChange={(e) => void store.getState().setBindingMode(e.target.value as 'qrconnect' | 'oauth')}
          >
            <option value="qrconnect">{t('team.modes.qrconnect')}</option>
            <option value="oauth">{t('team.modes.oauth')}</option>
          </select>
        </div>
      )}
      {companion && companion.state !== 'ready' && (
        <p className="banner" role="status">
          {t(`companion.state.${companion.state}`)}
          {companion.error ? ` — ${companion.error}` : ''}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
      {inviting && !binding && <InviteForm store={store} onCancel={() => setInviting(false)} />}
      {binding && (
        <BindingPanel
          binding={binding}
          onRefresh={() => void store.getState().refreshBinding()}
          onClose={() => {
            store.getState().closeBinding();
            setInviting(false);
          }}
        />
      )}
      <CompanionPanel />
      <CachedNote cachedAt={cachedAt} />
      {loaded && (
        <table className="table" aria-label={t('team.members')}>
          <thead>
            <tr>
              <th scope="col">{t('team.member')}</th>
              <th scope="col">{t('team.wechat')}</th>
              <th scope="col">{t('team.role')}</th>
              <th scope="col">{t('team.boundAt')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('team.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <MemberRow key={member.id} member={member} isMe={member.id === meId} canManage={isOwner} store={store} />
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function MemberRow({ member, isMe, canManage, store }: { member: Member; isMe: boolean; canManage: boolean; store: TeamStore }) {
  const { t, i18n } = useTranslation();
  const roleId = useId();
  const label = member.wechat?.nickname ?? member.name;
  return (
    <tr>
      <td>
        <span className="member-cell">
          {member.wechat?.avatarUrl ? (
            <img className="avatar" src={member.wechat.avatarUrl} alt="" referrerPolicy="no-referrer" />
          ) : (
            <span className="avatar avatar-empty" aria-hidden="true">
              {member.name.slice(0, 1)}
            </span>
          )}
          <span>
            {member.name}
            {isMe && <span className="badge">{t('team.you')}</span>}
          </span>
        </span>
      </td>
      <td>
        {member.wechat ? (
          <span>
            {member.wechat.nickname} <span className="muted mono">{member.wechat.openidMasked}</span>
          </span>
        ) : (
          <span className="muted">{t('team.notBound')}</span>
        )}
      </td>
      <td>
        <label htmlFor={roleId} className="visually-hidden">
          {t('team.roleOf', { name: label })}
        </label>
        <select
          id={roleId}
          value={member.role}
          disabled={!canManage || isMe}
          onChange={(e) => void store.getState().setRole(member.id, e.target.value as Role)}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`team.roles.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>{member.wechat ? new Date(member.wechat.boundAt).toLocaleString(i18n.language) : '—'}</td>
      <td className="row-actions">
        {canManage && (
          <button type="button" className="link-button" onClick={() => void store.getState().startBinding({ memberId: member.id })}>
            {member.wechat ? t('team.rebind', { name: label }) : t('team.bind', { name: label })}
          </button>
        )}
        {canManage && member.wechat && (
          <button type="button" className="link-button danger" onClick={() => void store.getState().unbind(member.id)}>
            {t('team.unbind', { name: label })}
          </button>
        )}
      </td>
    </tr>
  );
}

function InviteForm({ store, onCancel }: { store: TeamStore; onCancel: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { name: useId(), role: useId() };
  return (
    <form
      className="panel invite-form"
      aria-label={t('team.invite')}
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = name.trim();
        if (!trimmed) return setProblem(t('team.nameRequired'));
        if ([...trimmed].length > 64) return setProblem(t('team.nameTooLong'));
        setProblem(null);
        void store.getState().startBinding({ name: trimmed, role });
      }}
    >
      <div className="field">
        <label htmlFor={ids.name}>{t('team.newMemberName')}</label>
        <input
          id={ids.name}
          value={name}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${ids.name}-error` : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        {problem && (
          <p id={`${ids.name}-error`} className="field-error" role="alert">
            {problem}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={ids.role}>{t('team.role')}</label>
        <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`team.roles.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary">
          {t('team.showQr')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('team.cancel')}
        </button>
      </div>
    </form>
  );
}

function BindingPanel({ binding, onRefresh, onClose }: { binding: BindingSession; onRefresh: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const companion = useApp((s) => s.companion);
  const finished = !['waiting', 'scanned', 'confirmed'].includes(binding.status);
  return (
    <section className="panel binding" aria-labelledby="binding-title">
      <h2 id="binding-title">{t('team.scanTitle')}</h2>
      <div className="binding-body">
        <img
          className={`qr ${finished ? 'qr-done' : ''}`}
          src={`data:image/png;base64,${binding.qrPngBase64}`}
          alt={t('team.qrAlt')}
          width={220}
          height={220}
        />
        <div className="binding-info">
          <p className={`binding-status status-${binding.status}`} role="status" aria-live="polite" data-binding-status={binding.status}>
            {t(`team.status.${binding.status}`)}
          </p>
          {binding.error && (
            <p className="field-error" role="alert">
              {binding.error.message}
            </p>
          )}
          <p className="muted">{t('team.scanHint', { mode: t(`team.modes.${binding.mode}`) })}</p>
          <p className="mono qr-url">
            <span className="muted">{t('team.qrUrl')}</span> {binding.qrUrl}
          </p>
          {companion?.sandbox && companion.phoneUrl && (
            <p>
              <a href={companion.phoneUrl} target="_blank" rel="noreferrer">
                {t('team.openPhone')}
              </a>
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="secondary" onClick={onRefresh}>
              {t('team.refreshQr')}
            </button>
            <button type="button" className="link-button" onClick={onClose}>
              {finished ? t('team.done') : t('team.cancel')}
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}
