#!/usr/bin/env python3
"""The pages as a person uses them, in headless Chromium (Debian's chromium and chromium-driver, PyPI's selenium).

    python3 Tests/Browser/pages_test.py --base http://127.0.0.1:8080 --out SCREENSHOT_DIR

Drives a server started with `clearway serve --demo`: a trader logs in, lodges a declaration through the form
(first with a mistake, shown inline), and watches it released without reloading the page while the terminal and
the broker act through the API; an officer clears a document review from the queue; a release note is verified on
the public page; the language is switched. A screenshot of each step is written to --out. Exit 0 only when every
step held; prints 'N passed, N failed'.
"""
import argparse
import datetime
import json
import os
import random
import sys
import traceback
import urllib.request

# Selenium Manager must not go looking for browsers or drivers online: Debian's are named below.
os.environ["SE_OFFLINE"] = "true"
os.environ["SE_AVOID_STATS"] = "true"

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--base", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)


def api(method, path, token, body=None):
    request = urllib.request.Request(args.base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        text = response.read()
        return json.loads(text) if text else None


def container_number():
    """A random ISO 6346 number with its check digit, so every run lodges new boxes."""
    stem = "CWTU" + "".join(random.choice("0123456789") for _ in range(6))
    values = {}
    value = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    total = sum((int(c) if c.isdigit() else values[c]) << i for i, c in enumerate(stem))
    return stem + str(total % 11 % 10)


options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US"]:
    options.add_argument(flag)
options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
driver = webdriver.Chrome(options=options, service=Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")))
wait = WebDriverWait(driver, 30)
results = []


def step(name):
    def run(function):
        try:
            function()
            results.append((name, True, ""))
            print(f"ok   {name}")
        except Exception:
            results.append((name, False, traceback.format_exc()))
            print(f"FAIL {name}\n{traceback.format_exc()}")
        finally:
            driver.save_screenshot(os.path.join(args.out, f"{len(results):02d}-{name.replace(' ', '-')}.png"))
    return run


def log_in(username, password="clearway-demo"):
    driver.get(args.base + "/login")
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(EC.presence_of_element_located((By.ID, "user")))
    assert driver.find_element(By.ID, "user").text == username


def log_out():
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "a[href='/login']")))


state = {}


@step("trader logs in")
def _():
    driver.get(args.base + "/login")
    driver.find_element(By.ID, "username").send_keys("trader")
    driver.find_element(By.ID, "password").send_keys("wrong password")
    driver.find_element(By.ID, "login-submit").click()
    assert "wrong" in wait.until(EC.presence_of_element_located((By.ID, "login-error"))).text
    log_in("trader")
    assert driver.current_url.endswith("/app/shipments")


@step("a mistake in the form is shown beside its field")
def _():
    driver.get(args.base + "/app/declarations/new")
    field = driver.find_element(By.ID, "container")
    field.send_keys("CSQU3054384")  # wrong check digit
    assert field.get_attribute("aria-invalid") == "false"  # the pattern holds; only the server knows the check digit
    for name, value in [("means", "COSCO SHIPPING ARIES"), ("voyage", "045E"), ("billOfLading", "COSU6245187340"),
                        ("commodityCode", "8471300000"), ("description", "Laptop computers"), ("quantity", "200"),
                        ("value", "150000.00"), ("origin", "US"), ("seal", "SH123")]:
        driver.find_element(By.ID, name).send_keys(value)
    driver.find_element(By.ID, "lodge").click()
    summary = wait.until(EC.presence_of_element_located((By.ID, "form-errors")))
    assert "check digit" in summary.text, summary.text
    assert "check digit" in driver.find_element(By.ID, "container-error").text
    assert driver.find_element(By.ID, "container").get_attribute("aria-invalid") == "true"
    # Typed values are kept.
    assert driver.find_element(By.ID, "description").get_attribute("value") == "Laptop computers"


