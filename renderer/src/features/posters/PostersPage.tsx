/**
 * The 海报 page: the workspace's posters, the template gallery (new poster from a template, in either size), and the
 * brand kit that templates pick up. Thumbnails are drawn by the shared painter on small canvases.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type MethodOutput } from '../../../../shared/contract/index';
import { BRAND_COLOR_KEYS, paintPoster, type BrandKit, type PaintContext, type PosterDocument, type PosterTemplate } from '../../../../shared/poster/index';
import { useStores } from '../../app/stores';
import { editorResources, useAssetsVersion } from './poster-assets';
import { importImage } from './image-import';
import './posters.css';

const THUMB_WIDTH = 150;

function Thumbnail({ doc, brand, label }: { doc: PosterDocument; brand: BrandKit; label: string }) {
  const { client } = useStores();
  const ref = useRef<HTMLCanvasElement>(null);
  const assets = useAssetsVersion();
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const scale = THUMB_WIDTH / doc.width;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(scale * devicePixelRatio, 0, 0, scale * devicePixelRatio, 0, 0);
    // The thumbnail waits for the bundled font, like the editor, so its text is laid out and drawn alike.
    void document.fonts.ready.then(() => paintPoster(ctx as unknown as PaintContext, doc, editorResources(doc, brand, 'template', client)));
  }, [doc, brand, client, assets]);
  const height = Math.round((THUMB_WIDTH * doc.height) / doc.width);
  return <canvas ref={ref} role="img" aria-label={label} width={THUMB_WIDTH * devicePixelRatio} height={height * devicePixelRatio} style={{ width: THUMB_WIDTH, height }} />;
}

function BrandKitPanel({ brand, onChange }: { brand: BrandKit; onChange: (brand: BrandKit) => void }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [linkBase, setLinkBase] = useState(brand.linkBase);
  const [error, setError] = useState<string | null>(null);
  const update = async (patch: Parameters<typeof client.call<'posters.updateBrand'>>[1]) => {
    try {
      onChange(await client.call('posters.updateBrand', patch));
      setError(null);
    } catch (e) {
      setError(e instanceof StudioError ? (e.fields?.[0]?.code ?? e.code) : 'INTERNAL');
    }
  };
  return (
    <section className="poster-panel poster-brand" aria-label={t('posters.brand.title')}>
      <h3>{t('posters.brand.title')}</h3>
      <div className="poster-grid">
        {BRAND_COLOR_KEYS.map((k) => (
          <label key={k} className="poster-field">
            <span>{t(`posters.brand.${k}`)}</span>
            <input type="color" value={brand.colors[k].toLowerCase()} onChange={(e) => void update({ colors: { [k]: e.target.value.toUpperCase() } })} />
          </label>
        ))}
        <label className="poster-field">
          <span>{t('posters.brand.headingWeight')}</span>
          <select value={brand.headingWeight} onChange={(e) => void update({ headingWeight: e.target.value as 'regular' | 'bold' })}>
            <option value="bold">{t('posters.brand.bold')}</option>
            <option value="regular">{t('posters.brand.regular')}</option>
          </select>
        </label>
        <label className="poster-field">
          <span>{t('posters.brand.logo')}</span>
          <input
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void update({ logoHash: await importImage(client, file) });
            }}
          />
        </label>
        {brand.logoHash && <img className="poster-logo" src={client.mediaUrl(brand.logoHash)} alt={t('posters.brand.logo')} />}
      </div>
      <label className="poster-field poster-field-wide">
        <span>{t('posters.brand.linkBase')}</span>
        <input value={linkBase} placeholder="https://" onChange={(e) => setLinkBase(e.target.value)} onBlur={() => linkBase !== brand.linkBase && void update({ linkBase: linkBase.trim() })} />
      </label>
      <p className="muted">{t('posters.brand.linkHint')}</p>
      {error && (
        <p role="alert" className="error-text">
          {t(`field.${error}`, { defaultValue: t('error.INVALID_INPUT') })}
        </p>
      )}
    </section>
  );
}

export function PostersPage() {
  const { t, i18n } = useTranslation();
  const { client, app } = useStores();
  const [posters, setPosters] = useState<MethodOutput<'posters.list'>['items'] | null>(null);
  const [templates, setTemplates] = useState<PosterTemplate[]>([]);
  const [brand, setBrand] = useState<BrandKit | null>(null);
  const [height, setHeight] = useState<1920 | 1440>(1920);
  const [fontsReady, setFontsReady] = useState(false);

  useEffect(() => {
    void client.call('posters.list', {}).then((r) => setPosters(r.items));
    void client.call('posters.templates', {}).then((r) => setTemplates(r.items));
    void client.call('posters.brand', {}).then(setBrand);
    void Promise.all([document.fonts.load('16px "Creator Preview Sans SC"'), document.fonts.load('bold 16px "Creator Preview Sans SC"')]).then(() => setFontsReady(true));
    return client.on('posters.changed', () => void client.call('posters.list', {}).then((r) => setPosters(r.items)));
  }, [client]);

  const create = async (template: PosterTemplate) => {
    const name = template.name[i18n.language === 'en-US' ? 'en-US' : 'zh-CN'];
    const poster = await client.call('posters.create', { name, templateId: template.id });
    app.getState().navigate({ name: 'poster', id: poster.id });
  };

  return (
    <main className="posters-page" data-testid="posters-page">
      <h1>{t('posters.title')}</h1>
      <section aria-label={t('posters.mine')}>
        <h2>{t('posters.mine')}</h2>
        {posters && posters.length === 0 && <p className="muted">{t('posters.empty')}</p>}
        <ul className="poster-list" aria-label={t('posters.mine')}>
          {posters?.map((p) => (
            <li key={p.id}>
              <a
                href={`#/posters/${p.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  app.getState().navigate({ name: 'poster', id: p.id });
                }}
              >
                {p.name}
              </a>
              <span className="muted">
                {t(`posters.kind.${p.kind}`)} · {p.width}×{p.height}
              </span>
              <button type="button" className="link-button" aria-label={t('posters.deleteNamed', { name: p.name })} onClick={() => window.confirm(t('posters.confirmDelete', { name: p.name })) && void client.call('posters.delete', { id: p.id })}>
                {t('posters.delete')}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label={t('posters.templates')}>
        <h2>{t('posters.templates')}</h2>
        <div role="radiogroup" aria-label={t('posters.size')} className="poster-actions">
          {([1920, 1440] as const).map((h) => (
            <label key={h}>
              <input type="radio" name="template-size" checked={height === h} onChange={() => setHeight(h)} /> 1080×{h}
            </label>
          ))}
        </div>
        {(['course', 'checkin', 'invite'] as const).map((kind) => (
          <div key={kind}>
            <h3>{t(`posters.kind.${kind}`)}</h3>
            <ul className="poster-templates">
              {templates
                .filter((tpl) => tpl.kind === kind && tpl.document.height === height)
                .map((tpl) => {
                  const name = tpl.name[i18n.language === 'en-US' ? 'en-US' : 'zh-CN'];
                  return (
                    <li key={tpl.id}>
                      <button type="button" className="poster-template" aria-label={t('posters.useTemplate', { name })} onClick={() => void create(tpl)}>
                        {brand && fontsReady && <Thumbnail doc={tpl.document} brand={brand} label={name} />}
                        <span>{name}</span>
                      </button>
                    </li>
                  );
                })}
            </ul>
          </div>
        ))}
      </section>
      {brand && <BrandKitPanel brand={brand} onChange={setBrand} />}
    </main>
  );
}
