/**
 * The stylesheet of the sandbox's pages, served as /phone/phone.css.
 */
export const PAGE_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.6 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1f2329; background: #f2f3f5; }
.banner { display: flex; gap: 12px; align-items: center; padding: 10px 20px; background: #1f2329; color: #fff; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #fa9d3b; color: #1f2329; }
main { max-width: 560px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 0 0 8px; }
.card { background: #fff; border-radius: 10px; padding: 20px; margin: 16px 0; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.card.error .code { color: #d4380d; font-weight: 600; }
.center { text-align: center; }
.qr { width: 240px; height: 240px; }
.hint, .meta { color: #646a73; font-size: 13px; word-break: break-all; }
.phone .screen { background: #fff; border-radius: 24px; padding: 24px; border: 8px solid #1f2329; }
.field { display: block; margin: 14px 0 6px; font-weight: 600; }
input[type=file] { display: block; }
select, input[type=url] { width: 100%; padding: 8px 10px; border: 1px solid #d0d3d6; border-radius: 6px; font: inherit; }
.user-card { display: flex; align-items: center; gap: 10px; margin-top: 10px; }
.user-card img { width: 40px; height: 40px; border-radius: 6px; }
.button { display: inline-block; margin-top: 14px; padding: 8px 20px; border: 0; border-radius: 6px; background: #07c160; color: #fff; font: inherit; cursor: pointer; text-decoration: none; }
.button.secondary { background: #e5e6eb; color: #1f2329; }
.button:disabled { opacity: .6; cursor: default; }
.actions { display: flex; gap: 12px; }
.message { color: #d4380d; min-height: 1.6em; }
.amount { font-size: 32px; font-weight: 600; text-align: center; margin: 8px 0; }
`;