@step("trader lodges a declaration through the form")
def _():
    state["container"] = container_number()
    field = driver.find_element(By.ID, "container")
    field.clear()
    field.send_keys(state["container"])
    driver.find_element(By.ID, "lodge").click()
    number = wait.until(EC.presence_of_element_located((By.ID, "customs-number"))).text
    assert len(number) == 18, number
    state["id"] = driver.current_url.rsplit("/", 1)[1]
    assert driver.find_element(By.ID, "status").get_attribute("data-status") == "accepted"
    assert "duties not paid" in driver.find_element(By.ID, "waiting").text


@step("the declaration is released while the page stays open")
def _():
    driver.execute_script("window.__notReloaded = true;")
    wait.until(lambda d: d.execute_script("return document.body.dataset.live") == "connected")
    api("POST", f"/api/v1/declarations/{state['id']}/duties", "demo-token-trader", {"settlement": "paid"})
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    api("POST", "/api/v1/port-events", "demo-token-terminal", {"kind": "discharged", "at": now, "container": state["container"]})
    wait.until(lambda d: d.find_element(By.ID, "status").get_attribute("data-status") == "released")
    assert driver.execute_script("return window.__notReloaded === true"), "the page was reloaded"
    assert driver.find_element(By.ID, "status").text == "Released"


@step("the shipments list shows it released")
def _():
    driver.get(args.base + "/app/shipments")
    row = driver.find_element(By.CSS_SELECTOR, f"tr[data-declaration='{state['id']}'] [data-field=status]")
    assert row.get_attribute("data-status") == "released"
    log_out()


@step("an officer clears a document review from the queue")
def _():
    body = json.load(open(os.path.join(os.path.dirname(__file__), "declaration.json")))
    body["containers"][0]["number"] = container_number()
    lodged = api("POST", "/api/v1/declarations", "demo-token-trader", body)
    api("POST", f"/api/v1/declarations/{lodged['id']}/risk", "demo-token-officer", {"lane": "documentary"})
    log_in("officer")
    assert driver.current_url.endswith("/app/queue")
    row = driver.find_element(By.CSS_SELECTOR, f"tr[id^='order-{lodged['id']}-']")
    Select(row.find_element(By.TAG_NAME, "select")).select_by_value("no-discrepancy")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "recorded")))
    assert not driver.find_elements(By.CSS_SELECTOR, f"tr[id^='order-{lodged['id']}-']")
    # New work arriving while the queue is open is announced without a reload.
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    driver.execute_script("window.__notReloaded = true;")
    body["containers"][0]["number"] = container_number()
    fresh = api("POST", "/api/v1/declarations", "demo-token-trader", body)
    api("POST", f"/api/v1/declarations/{fresh['id']}/risk", "demo-token-officer", {"lane": "documentary"})
    wait.until(EC.visibility_of_element_located((By.ID, "queue-news")))
    assert driver.execute_script("return window.__notReloaded === true")
    assert api("GET", f"/api/v1/declarations/{lodged['id']}", "demo-token-officer")["clearance"]["inspectionCompliant"] is True


@step("anyone verifies the release note on the public page")
def _():
    issued = api("POST", f"/api/v1/declarations/{state['id']}/release-note", "demo-token-officer")
    log_out()
    driver.get(args.base + f"/verify/{issued['credentialId']}")
    verdict = wait.until(EC.presence_of_element_located((By.ID, "verdict")))
    assert "valid" in verdict.get_attribute("class"), verdict.text


@step("the public sees clearance times as charts")
def _():
    driver.get(args.base + "/statistics?by=lane")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Clearance times"
    for chart in ["chart-trend", "chart-shares", "chart-breakdown"]:
        svg = driver.find_element(By.CSS_SELECTOR, f"#{chart} svg")
        assert svg.get_attribute("role") == "img" and svg.size["height"] > 50, chart
    # The demo's inspected boxes make one published lane.
    assert "Inspection" in driver.find_element(By.ID, "chart-shares").text
    Select(driver.find_element(By.ID, "by")).select_by_value("procedure")
    driver.find_element(By.CSS_SELECTOR, "form[action='/statistics'] button").click()
    wait.until(lambda d: "by=procedure" in d.current_url)


