#!/usr/bin/env python3
"""End-to-end browser test on a running Pingan (issue 18, "done means"): a resident reports a hazard on a phone by
dropping a pin on the map; the request is stored with that point; district command sees it on the map page. Then
(issue 20) the governance office's pages open cleanly at 1366 and 390 px and a petition is registered on a phone.

    python3 Tests/browser/report_flow_test.py --base http://127.0.0.1:PORT --token ADMIN_API_TOKEN \
        --staff USER:PASSWORD[:TOTPSECRET] [--shots DIR]

Run by Tests/browser/run.sh (which builds a small demo database and starts the server) from .ci/run. Uses Debian's
chromium and chromedriver through selenium; every page load is checked for console errors (a script error, a CSP
violation, a failed request) and for sideways scrolling at 390 px.
"""
import argparse
import base64
import hashlib
import hmac
import json
import struct
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

FAILS = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        FAILS.append(what)


def browser(width, height=900, phone=False):
    o = webdriver.ChromeOptions()
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--lang=zh-CN',
              '--force-device-scale-factor=1'):
        o.add_argument(a)
    if os.path.exists('/usr/bin/chromium'):
        o.binary_location = '/usr/bin/chromium'
    o.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    d = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=o)
    d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': phone})
    d.execute_cdp_cmd('Emulation.setTouchEmulationEnabled', {'enabled': phone, 'maxTouchPoints': 5 if phone else 1})
    # Geolocation is granted and fixed, so "use my location" is deterministic (the resident agreed).
    return d


def console_errors(d):
    return [e['message'] for e in d.get_log('browser') if e['level'] == 'SEVERE' and 'favicon' not in e['message']]


def no_sideways_scroll(d, width, what):
    sw = d.execute_script('return document.documentElement.scrollWidth')
    check(sw <= width, f'{what}: no sideways scrolling at {width} px (scrollWidth {sw})')


def wait_map_idle(d, timeout=15):
    WebDriverWait(d, timeout).until(lambda x: x.execute_script(
        'return !!(window.PinganMap && PinganMap.instances.length && PinganMap.instances.every(function (m) { return m.idle; }))'))


def api(base, path, token):
    req = urllib.request.Request(base + path, headers={'Authorization': 'Bearer ' + token, 'Accept': 'application/json'})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read().decode('utf-8'))


def report_flow(base, token, shots):
    d = browser(390, 844, phone=True)
    try:
        d.get(base + '/public/report')
        wait_map_idle(d)
        check(not console_errors(d), 'report form loads without console errors')
        no_sideways_scroll(d, 390, 'report form')
        Select(d.find_element(By.ID, 'f-type')).select_by_index(1)
        d.find_element(By.ID, 'f-description').send_keys('路口井盖缺失，夜间很危险（浏览器测试）')
        stage = d.find_element(By.CSS_SELECTOR, '.map-picker .pm-stage')
        d.execute_script('arguments[0].scrollIntoView({block: "center"})', stage)
        # Tap the middle of the district: the pin drops there and the inputs take its coordinates.
        d.execute_script("""
            const s = arguments[0], r = s.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            for (const t of ['pointerdown', 'pointerup']) s.dispatchEvent(new PointerEvent(t, {clientX: x, clientY: y, bubbles: true, pointerId: 1, isPrimary: true, pointerType: 'touch'}));
            s.dispatchEvent(new MouseEvent('click', {clientX: x, clientY: y, bubbles: true}));
        """, stage)
        WebDriverWait(d, 10).until(lambda x: x.find_element(By.ID, 'f-lat').get_attribute('value') != '')
        lat = float(d.find_element(By.ID, 'f-lat').get_attribute('value'))
        lon = float(d.find_element(By.ID, 'f-lon').get_attribute('value'))
        check(22.8 < lat < 23.2 and 113.2 < lon < 113.7, f'the pin writes a point in Panyu ({lon}, {lat})')
        WebDriverWait(d, 10).until(lambda x: Select(x.find_element(By.ID, 'f-communityID')).first_selected_option.get_attribute('value') != '')
        community = Select(d.find_element(By.ID, 'f-communityID')).first_selected_option.text
        check(community not in ('', '—'), f'the community is suggested from the pin ({community})')
        if shots:
            d.save_screenshot(os.path.join(shots, 'report-pin-390.png'))
        time.sleep(3.2)  # the portal refuses forms sent faster than a person types (PINGAN_PORTAL_MIN_FILL_SECONDS)
        d.find_element(By.CSS_SELECTOR, 'form[action="/public/report"] button[type=submit]').click()
        WebDriverWait(d, 10).until(lambda x: '/public/report' not in x.current_url or x.find_elements(By.CSS_SELECTOR, 'strong code'))
        body = d.find_element(By.TAG_NAME, 'body').text
        code = d.find_elements(By.CSS_SELECTOR, 'strong code')
        check(bool(code), 'the resident gets a tracking code')
        if shots:
            d.save_screenshot(os.path.join(shots, 'report-receipt-390.png'))
        if not code:
            print(body[:800])
            return None
        number = [w for w in body.split() if w.startswith('WS')]
        rid = int(number[0][2:]) if number else None
        check(rid is not None, f'the receipt shows the request number ({number[:1]})')
        if rid is None:
            return None
        stored = api(base, f'/api/v1/portal/requests/{rid}', token)
        check(abs(stored.get('lat', 0) - lat) < 1e-6 and abs(stored.get('lon', 0) - lon) < 1e-6,
              f'the stored request has the pin\'s point ({stored.get("lon")}, {stored.get("lat")})')
        return stored
    finally:
        d.quit()


