/**
 * The browser script of the phone page, served as /phone/phone.js (the page's CSP allows no inline script). It is a
 * plain ES2017 script kept as text here so it ships inside the bundled command without a separate asset step.
 * Requests carry `X-Sandbox-Phone: 1`: a custom header makes browsers preflight cross-site calls, which the sandbox
 * never approves, so other websites cannot drive the phone.
 */
export const PHONE_SCRIPT = String.raw`'use strict';
(function () {
  var SCOPES = {
    snsapi_base: '获取你的身份标识（静默授权）',
    snsapi_userinfo: '获取你的昵称、头像',
    snsapi_login: '使用微信帐号登录网站，获取你的昵称、头像'
  };
  var $ = function (id) { return document.getElementById(id); };
  var users = [];
  var sessionId = null;
  var consentKind = null;

  function api(path, body) {
    return fetch('/phone/api/' + path, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'Content-Type': 'application/json', 'X-Sandbox-Phone': '1' } : { 'X-Sandbox-Phone': '1' },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
        return data;
      });
    });
  }

  function say(text) { $('message').textContent = text || ''; }

  function showUser() {
    var user = users.filter(function (u) { return u.id === $('user').value; })[0];
    $('user-card').hidden = !user;
    if (!user) return;
    $('user-avatar').src = user.avatarUrl;
    $('user-name').textContent = user.nickname + (user.hasUnionid ? '' : '（无 unionid）');
  }

  function showResult(title, data) {
    $('consent').hidden = true;
    $('result').hidden = false;
    $('result-title').textContent = title;
    $('result-url').textContent = data.landedUrl ? (data.landedUrl + (data.status ? '  ·  HTTP ' + data.status : '')) : '';
    $('result-text').textContent = data.pageText || '';
  }

  function showScan(data) {
    sessionId = data.sessionId;
    consentKind = data.consent;
    if (data.step === 'consent') {
      $('result').hidden = true;
      $('consent').hidden = false;
      $('consent-amount').hidden = data.consent !== 'pay';
      $('deny').textContent = data.consent === 'pay' ? '取消' : '拒绝';
      if (data.consent === 'pay') {
        $('consent-title').textContent = '付款给「' + data.appName + '」';
        $('consent-amount').textContent = data.payment.amountText;
        $('consent-scope').textContent = '商品：' + data.payment.description;
        $('allow').textContent = '确认支付';
        return;
      }
      $('consent-title').textContent = data.consent === 'follow' ? '关注公众号「' + data.appName + '」？' : '「' + data.appName + '」申请获得以下权限';
      $('consent-scope').textContent = data.consent === 'follow' ? '关注后可以接收该公众号的消息。' : (SCOPES[data.scope] || data.scope || '');
      $('allow').textContent = data.consent === 'follow' ? '关注' : '允许';
      return;
    }
    showResult(data.step === 'done' ? '已打开' : '出错了', data);
  }

  function readImage(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result)); };
      reader.onerror = function () { reject(new Error('无法读取图片')); };
      reader.readAsDataURL(file);
    });
  }

  function scan(event) {
    event.preventDefault();
    say('');
    var userId = $('user').value;
    var file = $('image').files && $('image').files[0];
    var url = $('url').value.trim();
    if (!file && !url) { say('请粘贴二维码链接或上传二维码图片'); return; }
    var body = file ? readImage(file).then(function (data) { return { userId: userId, pngBase64: data }; }) : Promise.resolve({ userId: userId, url: url });
    $('scan').disabled = true;
    body.then(function (b) { return api('scan', b); }).then(showScan).catch(function (e) { say(e.message); })
      .then(function () { $('scan').disabled = false; $('image').value = ''; });
  }

  function decide(allow) {
    if (!sessionId) return;
    $('allow').disabled = $('deny').disabled = true;
    api('decide', { sessionId: sessionId, allow: allow }).then(function (data) {
      sessionId = null;
      var paying = consentKind === 'pay';
      showResult(allow ? (data.step === 'done' ? (paying ? '支付成功' : '已确认') : '出错了') : (paying ? '已取消' : '已拒绝'), data);
    }).catch(function (e) { say(e.message); }).then(function () { $('allow').disabled = $('deny').disabled = false; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var preset = new URLSearchParams(location.search).get('url');
    if (preset) $('url').value = preset;
    $('scan-form').addEventListener('submit', scan);
    $('allow').addEventListener('click', function () { decide(true); });
    $('deny').addEventListener('click', function () { decide(false); });
    $('user').addEventListener('change', showUser);
    api('users').then(function (data) {
      users = data.items;
      users.forEach(function (u) {
        var option = document.createElement('option');
        option.value = u.id;
        option.textContent = u.nickname;
        $('user').appendChild(option);
      });
      showUser();
    }).catch(function (e) { say('无法读取用户列表：' + e.message); });
  });
})();
`;