@step("the language switches between English and Chinese")
def _():
    driver.get(args.base + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert driver.find_element(By.CSS_SELECTOR, "a[href='/login']").text == "Log in"
    driver.find_element(By.ID, "lang-zh-CN").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN")
    assert driver.find_element(By.CSS_SELECTOR, "header a[href='/login']").text == "登录"
    assert driver.find_element(By.TAG_NAME, "h1").text == "跨境通关，并联办理"
    log_in("trader")  # the choice outlives the login
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert "我的货物" in driver.find_element(By.TAG_NAME, "h1").text
    driver.find_element(By.ID, "lang-en").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert driver.find_element(By.TAG_NAME, "h1").text == "My shipments"


@step("a person logs in with the keyboard alone")
def _():
    log_out()
    driver.get(args.base + "/login")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("class") == "skip", "the skip link comes first"
    for _ in range(30):
        if driver.switch_to.active_element.get_attribute("id") == "username":
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "username"
    driver.switch_to.active_element.send_keys("officer")
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "password"
    driver.switch_to.active_element.send_keys("clearway-demo", Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.ID, "user")))
    assert driver.find_element(By.ID, "user").text == "officer"


@step("every input has a label")
def _():
    for path in ["/app/declarations/new", "/app/shipments", "/login"]:
        driver.get(args.base + path)
        for element in driver.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select, textarea"):
            ident = element.get_attribute("id")
            assert ident and driver.find_elements(By.CSS_SELECTOR, f"label[for='{ident}']"), f"{path}: {ident or element.get_attribute('name')} has no label"



@step("the tax agency files a rebate and the forex agency records money on an export's chain")
def _():
    driver.delete_all_cookies()
    log_in("tax")
    assert driver.current_url.endswith("/app/exports")
    rows = driver.find_elements(By.CSS_SELECTOR, "#exports tbody tr")
    open_rows = [row for row in rows if row.find_elements(By.TAG_NAME, "td")[7].text.strip() == ""]
    assert open_rows, "a demo export without a rebate"
    open_rows[0].find_element(By.TAG_NAME, "a").click()
    record = driver.current_url
    Select(wait.until(EC.presence_of_element_located((By.ID, "rebate-action")))).select_by_value("file")
    driver.find_element(By.ID, "rebate-amount").send_keys("88.00")
    driver.find_element(By.ID, "rebate-reference").send_keys("SAT-BROWSER-1")
    driver.find_element(By.CSS_SELECTOR, "#rebate-form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "recorded")))
    assert driver.find_elements(By.CSS_SELECTOR, "#chain li[data-stage='rebate-filed'].done")
    driver.delete_all_cookies()
    log_in("forex")
    driver.get(record)
    assert not driver.find_elements(By.ID, "rebate-form"), "the forex agency does not record rebates"
    for element in driver.find_elements(By.CSS_SELECTOR, "#receipt-form input:not([type=hidden])"):
        assert driver.find_elements(By.CSS_SELECTOR, f"label[for='{element.get_attribute('id')}']")
    driver.find_element(By.ID, "receipt-amount").send_keys("10.00")
    driver.find_element(By.ID, "receipt-reference").send_keys("BOC-BROWSER-1")
    driver.find_element(By.CSS_SELECTOR, "#receipt-form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "recorded")))
    assert driver.find_element(By.ID, "reconciliation").get_attribute("data-status") in ("awaiting", "matched", "short", "over")
    assert driver.find_elements(By.CSS_SELECTOR, "#chain li[data-stage='payment-received'].done")

driver.quit()
passed = sum(1 for _, ok, _ in results if ok)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
