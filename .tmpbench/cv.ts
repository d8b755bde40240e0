import { chromium } from 'playwright-core';
(async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const p = await b.newPage({ viewport: { width: 1500, height: 950 } });
  const card = (i: number) => `<div class="c" id="c${i}"><table>${'<tr><td>1.234</td><td>5.6</td></tr>'.repeat(20)}</table></div>`;
  const html = (extra: string) => `<style>
  .box{overflow:auto;width:550px;height:600px;position:relative;border:1px solid}
  .g{display:flex;gap:40px;width:max-content;${extra}}
  .col{display:flex;flex-direction:column;gap:18px}
  .c{width:280px;contain-intrinsic-size:auto 260px auto 104px;content-visibility:auto}
  </style><div class="box"><div class="g">${[0,1,2,3,4,5,6,7].map((k)=>`<div class="col">${card(k*2)}${card(k*2+1)}</div>`).join('')}</div></div>`;
  for (const extra of ['', 'pointer-events:none;', 'position:relative;z-index:1;']) {
    await p.setContent(html(extra));
    await p.waitForTimeout(300);
    const r = await p.evaluate(() => [...document.querySelectorAll('.c')].map((c) => (c.querySelector('td')!.checkVisibility({ contentVisibilityAuto: true }) ? 1 : 0)).join(''));
    console.log(JSON.stringify(extra), r);
  }
  // inside an iframe
  await p.setContent(`<iframe style="width:576px;height:858px" srcdoc='${html('').replace(/'/g, '&#39;')}'></iframe>`);
  await p.waitForTimeout(500);
  const f = p.frames()[1];
  console.log('iframe', await f.evaluate(() => [...document.querySelectorAll('.c')].map((c) => (c.querySelector('td')!.checkVisibility({ contentVisibilityAuto: true }) ? 1 : 0)).join('')));
  await b.close();
})();
