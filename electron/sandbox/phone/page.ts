/**
 * The simulated phone's page (`GET /phone`): pick a sandbox user, scan a URL or a QR image (a website, an account's
 * QR, or a WeChat Pay code_url / h5_url), then allow or deny — or pay. All behaviour lives in /phone/phone.js
 * (phone/script.ts); the markup only lays out the controls.
 */
import { layout } from '../html';

export function phonePage(): string {
  const body = `<section class="phone" aria-label="模拟手机">
<div class="screen">
  <h1>模拟手机</h1>
  <p class="hint">选择一位沙箱微信用户，扫描网站给出的二维码（粘贴链接或上传图片），再确认或拒绝授权；扫描微信支付二维码则进入付款确认。</p>

  <label class="field" for="user">微信用户</label>
  <select id="user" name="user"></select>
  <div id="user-card" class="user-card" hidden><img id="user-avatar" alt=""><span id="user-name"></span></div>

  <form id="scan-form">
    <label class="field" for="url">二维码链接</label>
    <input id="url" name="url" type="url" placeholder="https://…、http://weixin.qq.com/q/… 或 weixin://wxpay/bizpayurl?pr=…" autocomplete="off">
    <label class="field" for="image">或上传二维码图片（PNG）</label>
    <input id="image" name="image" type="file" accept="image/png">
    <button id="scan" class="button" type="submit">扫一扫</button>
  </form>

  <section id="consent" class="card" hidden>
    <h2 id="consent-title"></h2>
    <p id="consent-amount" class="amount" hidden></p>
    <p id="consent-scope"></p>
    <div class="actions">
      <button id="allow" class="button" type="button">允许</button>
      <button id="deny" class="button secondary" type="button">拒绝</button>
    </div>
  </section>

  <section id="result" class="card" hidden>
    <h2 id="result-title"></h2>
    <p class="meta" id="result-url"></p>
    <p id="result-text"></p>
  </section>

  <p id="message" class="message" role="status"></p>
</div>
</section>`;
  return layout('模拟手机', body, { script: '/phone/phone.js' });
}
