#!/usr/bin/python3
"""web_browser.py URL QID OTHER_QID SHOTS: drive embargo-web in a real headless
Chromium (Debian's chromium, chromium-driver, python3-selenium).

As admin alice: sign in, filter the queue by subject, open the quarantined macro
mail QID, see the finding macro.vba at its part 2:document_SimpleMacro.doc and the
deciding rule, release it, see the outcome and the history entry by web:alice, and
the dashboard's chart. As helpdesk bob (b.example): the queue does not list
OTHER_QID (a recipient in another domain) and opening it by id says there is no
such entry. Screenshots into SHOTS. Prints TAP lines; exit status 1 on a failure.
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, qid, other, shots = sys.argv[1:5]
failed = 0


def check(desc, cond):
    global failed
    print(("ok - " if cond else "not ok - ") + desc)
    if not cond:
        failed += 1


def shot(name):
    drv.save_screenshot(os.path.join(shots, name + ".png"))


def wait_id(ident):
    try:
        WebDriverWait(drv, 30).until(EC.presence_of_element_located((By.ID, ident)))
        return True
    except Exception:
        return False


def nav_click(el):
    """Click EL and wait until its page is replaced: an element read before the
    new page arrived would be stale."""
    el.click()
    try:
        WebDriverWait(drv, 30).until(EC.staleness_of(el))
        WebDriverWait(drv, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
    except Exception:
        pass


def sign_in(user, password):
    drv.get(url + "/login")
    drv.find_element(By.ID, "user").send_keys(user)
    drv.find_element(By.ID, "password").send_keys(password)
    return drv.find_element(By.ID, "signin")


opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1400,1000", "--lang=en-US"):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
drv.set_page_load_timeout(120)
try:
    shot_btn = sign_in("alice", "admin-pw")
    shot("login")
    nav_click(shot_btn)
    check("admin signed in (queue shown)", wait_id("queue"))
    drv.find_element(By.ID, "f-subject").send_keys("e2e web console")
    nav_click(drv.find_element(By.ID, "apply"))
    rows = drv.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    check("filter by subject lists the quarantined macro mail",
          any(qid in r.get_attribute("innerHTML") for r in rows) and
          all("e2e web console" in r.text for r in rows))
    shot("queue")
    nav_click(drv.find_element(By.CSS_SELECTOR, 'a[href="/m/%s"]' % qid))
    parts = drv.find_elements(By.CSS_SELECTOR, "#parts li.part")
    at = [p for p in parts if p.find_element(By.TAG_NAME, "code").text ==
          "2:document_SimpleMacro.doc"]
    check("the finding macro.vba is shown at its part 2:document_SimpleMacro.doc",
          len(at) == 1 and "macro.vba" in at[0].text)
    env = drv.find_element(By.ID, "envelope").text
    check("the deciding rule is shown", "quarantine-active-content" in env)
    check("a plain-text preview, not rendered",
          drv.find_elements(By.CSS_SELECTOR, "pre#preview") != [])
    shot("message")
    nav_click(drv.find_element(By.ID, "release"))
    wait_id("outcome")
    out = drv.find_element(By.ID, "outcome").text
    check("release reports success (%s)" % out.replace("\n", " | ")[:160],
          "released to 1 recipient" in out)
    hist = drv.find_element(By.ID, "history").text
    check("the history shows the release by web:alice",
          "released" in hist and "web:alice" in hist)
    shot("released")
    drv.get(url + "/dashboard")
    check("dashboard draws its chart", drv.find_elements(By.CSS_SELECTOR, "svg#chart rect") != [])
    shot("dashboard")
    nav_click(drv.find_element(By.CSS_SELECTOR, "nav button[type=submit]"))
    wait_id("signin")
    nav_click(sign_in("bob", "help-pw"))
    wait_id("queue")
    check("helpdesk's queue does not list another domain's entry",
          other not in drv.page_source and drv.find_elements(By.ID, "queue") != [])
    drv.get(url + "/m/" + other)
    check("helpdesk refused another domain's entry by id",
          "No such entry" in drv.page_source and "other-domain" not in drv.page_source)
    shot("helpdesk-refused")
except Exception as e:  # a missing element: the step failed, say which
    check("browser steps ran to the end (%s)" % str(e).split("\n")[0][:200], False)
finally:
    drv.quit()
sys.exit(1 if failed else 0)