USED_STEP = [-1]


def totp(secret, step):
    """RFC 6238 with SHA-1, 6 digits, 30 s: what an authenticator app shows (stdlib only)."""
    key = base64.b32decode(secret.upper() + '=' * (-len(secret) % 8))
    h = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    o = h[-1] & 15
    return '%06d' % ((struct.unpack('>I', h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def next_code(secret):
    """A code the server has not seen yet: it accepts each 30-second step once (and one step ahead of its clock)."""
    while True:
        now = int(time.time()) // 30
        step = max(now, USED_STEP[0] + 1)
        if step <= now + 1:
            USED_STEP[0] = step
            return totp(secret, step)
        time.sleep(1)


def sign_in(d, base, staff, width, shots=None):
    """Signs in through the form, with the second step when the account has a TOTP secret."""
    user, password, *rest = staff.split(':')
    secret = rest[0] if rest else None
    d.get(base + '/login')
    d.find_element(By.NAME, 'username').send_keys(user)
    d.find_element(By.NAME, 'password').send_keys(password)
    d.find_element(By.CSS_SELECTOR, 'form button[type=submit]').click()
    if secret:
        # Two-step verification (the demo's command must have it): the code page, then the app's code.
        WebDriverWait(d, 10).until(lambda x: '/login/code' in x.current_url)
        check(not console_errors(d), f'sign-in code page without console errors at {width} px')
        no_sideways_scroll(d, width, 'sign-in code page')
        if shots:
            d.save_screenshot(os.path.join(shots, f'login-code-{width}.png'))
        d.find_element(By.NAME, 'code').send_keys(next_code(secret))
        d.find_element(By.CSS_SELECTOR, 'form button[type=submit]').click()
    WebDriverWait(d, 10).until(lambda x: '/login' not in x.current_url)


def officer_map(base, officer, shots, stored):
    for width, phone in ((1366, False), (390, True)):
        d = browser(width, 900, phone)
        try:
            sign_in(d, base, officer, width, shots)
            d.get(base + '/map?show=communities&show=grids&show=incidents&show=requests')
            wait_map_idle(d)
            paths = d.execute_script("return document.querySelectorAll('.map-view .pm-svg path').length")
            check(paths > 0, f'officer map draws outlines at {width} px ({paths} paths)')
            check(not console_errors(d), f'officer map without console errors at {width} px')
            no_sideways_scroll(d, width, 'officer map')
            if stored and width == 1366:
                layer = d.execute_script("return fetch('/api/v1/map/layers/requests', {credentials: 'same-origin'}).then(function (r) { return r.json(); })")
                ids = [f['properties'].get('id') for f in layer.get('features', [])]
                check(stored['id'] in ids, f'the new request is on the staff map\'s requests layer ({stored["id"]} in {ids[:8]})')
            if shots:
                d.save_screenshot(os.path.join(shots, f'officer-map-{width}.png'))
        finally:
            d.quit()


GOVERNANCE_PAGES = ['/governance', '/governance/petitions', '/governance/petitions/stats', '/governance/meetings', '/governance/actions',
                    '/governance/groups', '/governance/offices', '/governance/coverage', '/governance/campaigns', '/governance/campaigns/1']


def governance_flow(base, staff, shots):
    """Issue 20: the governance office's pages open without console errors or sideways scrolling, and a petition is
    registered through the form on a phone — a mistake first (what was typed stays), then the record."""
    for width, phone in ((1366, False), (390, True)):
        d = browser(width, 900, phone)
        try:
            sign_in(d, base, staff, width)
            for path in GOVERNANCE_PAGES:
                d.get(base + path)
                check(not console_errors(d), f'{path} without console errors at {width} px')
                no_sideways_scroll(d, width, path)
                if path[-1].isdigit():  # one record: its breadcrumb leads back to its register
                    check(len(d.find_elements(By.CSS_SELECTOR, '.breadcrumb a[href="' + path.rsplit('/', 1)[0] + '"]')) == 1, f'{path} leads back to its register at {width} px')
                else:
                    check(len(d.find_elements(By.CSS_SELECTOR, 'nav.tabs a[href="/governance/systems"]')) == 1, f'{path} shows the governance office\'s tabs at {width} px')
                if shots:
                    d.save_screenshot(os.path.join(shots, 'governance' + path.replace('/governance', '').replace('/', '-') + f'-{width}.png'))
            if not phone:
                continue
            d.get(base + '/governance/petitions/new')
            Select(d.find_element(By.NAME, 'level')).select_by_value('district')
            Select(d.find_element(By.NAME, 'subject')).select_by_value('labour_wages')
            d.find_element(By.NAME, 'people').clear()
            d.find_element(By.NAME, 'people').send_keys('6')
            d.find_element(By.NAME, 'petitioner').send_keys('工人代表 周某')
            Select(d.find_element(By.NAME, 'communityID')).select_by_index(1)
            d.find_element(By.CSS_SELECTOR, 'form.card button[type=submit]').click()
            WebDriverWait(d, 10).until(lambda x: 'field-error' in x.page_source)
            check(d.find_element(By.NAME, 'petitioner').get_attribute('value') == '工人代表 周某', 'a mistake keeps what was typed')
            check(len(d.find_elements(By.CSS_SELECTOR, '.has-error [name=summary]')) == 1, 'the missing matter is marked at its field')
            d.find_element(By.NAME, 'summary').send_keys('工地拖欠工资，六人到区信访局反映')
            d.find_element(By.CSS_SELECTOR, 'form.card button[type=submit]').click()
            WebDriverWait(d, 10).until(lambda x: '/governance/petitions/' in x.current_url and '/new' not in x.current_url)
            check('工地拖欠工资' in d.page_source and len(d.find_elements(By.CSS_SELECTOR, '.badge.collective')) == 1,
                  'the registered petition opens, marked as a collective visit')
            no_sideways_scroll(d, width, 'the registered petition')
            if shots:
                d.save_screenshot(os.path.join(shots, f'governance-petition-registered-{width}.png'))
            # A place of the district's campaign in hand is closed (销帐): without evidence first (the note stays), then with it.
            d.get(base + '/governance/campaigns/1?status=rectifying')
            d.find_element(By.CSS_SELECTOR, 'table.data tbody a[href^="/governance/campaign-targets/"]').click()
            WebDriverWait(d, 10).until(lambda x: '/governance/campaign-targets/' in x.current_url)
            Select(d.find_element(By.NAME, 'status')).select_by_value('closed')
            d.find_element(By.NAME, 'note').send_keys('联合复查')
            d.find_element(By.CSS_SELECTOR, 'form.card button[type=submit]').click()
            WebDriverWait(d, 10).until(lambda x: 'field-error' in x.page_source)
            check(d.find_element(By.NAME, 'note').get_attribute('value') == '联合复查', 'closing without evidence keeps the note typed')
            check(len(d.find_elements(By.CSS_SELECTOR, '.has-error [name=evidence]')) == 1, 'the missing evidence is marked at its field')
            d.find_element(By.NAME, 'evidence').send_keys('已取缔，复查无反弹')
            d.find_element(By.CSS_SELECTOR, 'form.card button[type=submit]').click()
            WebDriverWait(d, 10).until(lambda x: '已取缔，复查无反弹' in x.page_source and 'field-error' not in x.page_source)
            check(len(d.find_elements(By.CSS_SELECTOR, '.badge.closed')) >= 1, 'the place is closed')
            no_sideways_scroll(d, width, 'the closed place')
            if shots:
                d.save_screenshot(os.path.join(shots, f'governance-campaign-place-closed-{width}.png'))
        finally:
            d.quit()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', required=True)
    ap.add_argument('--token', required=True)
    ap.add_argument('--staff', required=True, help='USER:PASSWORD[:TOTPSECRET] of a district-wide role with the portal layer (the demo\'s command, enrolled in two-step verification)')
    ap.add_argument('--shots')
    a = ap.parse_args()
    if a.shots:
        os.makedirs(a.shots, exist_ok=True)
    stored = report_flow(a.base, a.token, a.shots)
    officer_map(a.base, a.staff, a.shots, stored)
    governance_flow(a.base, a.staff, a.shots)
    print(f'{len(FAILS)} failed' if FAILS else 'all passed')
    sys.exit(1 if FAILS else 0)


if __name__ == '__main__':
    main()
