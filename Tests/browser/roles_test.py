#!/usr/bin/env python3
"""Each role's day in the browser (issue 21 §5): every demo account signs in, its desk (工作台) shows the same counts
as its own desk API, the header search box finds something within its scope, and no page of its navigation scrolls
sideways on a 390-px phone (nor logs a console error).

    python3 Tests/browser/roles_test.py --base http://127.0.0.1:PORT --accounts DEMO_LOG [--shots DIR]

DEMO_LOG is what `pingan demo` printed: its account table (username, password, role) and its "2fa" lines (the TOTP
secrets of the roles that must use two factors). Run by Tests/browser/run.sh from .ci/run.
"""
import argparse
import os
import sys
import time
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import report_flow_test as common

ROLES = ['command', 'chief', 'officer', 'grid', 'mediator', 'leader', 'analyst']


def accounts(log):
    """{username: 'user:password[:secret]'} for the demo's role accounts."""
    out, secrets = {}, {}
    for line in open(log, encoding='utf-8'):
        parts = line.split()
        if len(parts) >= 3 and parts[0] == '2fa':
            secrets[parts[1]] = parts[2]
        elif len(parts) >= 2 and parts[0] in ROLES and parts[0] not in out:
            out[parts[0]] = parts[0] + ':' + parts[1]
    return {u: s + (':' + secrets[u] if u in secrets else '') for u, s in out.items()}


def fetch_json(d, path):
    return d.execute_script("return fetch(arguments[0], {credentials: 'same-origin', headers: {Accept: 'application/json'}})"
                            ".then(function (r) { return r.json(); })", path)


def role_day(base, user, staff, shots):
    # The desk and search on a desktop.
    d = common.browser(1366, 900)
    try:
        common.sign_in(d, base, staff, 1366)
        d.get(base + '/')
        check_page(d, 1366, f'{user}: desk')
        shown = {e.get_attribute('data-figure'): int(e.find_element(By.CSS_SELECTOR, '.num').text)
                 for e in d.find_elements(By.CSS_SELECTOR, '[data-figure]')}
        api = fetch_json(d, '/api/v1/desk')
        expected = {f['key']: f['count'] for s in api['sections'] for f in s['figures']}
        common.check(len(api['sections']) > 0, f'{user}: the desk has its own sections ({[s["key"] for s in api["sections"]]})')
        common.check(shown == expected, f'{user}: the desk shows the counts of its own desk API ({len(shown)} figures)')
        if shots:
            d.save_screenshot(os.path.join(shots, f'roles-{user}-desk-1366.png'))
        box = d.find_element(By.CSS_SELECTOR, 'form.header-search input[name=q]')
        box.send_keys('社区')
        box.submit()
        WebDriverWait(d, 10).until(lambda x: '/search' in x.current_url)
        check_page(d, 1366, f'{user}: search')
        result = fetch_json(d, '/api/v1/search?q=' + urllib.parse.quote('社区'))
        groups = result.get('groups', [])
        found = sum(g.get('total', 0) for g in groups)
        common.check(found > 0 and len(d.find_elements(By.CSS_SELECTOR, 'main a')) > 0,
                     f'{user}: search finds records within its scope ({found} in {[g.get("kind") for g in groups]})')
        nav = [a.get_attribute('href') for a in d.find_elements(By.CSS_SELECTOR, 'nav.main-nav a')]
        common.check(len(nav) >= 2, f'{user}: a navigation of its own ({len(nav)} entries)')
        # Issue 21 §1: the top menu fits one row at 1280 px, in both languages.
        d.set_window_size(1280, 900)
        for lang in ('zh', 'en'):
            d.get(base + '/?lang=' + lang)
            rows = d.execute_script("return new Set([...document.querySelectorAll('nav.main-nav a')].map(a => a.offsetTop)).size")
            common.check(rows == 1, f'{user}: the menu fits one row at 1280 px in {lang} ({rows} rows)')
        d.get(base + '/?lang=zh')
    finally:
        d.quit()
    # Every page of its navigation on a phone.
    d = common.browser(390, 844, phone=True)
    try:
        common.sign_in(d, base, staff, 390)
        for href in nav:
            d.get(href)
            check_page(d, 390, f'{user}: {urllib.parse.urlparse(href).path}')
        d.get(base + '/')
        if shots:
            d.save_screenshot(os.path.join(shots, f'roles-{user}-desk-390.png'))
    finally:
        d.quit()


def check_page(d, width, what):
    errors = common.console_errors(d)
    common.check(not errors, f'{what} without console errors at {width} px {errors[:1]}')
    common.no_sideways_scroll(d, width, what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', required=True)
    ap.add_argument('--accounts', required=True)
    ap.add_argument('--shots')
    a = ap.parse_args()
    if a.shots:
        os.makedirs(a.shots, exist_ok=True)
    # The earlier browser script may have used this step and the next (the server takes one step ahead of its clock):
    # start after both, so no code is a replay.
    common.USED_STEP[0] = int(time.time()) // 30 + 1
    found = accounts(a.accounts)
    common.check(sorted(found) == sorted(ROLES), f'the demo printed an account for every role ({sorted(found)})')
    for user in ROLES:
        if user in found:
            try:
                role_day(a.base, user, found[user], a.shots)
            except Exception as e:  # one role's failure is reported, the others still run
                common.check(False, f'{user}: {type(e).__name__} {str(e)[:200]}')
    print(f'{len(common.FAILS)} failed' if common.FAILS else 'all passed')
    sys.exit(1 if common.FAILS else 0)


if __name__ == '__main__':
    main()
